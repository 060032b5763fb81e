// Working groups: the console's panel (make, fill and name groups), the participant's
// banner (their table, or a choice of tables), and the screen's grid of all groups.
import { draftInput, drafts, h, saveSign, saving } from "./dom.js";
import { t } from "./i18n.js";
import { CHOICES } from "./choices.js";

const AUTO_BY = CHOICES.group_by;
// Whether the member list is open survives the re-render each assignment causes.
let assigning = false;
const TILE_CARDS = 6; // the latest cards a group's tile shows on the screen before it clusters

export function groupsOf(s) {
  return Object.values(s.groups || {}).sort((a, b) => (a.created_at || 0) - (b.created_at || 0));
}

function membersOf(s, group) {
  return s.participants.filter((p) => (s.membership || {})[p.id] === group);
}

/** The console's panel: add, auto-assign, assign each person, rapporteurs, settings. */
export function groupsPanel(c) {
  const s = c.s;
  const groups = groupsOf(s);
  const name = draftInput("input", "group-name", { type: "text", maxlength: "120", placeholder: t("groups.name_ph"), "aria-label": t("groups.name") });
  const count = h("input", { type: "number", min: "1", max: "50", value: String(Math.max(groups.length, 3)), "aria-label": t("groups.count"), size: "3" });
  const by = h("select", { "aria-label": t("groups.by") }, AUTO_BY.map((b) => h("option", { value: b, text: t(`groups.by.${b}`) })));
  const people = s.participants.filter((p) => p.role === "participant");
  const choice = (pid) => {
    const sel = h("select", { "aria-label": t("groups.assign_for", { name: s.participants.find((p) => p.id === pid).name }), "data-key": `assign-${pid}` },
      h("option", { value: "", text: t("groups.none") }),
      groups.map((g) => h("option", { value: g.id, selected: (s.membership || {})[pid] === g.id, text: g.name })));
    sel.addEventListener("change", () => c.send({ kind: "group.assign", participant: pid, group: sel.value || null }));
    return sel;
  };
  const setting = (key) => h("label.check", {}, h("input", { type: "checkbox", checked: !!s.settings[key], onchange: (e) => c.send({ kind: "room.configure", [key]: e.target.checked }) }), h("span", { text: t(`settings.${key}`) }));
  return [
    h("form.row", { onsubmit: (e) => {
      e.preventDefault();
      if (!name.value.trim()) return;
      c.send({ kind: "group.add", name: name.value.trim() }, saving("group", c.refresh));
      drafts.delete("group-name");
      name.value = "";
    } }, name, h("button.small", { type: "submit", "data-action": "add-group", text: t("groups.add") }), saveSign("group")),
    h("form.row.wrap", { onsubmit: (e) => { e.preventDefault(); c.send({ kind: "groups.auto", count: Number(count.value) || 3, by: by.value }); } },
      count, by, h("button.small", { type: "submit", "data-action": "auto-groups", text: t("groups.auto") })),
    groups.length ? h("ul.groups", {}, groups.map((g) => groupRow(c, g))) : h("p.hint", { text: t("groups.empty") }),
    groups.length && people.length ? assignList(people, choice) : null,
    setting("self_select_groups"), setting("groups_visible"),
  ];
}

function assignList(people, choice) {
  const el = h("details.assign", { open: assigning || null }, h("summary", { text: t("groups.assign") }),
    h("ul.assign", {}, people.map((p) => h("li", {}, h("span", { text: p.name }), choice(p.id)))));
  el.addEventListener("toggle", () => { assigning = el.open; });
  return el;
}

function groupRow(c, g) {
  const s = c.s;
  const members = membersOf(s, g.id);
  const rapporteur = h("select", { "aria-label": t("groups.rapporteur_of", { name: g.name }) },
    h("option", { value: "", text: t("groups.no_rapporteur") }),
    members.map((p) => h("option", { value: p.id, selected: g.rapporteur === p.id, text: p.name })));
  rapporteur.addEventListener("change", () => c.send({ kind: "group.rapporteur", group: g.id, participant: rapporteur.value || null }));
  return h("li", { "data-group": g.id },
    h("strong", { text: g.name }), h("span.muted", { text: ` · ${t("groups.members", { n: members.length })}` }),
    h("div.row.wrap", {}, rapporteur,
      h("button.small", { type: "button", "aria-pressed": s.focus === g.id ? "true" : "false", onclick: () => c.send({ kind: "focus.set", target: s.focus === g.id ? null : g.id }), text: t("groups.show") }),
      h("button.small", { type: "button", onclick: () => {
        const renamed = prompt(t("groups.rename"), g.name);
        if (renamed && renamed.trim()) c.send({ kind: "group.rename", group: g.id, name: renamed.trim() });
      }, text: t("groups.rename") }),
      h("button.small", { type: "button", onclick: () => confirm(t("groups.confirm_delete", { name: g.name })) && c.send({ kind: "group.delete", group: g.id }), text: t("groups.delete") })));
}

/** The participant's line above the board: their group, or the groups to choose from. */
export function groupBanner(c) {
  const s = c.s;
  const groups = groupsOf(s);
  if (!groups.length || !c.me || c.role !== "participant") return null;
  const mine = s.groups[(s.membership || {})[c.me.id]];
  if (mine) return h("p.group-banner", { "data-group": mine.id }, t("groups.yours"), " ", h("strong", { text: mine.name }));
  if (!s.settings.self_select_groups) return h("p.group-banner", { text: t("groups.waiting") });
  return h("div.group-banner", {}, h("span", { text: t("groups.choose") }),
    groups.map((g) => h("button.small", { type: "button", onclick: () => c.send({ kind: "group.join", group: g.id }), text: g.name })));
}

/** The screen when groups write apart: every group side by side, its clusters and cards. */
export function groupsGrid(s) {
  const groups = groupsOf(s);
  const notes = Object.values(s.notes);
  return h("section.groups-grid", { "data-columns": String(Math.min(groups.length, 4)) }, groups.map((g) => {
    const clusters = Object.values(s.clusters).filter((x) => x.group === g.id);
    const cards = notes.filter((n) => n.group === g.id);
    return h("article.group-tile", { "data-group": g.id },
      h("h2", { text: g.name }),
      h("p.muted", { text: t("groups.tile", { cards: cards.length, members: membersOf(s, g.id).length }) }),
      clusters.length
        ? h("ul", {}, clusters.map((x) => h("li", {}, h("span", { text: x.title }), h("span.count", { text: String(cards.filter((n) => n.cluster === x.id).length) }))))
        : h("ul.latest", {}, cards.slice(-TILE_CARDS).map((n) => h("li", { dir: "auto", text: n.text }))));
  }));
}
