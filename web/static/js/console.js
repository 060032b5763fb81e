// The facilitator console: the board with every control of the facilitator beside it.
import { $, draftInput, drafts, h, onDemand, replace, saveSign, saving } from "./dom.js";
import { enableDrag } from "./drag.js";
import { applyStatic, t } from "./i18n.js";
import { allowed, room, start } from "./app.js";
import { phaseView, representation } from "./phases.js";
import { COLORS, deletedList, undoBar } from "./cards.js";
import { download, downloads, FORMATS, query } from "./downloads.js";
import { groupsPanel } from "./groups.js";
import { followupPanel } from "./commitments.js";
import { CHOICES } from "./choices.js";

const PRESETS = [1, 3, 5, 10, 15];

applyStatic();
const keyStore = `spwt:key:${room}`;
const fromHash = new URLSearchParams(location.hash.slice(1)).get("key");
if (fromHash) {
  try { localStorage.setItem(keyStore, fromHash); } catch (e) { /* memory only */ }
  history.replaceState(null, "", location.pathname + location.search); // off the projected URL bar
}
let key = fromHash;
try { key = key || localStorage.getItem(keyStore); } catch (e) { /* ignore */ }

// The assistant works in the cluster phase only: it loads then (the console stays light on
// a phone). Its code hints come with the program form (codepicker.js), from the roles phase.
const assistantModule = onDemand(() => import("./suggest.js"));
let suggestions = null;
const app = start({ as: "participant", key, store: `spwt:${room}:f`, render, onEvents: (events) => suggestions && suggestions.events(events, app.ctx()) });

function assistant() {
  const m = assistantModule(() => app.schedule());
  if (m && !suggestions) suggestions = new m.Suggestions(room, key, () => app.schedule());
  return suggestions;
}
if (!key) {
  replace($("#main"), h("section.fatal", {}, h("h1", { text: t("console.no_key") }), h("p", { text: t("console.no_key_hint") })));
} else {
  if (!app.link.profile) app.link.profile = { name: t("console.name"), org: "" };
  app.link.connect();
}

const composer = $("#composer");
const color = $("#note-color");
for (const c of COLORS) color.append(h("option", { value: c, "data-t": `color.${c}`, text: t(`color.${c}`) }));
composer.addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("#note-text");
  if (!text.value.trim()) return;
  acting(app.ctx()).send({ kind: "note.add", text: text.value.trim(), color: color.value });
  text.value = "";
});

// The "for:" picker: a paper participant (no device) whose cards and votes the facilitator
// enters. Their ops carry ``on_behalf`` and the server checks them as that person's own.
let actingFor = null;

function paperPeople(s) {
  return s.participants.filter((p) => p.paper);
}

/** The context as the chosen paper participant sees the board, or ``c`` itself. */
function acting(c) {
  const who = actingFor && paperPeople(c.s).find((p) => p.id === actingFor);
  if (!who) return c;
  const s = { ...c.s, votes: { ...c.s.votes, mine: (c.s.votes.paper || {})[who.id] || [] } };
  return { ...c, s, me: who, role: "participant", can: (kind) => allowed(s, "participant", kind), send: (op, done = null) => c.send(op, done, who.id) };
}

function forPicker(c) {
  const paper = paperPeople(c.s);
  if (!paper.length) return null;
  const chosen = paper.find((p) => p.id === actingFor);
  return h("div.acting.row", { "data-key": "acting" },
    h("label", {}, h("span", { text: `${t("people.for")} ` }),
      h("select", { id: "acting-for", "aria-label": t("people.for"), onchange: (e) => { actingFor = e.target.value || null; app.schedule(); } },
        h("option", { value: "", selected: !chosen, text: t("people.for_me") }),
        paper.map((p) => h("option", { value: p.id, selected: p === chosen, text: p.name })))),
    chosen ? h("span.hint", { text: t("people.acting", { name: chosen.name }) }) : null);
}
enableDrag($("#content"), (note, cluster) => {
  const c = app.ctx();
  if (c.s.notes[note] && c.s.notes[note].cluster !== cluster) c.send({ kind: "note.cluster", note, cluster });
});

function render(c) {
  c.onFocus = (target) => c.send({ kind: "focus.set", target });
  c.assistant = { room, key }; // where the program form asks for likely codes
  const s = c.s;
  composer.hidden = !["vision", "issues"].includes(s.phase);
  $("#content").dataset.phase = s.phase;
  replace($("#content"), undoBar(c), forPicker(c), s.phase === "cluster" && assistant() ? suggestions.view(c) : null, phaseView(acting(c)));
  replace($("#controls"), controls(c));
}

function section(title, ...children) {
  return h("section.panel", { "aria-label": title }, h("h2", { text: title }), ...children);
}

function controls(c) {
  const s = c.s;
  return [
    section(t("console.phase"), stepper(c)),
    section(t("console.timer"), timer(c)),
    section(t("console.board"), toggles(c)),
    section(t("console.people"), people(c)),
    section(t("deleted.title"), deletedList(c)),
    section(t("console.groups"), groupsPanel(c)),
    section(t("console.vision"), vision(c)),
    section(t("console.share"), share()),
    section(t("followup.title"), followupPanel(c)),
    section(t("console.snapshots"), snapshots(c)),
    settingsPanel(c, s),
  ];
}

// The settings form loads when the facilitator first opens it, and is rebuilt only when the
// settings change, so a half-filled form survives the events that keep arriving meanwhile.
const settingsModule = onDemand(() => import("./settings.js"));
let settingsCache = null;
function settingsPanel(c, s) {
  const open = settingsCache ? settingsCache.el.open : false;
  const module = open ? settingsModule(c.refresh) : null;
  const stamp = module ? JSON.stringify(s.settings) + document.documentElement.lang : null;
  if (!settingsCache || !stamp || settingsCache.stamp !== stamp) {
    const el = h("details.panel.settings", { open, ontoggle: () => el.open && !module && c.refresh() },
      h("summary", { text: t("console.settings") }), module ? module.settingsForm(c, s) : null);
    settingsCache = { stamp, el };
  }
  return settingsCache.el;
}

function stepper(c) {
  const s = c.s;
  const phases = CHOICES.phases.filter((p) => p === "lobby" || p === "closed" || s.settings.phases.includes(p));
  const i = phases.indexOf(s.phase);
  // Closing takes the final record and leaves the board read-only: asked, not slipped into.
  const go = (p) => (p !== "closed" || confirm(t("console.confirm_close"))) && c.send({ kind: "phase.set", phase: p });
  return [
    h("ol.stepper", {}, phases.map((p) => h("li", {}, h("button.step", { type: "button", "data-phase": p, "data-key": `step-${p}`, "aria-current": p === s.phase ? "step" : null, onclick: () => p !== s.phase && go(p), text: t(`phase.${p}`) })))),
    h("div.row", {},
      h("button", { type: "button", disabled: i <= 0, onclick: () => go(phases[i - 1]), text: `← ${t("console.prev")}` }),
      h("button.primary", { type: "button", "data-action": "next-phase", "data-key": "next-phase", disabled: i >= phases.length - 1, onclick: () => go(phases[i + 1]), text: `${t("console.next")} →` })),
  ];
}

function timer(c) {
  const minutes = draftInput("input", "timer-min", { type: "number", min: "0.05", max: "240", step: "any", value: "5", "aria-label": t("console.minutes") });
  return [
    h("div.row.wrap", {}, PRESETS.map((m) => h("button.small", { type: "button", onclick: () => c.send({ kind: "timer.start", seconds: m * 60 }), text: t("console.min", { n: m }) }))),
    h("form.row", { onsubmit: (e) => { e.preventDefault(); c.send({ kind: "timer.start", seconds: Math.round(Number(minutes.value) * 60) || 60 }); } },
      minutes, h("button.small", { type: "submit", text: t("console.start") }),
      h("button.small", { type: "button", disabled: !c.s.timer, onclick: () => c.send({ kind: "timer.stop" }), text: t("console.stop") })),
  ];
}

function toggle(label, on, opOn, opOff, c, action) {
  return h("button.toggle", { type: "button", "data-action": action, "data-key": action, "aria-pressed": on ? "true" : "false", onclick: () => c.send({ kind: on ? opOff : opOn }), text: label });
}

function toggles(c) {
  const s = c.s;
  const part = s.votes.participation || { voters: 0, used: 0 };
  const online = s.participants.filter((p) => p.role === "participant" && c.online.includes(p.id)).length;
  const focus = s.focus ? (s.notes[s.focus] || s.clusters[s.focus] || s.programs[s.focus]) : null;
  return [
    h("div.row.wrap", {},
      toggle(s.votes_revealed ? t("console.hide_votes") : t("console.reveal_votes"), s.votes_revealed, "votes.reveal", "votes.hide", c, "reveal-votes"),
      toggle(s.notes_revealed ? t("console.hide_cards") : t("console.reveal_cards"), s.notes_revealed, "notes.reveal", "notes.hide", c, "reveal-cards"),
      toggle(s.locked ? t("console.unlock") : t("console.lock"), s.locked, "board.lock", "board.unlock", c, "lock")),
    h("p.stat", { id: "ready-count", text: t("console.ready", { n: s.ready.length, of: online }) }),
    h("p.stat", { text: t("vote.participation", { voters: part.voters, used: part.used }) }),
    s.hidden_notes ? h("p.stat", { text: t("cards.hidden", { n: s.hidden_notes }) }) : null,
    h("p.stat", {}, `${t("console.focus")}: `, h("strong", { text: focus ? (focus.title || focus.text) : "—" }),
      focus ? h("button.small", { type: "button", onclick: () => c.send({ kind: "focus.set", target: null }), text: t("focus.release") }) : null),
  ];
}

function people(c) {
  const list = c.s.participants.filter((p) => p.role !== "observer");
  return [representation(c.s), h("ul.people", {}, list.map((p) => {
    const on = p.paper || c.online.includes(p.id);
    return h("li", { class: on ? "on" : "off" },
      h("span.dot", { "aria-label": on ? t("people.online") : t("people.offline"), role: "img" }),
      h("span.who", {}, h("strong", { text: p.name }), p.org ? ` · ${p.org}` : "", p.category ? ` · ${t(`element.${p.category}`)}` : "", p.paper ? ` (${t("people.paper")})` : "", p.role === "facilitator" ? ` (${t("role.facilitator")})` : "", c.s.ready.includes(p.id) ? " ✓" : ""),
      p.role === "participant" ? h("button.icon", { type: "button", title: t("people.remove"), "aria-label": `${t("people.remove")}: ${p.name}`, onclick: () => confirm(t("people.confirm_remove", { name: p.name })) && c.send({ kind: "participant.remove", participant: p.id }) }, "✕") : null);
  })), addPaper()];
}

// Built once per language, like the settings form: a half-filled form survives re-renders.
let paperCache = null;
function addPaper() {
  const lang = document.documentElement.lang;
  if (!paperCache || paperCache.lang !== lang) paperCache = { lang, el: paperForm(paperCache ? paperCache.el.open : false) };
  return paperCache.el;
}

function paperForm(open) {
  const sign = saveSign("paper");
  const field = (name, label, attrs = {}) => h("label", {}, h("span", { text: label }), h("input", { name, maxlength: "120", "data-key": `paper-${name}`, ...attrs }));
  const select = (name, label, options) => h("label", {}, h("span", { text: label }), h("select", { name }, options));
  const form = h("form.stack.add-paper", { "data-key": "add-paper", onsubmit: (e) => {
    e.preventDefault();
    const f = new FormData(form);
    const name = String(f.get("name") || "").trim();
    if (!name) return;
    const op = { kind: "participant.add", name, org: String(f.get("org") || "").trim(), position: String(f.get("position") || "").trim() };
    if (f.get("category")) op.category = f.get("category");
    if (f.get("gender")) op.gender = f.get("gender");
    app.ctx().send(op, saving("paper", () => saveSign("paper", sign))); // this form is kept, not redrawn
    saveSign("paper", sign);
    form.reset();
    form.querySelector("[name=name]").focus();
  } },
  field("name", t("people.name"), { required: true }),
  field("org", t("people.org")),
  field("position", t("people.position")),
  select("category", t("join.category"), [h("option", { value: "", text: t("join.choose") }), ...CHOICES.participant_categories.map((x) => h("option", { value: x, text: t(`element.${x}`) }))]),
  select("gender", t("join.gender"), [h("option", { value: "", text: t("join.not_say") }), ...CHOICES.genders.map((x) => h("option", { value: x, text: t(`gender.${x}`) }))]),
  h("button.small", { type: "submit", "data-action": "add-paper", text: t("people.add") }), sign);
  return h("details.add-paper", { open }, h("summary", { "data-key": "add-paper-open", text: t("people.add_paper") }), form);
}

function minutesButtons() {
  return h("div.row.wrap.minutes", {}, h("span", { text: `${t("download.minutes")}: ` }),
    CHOICES.minutes_formats.map((f) => h("button.tiny", { type: "button", "data-minutes": f, onclick: () => download(`/api/rooms/${room}/minutes?format=${f}`, key), text: t(`format.${f}`) })));
}

function vision(c) {
  const v = c.s.vision;
  const text = draftInput("textarea", "vision-text", { value: v.statement, rows: "3", "aria-label": t("vision.statement") });
  const missions = draftInput("textarea", "vision-missions", { value: (v.missions || []).join("\n"), rows: "3", "aria-label": t("vision.missions"), placeholder: t("vision.missions_ph") });
  return h("form.stack", { onsubmit: (e) => {
    e.preventDefault();
    c.send({ kind: "vision.set", text: text.value, missions: missions.value.split("\n").map((m) => m.trim()).filter(Boolean) }, saving("vision", c.refresh));
    drafts.delete("vision-text");
    drafts.delete("vision-missions");
  } }, text, missions, h("button", { type: "submit", text: t("vision.save") }), saveSign("vision"));
}

function share() {
  const join = `${document.body.dataset.base || location.origin}/r/${room}`;
  return [
    h("p.code-small", {}, t("start.code"), " ", h("strong", { text: room })),
    h("p", {}, h("a", { href: join, text: join })),
    h("img.qr-small", { src: `/r/${room}/qr.svg`, alt: t("start.qr_alt"), width: "120", height: "120" }),
    h("p", {}, h("a", { href: `/r/${room}/screen`, target: "_blank", rel: "noopener", text: t("console.open_screen") })),
  ];
}

function snapshots(c) {
  const label = draftInput("input", "snap-label", { type: "text", maxlength: "120", placeholder: t("console.snapshot_label"), "aria-label": t("console.snapshot_label") });
  return [
    h("form.row", { onsubmit: (e) => { e.preventDefault(); c.send({ kind: "snapshot.take", label: label.value }, saving("snapshot", c.refresh)); drafts.delete("snap-label"); label.value = ""; } },
      label, h("button.small", { type: "submit", "data-action": "snapshot", text: t("console.snapshot") }), saveSign("snapshot")),
    h("ul.snapshots", {}, c.s.snapshots.map((sn) => h("li", { "data-n": sn.n }, h("span", { text: `#${sn.n} ${sn.final ? t("snapshot.final") : sn.label || ""} · ${t(`phase.${sn.phase}`)}` }),
      h("span.buttons", {}, FORMATS.map((f) => h("button.tiny", { type: "button", "data-format": f, onclick: () => download(`/api/rooms/${room}/snapshots/${sn.n}?${query(f)}`, key), text: t(`format.${f}`) })))))),
    downloads(c, key),
    minutesButtons(),
  ];
}

