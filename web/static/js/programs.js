// Programs: voting (dots or scores), the ranking and the priority chart after a reveal,
// the role matrix, program details, and the review.
import { draftInput, drafts, h, onDemand, saveSign, saving, s as svg } from "./dom.js";
import { t } from "./i18n.js";
import { focusButton, visionBlock } from "./cards.js";
import { chartAxes, dotsUsed, myValue, ranked } from "./state.js";
import { CHOICES } from "./choices.js";

// The program form, the code picker and the number reader are needed from the roles phase
// on: they load then, so that joining on a phone in the lobby stays light.
const planForm = onDemand(() => import("./planform.js"));
const planModule = (ctx) => planForm(ctx.refresh);

const MATRIX_ROLES = CHOICES.matrix_roles;
const CATEGORIES = CHOICES.actor_categories;

export function programsOf(s) {
  return Object.values(s.programs).sort((a, b) => (a.created_at || 0) - (b.created_at || 0));
}

/** A criterion's name: its label, else the catalogue's name of a known key (never the key;
 *  the server stores the key as the label of a criterion given without one). */
export function label(c) {
  if (c.label && c.label !== c.key) return c.label;
  const known = t(`criterion.${c.key}`);
  return known === `criterion.${c.key}` ? c.key.replace(/_/g, " ") : known;
}

/** The vote phase: remaining budget per criterion, and each program's controls. */
export function voteView(ctx) {
  const s = ctx.s;
  const voting = s.settings.voting;
  const voter = ctx.role === "participant" && !ctx.readOnly;
  const can = voter && ctx.can(voting.mode === "dots" ? "vote.cast" : "vote.score");
  const out = [];
  const part = s.votes.participation || { voters: 0, used: 0 };
  out.push(h("p.participation", { text: t("vote.participation", { voters: part.voters, used: part.used }) }));
  if (voter && voting.mode === "dots") {
    out.push(h("div.budget", { "aria-live": "polite" }, voting.criteria.map((c) => {
      const left = s.settings.dots - dotsUsed(s, c.key);
      return h("span.left", { "data-criterion": c.key, text: t("vote.left", { criterion: label(c), n: left, of: s.settings.dots }) });
    })));
    out.push(h("p.hint", { text: t("vote.hint_dots", { max: s.settings.max_per_item }) }));
  } else if (voter) out.push(h("p.hint", { text: t("vote.hint_score") }));
  const programs = programsOf(s);
  if (!programs.length) out.push(h("p.empty", { text: t("programs.empty") }));
  const list = h("div.programs");
  for (const p of programs) {
    const box = h("section.program", { id: `item-${p.id}`, "data-id": p.id, "aria-label": p.title });
    if (s.focus === p.id) box.classList.add("focused");
    const head = h("header", {}, h("h3", { text: p.title }));
    if (ctx.onFocus) head.append(focusButton(ctx, p.id));
    if (ctx.role === "facilitator" && !ctx.readOnly) {
      head.append(h("button.icon", { type: "button", title: t("program.drop"), "aria-label": `${t("program.drop")}: ${p.title}`, onclick: () => confirm(t("program.confirm_drop")) && ctx.send({ kind: "program.drop", program: p.id }) }, "✕"));
    }
    box.append(head);
    const cards = programCards(s, p);
    if (cards.length) {
      box.append(h("details.program-cards", { "data-key": `cards-${p.id}` },
        h("summary", { text: t("vote.cards", { n: cards.length }) }),
        h("ul", {}, cards.map((n) => h("li", { text: n.text })))));
    }
    if (voter) {
      for (const c of voting.criteria) box.append(voting.mode === "dots" ? dotRow(ctx, p, c, can) : scoreRow(ctx, p, c, can));
    }
    list.append(box);
  }
  out.push(list);
  if (s.votes_revealed) out.push(...results(ctx));
  return out;
}

/** The cards of the cluster a program came from: what the voters are weighing. */
function programCards(s, p) {
  return Object.values(s.notes).filter((n) => p.cluster && n.cluster === p.cluster)
    .sort((a, b) => (a.created_at || 0) - (b.created_at || 0));
}

function dotRow(ctx, p, c, can) {
  const s = ctx.s;
  const mine = myValue(s, p.id, c.key);
  const left = s.settings.dots - dotsUsed(s, c.key);
  const name = `${label(c)} — ${p.title}`;
  return h("div.vote-row", { "data-criterion": c.key },
    h("span.crit", { text: label(c) }),
    h("button.round.minus", { type: "button", "data-key": `minus-${p.id}-${c.key}`, "aria-label": t("vote.retract", { what: name }), disabled: !can || mine <= 0, onclick: () => ctx.send({ kind: "vote.retract", program: p.id, criterion: c.key }) }, "−"),
    h("span.dots", { "aria-label": t("vote.mine", { n: mine }), role: "img" }, "●".repeat(mine) || "·"),
    h("button.round.plus", { type: "button", "data-key": `plus-${p.id}-${c.key}`, "aria-label": t("vote.cast", { what: name }), disabled: !can || left <= 0 || mine >= s.settings.max_per_item, onclick: () => ctx.send({ kind: "vote.cast", program: p.id, criterion: c.key }) }, "+"));
}

function scoreRow(ctx, p, c, can) {
  const mine = myValue(ctx.s, p.id, c.key);
  const group = h("div.scores", { role: "group", "aria-label": `${label(c)} — ${p.title}` });
  for (let v = 1; v <= 5; v++) {
    group.append(h("button.score", { type: "button", "data-key": `score-${p.id}-${c.key}-${v}`, "aria-pressed": mine === v ? "true" : "false", disabled: !can, onclick: () => ctx.send({ kind: "vote.score", program: p.id, criterion: c.key, value: mine === v ? null : v }) }, String(v)));
  }
  return h("div.vote-row", { "data-criterion": c.key }, h("span.crit", { text: label(c) }), group);
}



/** The quadrant of each program, as the server placed it (empty without feasibility and
 * urgency among the criteria, or before a reveal). */
export function quadrants(s) {
  return (s.votes.standings && s.votes.standings.quadrants) || {};
}

/** Ranked programs and the feasibility × urgency chart. */
export function results(ctx) {
  const s = ctx.s;
  const rows = ranked(s);
  const quads = quadrants(s);
  const criteria = s.settings.voting.criteria;
  const table = h("table.ranking", {},
    h("caption", { text: t("results.title") }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "#" }), h("th", { scope: "col", text: t("results.program") }),
      criteria.map((c) => h("th.num", { scope: "col", text: label(c) })), h("th.num", { scope: "col", text: t("results.total") }), h("th", { scope: "col", text: t("results.quadrant") }))),
    h("tbody", {}, rows.map((r) => h("tr", { "data-id": r.program.id },
      h("td", { text: String(r.rank) }), h("th", { scope: "row", text: r.program.title }),
      criteria.map((c) => h("td.num", { text: String(r.scores[c.key] ?? 0) })),
      h("td.num", { text: String(r.total) }),
      h("td", {}, quads[r.program.id] ? h(`span.quad.q-${quads[r.program.id]}`, { text: t(`quadrant.${quads[r.program.id]}`) }) : "")))));
  return [h("div.results", {}, scroller(t("results.title"), table), chart(s, quads, rows))];
}

/** A table that may scroll sideways: a named region that takes the focus, so that the
 *  keyboard can scroll it too (axe: scrollable-region-focusable). */
function scroller(name, table) {
  return h("div.table-wrap", { tabindex: "0", role: "region", "aria-label": name }, table);
}

function chart(s, quads, rows) {
  const axes = chartAxes(s);
  if (!axes || !rows.length || !Object.keys(quads).length) return null;
  const [cx, cy] = axes;
  const W = 480, H = 360, L = 44, B = 40, T = 14, R = 14;
  const xs = rows.map((r) => r.scores[cx.key] || 0);
  const ys = rows.map((r) => r.scores[cy.key] || 0);
  const maxX = Math.max(1, ...xs) * 1.12, maxY = Math.max(1, ...ys) * 1.12;
  const px = (v) => L + (v / maxX) * (W - L - R);
  const py = (v) => H - B - (v / maxY) * (H - B - T);
  const medians = s.votes.standings.medians; // the server's split, drawn, not recomputed
  const mx = medians[cx.key] || 0, my = medians[cy.key] || 0;
  const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": t("chart.label", { x: label(cx), y: label(cy) }) });
  g.append(svg("rect", { x: L, y: T, width: W - L - R, height: H - B - T, class: "plot" }));
  g.append(svg("line", { x1: px(mx), x2: px(mx), y1: T, y2: H - B, class: "median" }));
  g.append(svg("line", { x1: L, x2: W - R, y1: py(my), y2: py(my), class: "median" }));
  const corner = (x, y, key, anchor) => svg("text", { x, y, class: `corner q-${key}`, "text-anchor": anchor }, t(`quadrant.${key}`));
  g.append(corner(W - R - 6, T + 16, "priority", "end"), corner(L + 6, T + 16, "enable", "start"), corner(W - R - 6, H - B - 8, "later", "end"), corner(L + 6, H - B - 8, "drop", "start"));
  g.append(svg("text", { x: (L + W - R) / 2, y: H - 8, class: "axis", "text-anchor": "middle" }, `${label(cx)} →`));
  g.append(svg("text", { x: 14, y: (T + H - B) / 2, class: "axis", "text-anchor": "middle", transform: `rotate(-90 14 ${(T + H - B) / 2})` }, `${label(cy)} →`));
  rows.forEach((r, i) => {
    const x = px(xs[i]), y = py(ys[i]);
    const dot = svg("g", { class: `point q-${quads[r.program.id] || "drop"}` },
      svg("circle", { cx: x, cy: y, r: 11 }),
      svg("text", { x, y: y + 4, "text-anchor": "middle", class: "rank" }, String(r.rank)),
      svg("title", {}, `${r.rank}. ${r.program.title}`));
    g.append(dot);
  });
  const legend = h("ol.legend", {}, rows.map((r) => h("li", { text: r.program.title })));
  return h("figure.chart-box", {}, g, h("figcaption", { text: t("chart.caption", { x: label(cx), y: label(cy) }) }), legend);
}

/** The roles phase: actors, the role matrix, and each program's details. */
export function rolesView(ctx) {
  const s = ctx.s;
  const can = !ctx.readOnly && ctx.can("matrix.set");
  const out = [];
  const actors = Object.values(s.actors);
  if (!ctx.readOnly) {
    const name = draftInput("input", "actor-name", { type: "text", maxlength: "120", placeholder: t("actor.name_ph"), "aria-label": t("actor.name"), disabled: !ctx.can("actor.add") });
    const cat = h("select", { "aria-label": t("actor.category"), disabled: !ctx.can("actor.add") }, CATEGORIES.map((c) => h("option", { value: c, text: t(`category.${c}`) })));
    out.push(h("form.inline.add-actor", { onsubmit: (e) => {
      e.preventDefault();
      if (!name.value.trim()) return;
      ctx.send({ kind: "actor.add", name: name.value, category: cat.value }, saving("actor", ctx.refresh));
      drafts.delete("actor-name");
      name.value = "";
    } }, name, cat, h("button", { type: "submit", disabled: !ctx.can("actor.add"), text: t("actor.add") }), saveSign("actor")));
  }
  out.push(matrix(ctx, actors, can));
  const m = planModule(ctx);
  if (!ctx.readOnly) out.push(h("h2", { text: t("program.details") }), m ? h("div.details", {}, programsByRank(s).map((p) => m.programForm(ctx, p))) : h("p.hint", { text: t("program.loading") }));
  return out;
}

/** Programs in rank order once the votes are revealed (the ranking the results table shows,
 *  which follows the record's rule), else in the order they were made. */
export function programsByRank(s) {
  return s.votes_revealed && s.votes.tallies ? ranked(s).map((r) => r.program) : programsOf(s);
}

export function matrix(ctx, actors, can) {
  const s = ctx.s;
  const programs = programsByRank(s);
  if (!programs.length || !actors.length) return h("p.empty", { text: t("matrix.empty") });
  return scroller(t("matrix.title"), h("table.matrix", {},
    h("caption", { text: t("matrix.title") }),
    h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("results.program") }), actors.map((a) => h("th", { scope: "col", class: a.local ? "pending" : null, text: a.name })))),
    h("tbody", {}, programs.map((p) => {
      const row = s.matrix[p.id] || {};
      const leads = actors.filter((a) => row[a.id] === "lead").length;
      return h("tr", { id: `item-${p.id}`, class: s.focus === p.id ? "focused" : null }, h("th", { scope: "row" }, p.title, leads !== 1 ? h("span.warn", { text: ` ${leads ? t("matrix.many_leads") : t("matrix.no_lead")}` }) : null),
        actors.map((a) => {
          if (!can) return h("td", { text: row[a.id] ? t(`role.${row[a.id]}`) : "" });
          const sel = h("select", { "aria-label": `${p.title} × ${a.name}`, disabled: a.local, "data-key": `cell-${p.id}-${a.id}` }, h("option", { value: "", text: "—" }), MATRIX_ROLES.map((r) => h("option", { value: r, text: t(`role.${r}`), selected: row[a.id] === r })));
          sel.addEventListener("change", () => ctx.send({ kind: "matrix.set", program: p.id, actor: a.id, role: sel.value || null }));
          return h("td", {}, sel);
        }));
    }))));
}

/** The review: vision, ranking and chart, role matrix, each program's plan. Read-only. */
export function reviewView(ctx) {
  const s = ctx.s;
  const out = [visionBlock(s)];
  if (s.votes_revealed) out.push(...results(ctx));
  else out.push(h("p.hint", { text: t("results.hidden") }));
  out.push(matrix({ ...ctx }, Object.values(s.actors), false));
  const m = planModule(ctx);
  if (!m) return [...out, h("p.hint", { text: t("program.loading") })];
  for (const p of programsByRank(s)) {
    const ind = p.indicators || [];
    const budget = p.budget || [];
    if (!ind.length && !budget.length && !(p.policies || []).length && !p.code) continue;
    out.push(h("section.program-review", { "data-id": p.id }, h("h3", { text: p.title }),
      p.code ? h("p.code-current", {}, h("strong", { text: p.code })) : null,
      ind.length ? [h("h4", { text: t("program.indicators") }), h("ul.indicators", {}, ind.map((i) => h("li", { text: indicatorLine(m, s, i) })))] : null,
      budget.length ? [h("h4", { text: t("program.budget") }), h("ul.budget", {}, budget.map((b) => h("li", { text: [b.year, m.showAmount(b.amount), b.source].filter(Boolean).join(" · ") })))] : null,
      (p.policies || []).length ? h("p", { text: `${t("program.policies")}: ${p.policies.join("; ")}` }) : null));
  }
  return out;
}

function indicatorLine(m, s, i) {
  const { planYears, showValue } = m;
  const targets = planYears(s).filter((y) => (i.targets || {})[y] != null).map((y) => `${y}: ${showValue(i.targets[y])}`);
  return [i.name, i.unit,
    i.baseline != null && i.baseline !== "" ? `${t("program.baseline")} ${showValue(i.baseline)}${i.baseline_year ? ` (${i.baseline_year})` : ""}` : "",
    targets.length ? `${t("program.targets")} ${targets.join(", ")}` : "",
    i.final != null && i.final !== "" ? `${t("program.final")} ${showValue(i.final)}` : ""].filter(Boolean).join(" · ");
}
