// What each actor commits to for a program (roles and review), and the facilitator's
// follow-up plan: the parts of the berita acara that the agencies sign.
import { draftInput, drafts, h, saveSign, saving } from "./dom.js";
import { t } from "./i18n.js";
import { programsOf } from "./programs.js";

/** Per program, one line per actor with a role in it: their commitment, editable in time. */
export function commitmentsView(ctx) {
  const s = ctx.s;
  const can = !ctx.readOnly && ctx.can("commitment.set");
  const all = s.commitments || {};
  const programs = programsOf(s);
  if (!programs.length) return null;
  return h("section.commitments", { "aria-label": t("commit.title") }, h("h2", { text: t("commit.title") }),
    programs.map((p) => {
      const row = s.matrix[p.id] || {};
      const actors = Object.values(s.actors).filter((a) => row[a.id] || (all[p.id] || {})[a.id]);
      return h("div.commit-program", { "data-program": p.id }, h("h3", { text: p.title }),
        actors.length ? actors.map((a) => line(ctx, p, a, row[a.id], (all[p.id] || {})[a.id] || "", can)) : h("p.hint", { text: t("commit.none") }));
    }));
}

function line(ctx, p, a, role, text, can) {
  const who = `${a.name}${role ? ` (${t(`role.${role}`)})` : ""}`;
  if (!can) return h("p.commit", {}, h("strong", { text: `${who}: ` }), text || "—");
  const key = `commit-${p.id}-${a.id}`;
  const input = draftInput("input", key, { value: text, maxlength: "500", "aria-label": `${t("commit.label")}: ${p.title} × ${a.name}`, placeholder: t("commit.placeholder") });
  return h("form.commit.row", { onsubmit: (e) => {
    e.preventDefault();
    ctx.send({ kind: "commitment.set", program: p.id, actor: a.id, text: input.value.trim() || null }, saving(key, ctx.refresh));
    drafts.delete(key);
  } }, h("label", {}, h("span", { text: who }), input), h("button.small", { type: "submit", "data-action": "commit", text: t("commit.save") }), saveSign(key));
}

/** The follow-up plan (rencana tindak lanjut): the facilitator adds and removes lines. */
export function followupPanel(ctx) {
  const s = ctx.s;
  const lines = Object.values(s.followups || {});
  const actorName = (id) => (s.actors[id] ? s.actors[id].name : "");
  const text = draftInput("input", "followup-text", { maxlength: "500", required: true, "aria-label": t("followup.text"), placeholder: t("followup.text") });
  const due = draftInput("input", "followup-due", { maxlength: "120", "aria-label": t("followup.due"), placeholder: t("followup.due_ph") });
  const actor = h("select", { "aria-label": t("followup.actor") }, h("option", { value: "", text: t("followup.no_actor") }),
    Object.values(s.actors).filter((a) => !a.local).map((a) => h("option", { value: a.id, text: a.name })));
  return [
    h("ol.followups", {}, lines.map((f) => h("li", {}, h("span", { text: [f.text, actorName(f.actor), f.due].filter(Boolean).join(" · ") }),
      h("button.icon", { type: "button", "aria-label": `${t("followup.delete")}: ${f.text}`, onclick: () => ctx.send({ kind: "followup.delete", followup: f.id }) }, "✕")))),
    h("form.stack.add-followup", { onsubmit: (e) => {
      e.preventDefault();
      if (!text.value.trim()) return;
      const op = { kind: "followup.add", text: text.value.trim(), due: due.value.trim() };
      if (actor.value) op.actor = actor.value;
      ctx.send(op, saving("followup", ctx.refresh));
      drafts.delete("followup-text");
      drafts.delete("followup-due");
    } }, text, actor, due, h("button.small", { type: "submit", "data-action": "add-followup", text: t("followup.add") }), saveSign("followup")),
  ];
}
