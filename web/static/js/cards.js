// Cards and clusters: the writing phases and the clustering phase.
import { draftInput, drafts, h, saveSign, saving } from "./dom.js";
import { t } from "./i18n.js";
import { CHOICES } from "./choices.js";

export const COLORS = CHOICES.colors;

export function personName(ctx, id) {
  if (!id) return "";
  const p = ctx.s.participants.find((x) => x.id === id);
  return p ? p.name : "";
}

/** One card. ``opts.drag``: draggable with a move menu (clustering). */
export function card(ctx, note, opts = {}) {
  const s = ctx.s;
  if (note.local) opts = { ...opts, drag: false }; // not on the server yet: nothing to move
  const mine = ctx.me && note.author === ctx.me.id;
  const author = s.settings.anonymous ? (mine ? t("card.you") : "") : personName(ctx, note.author);
  const el = h(`article.card.c-${note.color || "yellow"}`, {
    id: `item-${note.id}`,
    "data-id": note.id,
    "data-drag": opts.drag ? "" : null,
    tabindex: ctx.focusable ? "0" : null,
    "aria-label": t("card.label"),
  });
  if (note.local) el.classList.add("pending");
  if (s.focus === note.id) el.classList.add("focused");
  if (opts.drag) el.append(h("span.handle", { "aria-hidden": "true", title: t("card.drag") }, "⠿"));
  el.append(h("p.text", { text: note.text }));
  const foot = h("footer");
  if (author) foot.append(h("span.author", { text: author }));
  if (opts.drag) foot.append(moveMenu(ctx, note));
  const canEdit = !ctx.readOnly && (ctx.role === "facilitator" || (mine && ctx.can("note.edit")));
  if (canEdit && !note.local) {
    foot.append(h("button.icon", { type: "button", "aria-label": t("card.edit"), title: t("card.edit"), onclick: () => editCard(ctx, note) }, "✎"));
    foot.append(h("button.icon", { type: "button", "aria-label": t("card.delete"), title: t("card.delete"), onclick: () => {
      if (confirm(t("card.confirm_delete"))) ctx.send({ kind: "note.delete", note: note.id });
    } }, "✕"));
  }
  if (ctx.onFocus && !note.local) foot.append(focusButton(ctx, note.id));
  el.append(foot);
  return el;
}

function editCard(ctx, note) {
  const text = prompt(t("card.edit"), note.text);
  if (text !== null && text.trim() && text !== note.text) ctx.send({ kind: "note.edit", note: note.id, text });
}

export function focusButton(ctx, id) {
  const on = ctx.s.focus === id;
  return h("button.icon.focus-btn", {
    type: "button",
    "data-key": `focus-${id}`,
    "aria-pressed": on ? "true" : "false",
    "aria-label": on ? t("focus.release") : t("focus.set"),
    title: on ? t("focus.release") : t("focus.set"),
    onclick: () => ctx.onFocus(on ? null : id),
  }, "◎");
}

function moveMenu(ctx, note) {
  const select = h("select.move", { "aria-label": t("card.move"), disabled: !ctx.can("note.cluster"), "data-key": `move-${note.id}` });
  select.append(h("option", { value: "", text: t("cluster.none"), selected: !note.cluster }));
  for (const c of Object.values(ctx.s.clusters)) {
    if (c.local) continue;
    select.append(h("option", { value: c.id, text: c.title, selected: note.cluster === c.id }));
  }
  select.addEventListener("change", () => ctx.send({ kind: "note.cluster", note: note.id, cluster: select.value || null }));
  return select;
}

export function notesOf(s, phases) {
  return Object.values(s.notes)
    .filter((n) => !phases || phases.includes(n.phase))
    .sort((a, b) => (a.created_at || 0) - (b.created_at || 0));
}

/** The writing phases: everyone's cards (or one's own and a count, in private writing). */
export function writingView(ctx, phase) {
  const s = ctx.s;
  const notes = notesOf(s, [phase]);
  const out = [];
  if (phase === "vision" && (s.vision.statement || (s.vision.missions || []).length)) out.push(visionBlock(s));
  if (s.hidden_notes > 0) out.push(h("p.hint", { text: t("cards.hidden", { n: s.hidden_notes }) }));
  if (!notes.length && !(s.hidden_notes > 0)) out.push(h("p.empty", { text: t("cards.empty") })); // not "none" beside "6 hidden"
  out.push(h("div.cards", { "aria-live": "polite" }, notes.map((n) => card(ctx, n))));
  return out;
}

export function visionBlock(s) {
  return h("section.vision", {},
    h("h2", { text: t("vision.statement") }),
    h("blockquote", { text: s.vision.statement || "—" }),
    (s.vision.missions || []).length ? h("ol.missions", {}, s.vision.missions.map((m) => h("li", { text: m }))) : null);
}

/** The clustering phase: unsorted cards, clusters as drop zones, naming and merging. */
export function clusterView(ctx) {
  const s = ctx.s;
  const can = ctx.can("note.cluster") && !ctx.readOnly;
  const notes = notesOf(s).filter((n) => n.phase !== "vision");
  const loose = notes.filter((n) => !n.cluster || !s.clusters[n.cluster]);
  const out = [];
  if (!ctx.readOnly) {
    const input = draftInput("input", "new-cluster", { type: "text", maxlength: "120", required: true, placeholder: t("cluster.new_ph"), "aria-label": t("cluster.new"), disabled: !ctx.can("cluster.add") });
    out.push(h("form.inline.add-cluster", { onsubmit: (e) => {
      e.preventDefault();
      if (!input.value.trim()) return;
      ctx.send({ kind: "cluster.add", title: input.value }, saving("cluster", ctx.refresh));
      drafts.delete("new-cluster");
      input.value = "";
    } }, input, h("button", { type: "submit", disabled: !ctx.can("cluster.add"), text: t("cluster.add") }), saveSign("cluster")));
    if (can) out.push(h("p.hint", { text: t("cluster.hint") }));
  }
  const clusters = Object.values(s.clusters).sort((a, b) => (a.created_at || 0) - (b.created_at || 0));
  const grid = h("div.clusters");
  for (const c of clusters) grid.append(clusterBox(ctx, c, notes.filter((n) => n.cluster === c.id), can));
  if (loose.length || !ctx.readOnly) {
    out.push(h("section.pool", { "data-drop": can ? "" : null, "aria-label": t("cluster.none") },
      h("h3", { text: `${t("cluster.none")} (${loose.length})` }),
      h("div.cards", {}, loose.map((n) => card(ctx, n, { drag: can })))));
  }
  out.push(grid);
  return out;
}

function clusterBox(ctx, c, notes, can) {
  const s = ctx.s;
  const program = Object.values(s.programs).find((p) => p.cluster === c.id);
  const box = h("section.cluster", { id: `item-${c.id}`, "data-id": c.id, "data-drop": can && !c.local ? c.id : null, "aria-label": c.title });
  if (s.focus === c.id) box.classList.add("focused");
  if (c.local) box.classList.add("pending");
  const head = h("header");
  head.append(h("h3", { text: c.title }), h("span.count", { text: String(notes.length) }));
  if (program) head.append(h("span.badge", { text: t("cluster.is_program") }));
  if (!ctx.readOnly && !c.local) {
    const tools = h("span.tools");
    if (ctx.can("cluster.rename")) {
      tools.append(h("button.icon", { type: "button", title: t("cluster.rename"), "aria-label": `${t("cluster.rename")}: ${c.title}`, onclick: () => {
        const title = prompt(t("cluster.rename"), c.title);
        if (title && title.trim() && title !== c.title) ctx.send({ kind: "cluster.rename", cluster: c.id, title });
      } }, "✎"));
      tools.append(h("button.icon", { type: "button", title: t("cluster.delete"), "aria-label": `${t("cluster.delete")}: ${c.title}`, onclick: () => {
        if (confirm(t("cluster.confirm_delete"))) ctx.send({ kind: "cluster.delete", cluster: c.id });
      } }, "✕"));
      const others = Object.values(s.clusters).filter((o) => o.id !== c.id && !o.local);
      if (others.length) {
        const merge = h("select.merge", { "aria-label": t("cluster.merge") }, h("option", { value: "", text: t("cluster.merge") }), others.map((o) => h("option", { value: o.id, text: o.title })));
        merge.addEventListener("change", () => {
          const into = others.find((o) => o.id === merge.value);
          if (into && confirm(t("cluster.confirm_merge", { from: c.title, into: into.title }))) ctx.send({ kind: "cluster.merge", cluster: c.id, into: into.id });
          else merge.value = "";
        });
        tools.append(merge);
      }
    }
    if (ctx.role === "facilitator" && !program) {
      tools.append(h("button.small.promote", { type: "button", onclick: () => ctx.send({ kind: "program.promote", cluster: c.id }), text: t("cluster.promote") }));
    }
    if (ctx.onFocus) tools.append(focusButton(ctx, c.id));
    head.append(tools);
  }
  box.append(head, h("div.cards", {}, notes.map((n) => card(ctx, n, { drag: can }))));
  return box;
}

// Deleted cards: the server keeps them (the facilitator's all, one's own) for note.restore.
// A bar put away stays away after a reload: the mark is kept with the page's drafts.
const putAway = (id) => drafts.has(`put-away:${id}`);
const putAside = (ctx, id) => { drafts.set(`put-away:${id}`, "1"); ctx.refresh(); };

function byDeletion(s) {
  return Object.values(s.deleted || {}).reverse(); // the newest first, as the server keeps them
}

function excerpt(text, n = 40) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

/** The ✕ that puts a bar away (``putAside``) until what it offers changes. */
const dismiss = (ctx, key) => h("button.icon", { type: "button", "aria-label": t("deleted.dismiss"), title: t("deleted.dismiss"), onclick: () => putAside(ctx, key) }, "✕");

/** A participant's "Card deleted · Restore", for the card of theirs deleted last. */
export function restoreBar(ctx) {
  if (ctx.readOnly || !ctx.me || ctx.role !== "participant" || !ctx.can("note.restore")) return null;
  const last = byDeletion(ctx.s).find((n) => n.author === ctx.me.id);
  if (!last || putAway(last.id)) return null;
  return h("div.restore-bar", { role: "status", "data-key": "restore-bar" },
    h("span", {}, h("strong", { text: t("deleted.one") }), ` · “${excerpt(last.text)}”`),
    h("button.small", { type: "button", "data-action": "restore", onclick: () => ctx.send({ kind: "note.restore", note: last.id }), text: t("deleted.restore") }),
    dismiss(ctx, last.id));
}

/** The console's list of deleted cards, each with its restore button. */
export function deletedList(ctx) {
  const cards = byDeletion(ctx.s);
  if (!cards.length) return h("p.hint", { text: t("deleted.none") });
  return h("ul.deleted", {}, cards.map((n) => h("li", { "data-id": n.id },
    h("span.text", { text: excerpt(n.text, 60) }),
    personName(ctx, n.author) ? h("span.hint", { text: ` · ${personName(ctx, n.author)}` }) : null,
    h("button.small", { type: "button", "data-action": "restore", "aria-label": `${t("deleted.restore")}: ${excerpt(n.text)}`, onclick: () => ctx.send({ kind: "note.restore", note: n.id }), text: t("deleted.restore") }))));
}

/** The console's undo of the facilitator's last destructive op, named; the top of the
 * server's stack, so it survives a reload and two tabs cannot undo twice. It stays in sight
 * at the foot of the window (on a phone the board is far below the controls) until used or
 * put away. */

export function undoBar(ctx) {
  const stack = ctx.s.undo || [];
  const top = stack[stack.length - 1];
  if (!top || putAway(`undo-${top.seq}`)) return null;
  const what = t(`undo.${top.kind}`, { title: excerpt(top.title) });
  return h("div.undo-bar", { role: "region", "aria-label": t("undo.region"), "data-key": "undo-bar" },
    h("button.undo", { type: "button", "data-action": "undo", "data-seq": String(top.seq), onclick: () => ctx.send({ kind: "op.undo", seq: top.seq }), text: `↶ ${t("undo.action", { what })}` }),
    dismiss(ctx, `undo-${top.seq}`));
}
