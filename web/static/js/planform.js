// The program form of the roles phase: one row per indicator with one target box per plan
// year, budget rows of year, amount and funding source, the program's code, mission, goal
// and target, and its policies. Save sends one program.update; "Tersimpan" shows when the
// server's event for that op arrives, a refusal shows in place.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { box, field, showAmount, showValue } from "./valuebox.js";

export { showAmount, showValue }; // for the review, which loads this module when needed
import { codePicker } from "./codepicker.js";
import { codeHints } from "./codehints.js";
import { CHOICES } from "./choices.js";

const KINDS = CHOICES.indicator_kinds;
export const FUNDING = ["apbd_kab", "apbd_prov", "apbn", "dak", "dana_desa", "csr", "kpbu", "other"];
const HORIZON_YEARS = { PWTJP: 20, PWTJM: 5, annual: 1 };

// A form is built once and kept across the re-renders that every event causes, so rows
// being typed survive; it is rebuilt when the program changes and nothing is being typed.
const forms = new Map(); // program id -> {stamp, el, dirty, status, ctx}

/** The room's plan years, one target box and one budget year each. */
export function planYears(s) {
  const span = s.settings.years;
  const from = span ? span.from : new Date(s.created_at || Date.now()).getFullYear() + 1;
  const to = span ? span.to : from + (HORIZON_YEARS[s.settings.horizon] || 5) - 1;
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

export function programForm(ctx, p) {
  const s = ctx.s;
  const can = ctx.can("program.update");
  const years = planYears(s);
  const stamp = JSON.stringify([p, years, s.vision.missions, s.settings.level, can, document.documentElement.lang, !!ctx.assistant, ctx.role]);
  // One record per program for good: a save's outcome may arrive after a rebuild, and
  // must reach the form on screen, not the one it was sent from.
  let form = forms.get(p.id);
  if (!form) forms.set(p.id, (form = { stamp: null, dirty: false, status: null, el: null }));
  form.ctx = ctx;
  if (form.stamp !== stamp && !form.dirty) {
    const open = form.el ? form.el.open : s.focus === p.id;
    form.stamp = stamp;
    form.el = build(form, p, years, can, open);
  }
  return form.el;
}

function build(form, p, years, can, open) {
  const s = form.ctx.s;
  const k = (f) => `pf-${p.id}-${f}`;
  const datalist = h("datalist", { id: k("funding") }, FUNDING.map((f) => h("option", { value: t(`funding.${f}`) })));
  const indicators = [];
  const budget = [];
  const indBox = h("div.rows");
  const budBox = h("div.rows");
  const addIndicator = (i) => {
    const row = indicatorRow(i, years, can, k(`ind-${indicators.length}`), () => {
      indicators.splice(indicators.indexOf(row), 1);
      row.el.remove();
      renumber(indicators);
      changed();
    });
    indicators.push(row);
    indBox.append(row.el);
    renumber(indicators);
    return row;
  };
  const addBudget = (b) => {
    const row = budgetRow(b, years, can, k(`bud-${budget.length}`), datalist.id, () => {
      budget.splice(budget.indexOf(row), 1);
      row.el.remove();
      changed();
    });
    budget.push(row);
    budBox.append(row.el);
    return row;
  };
  for (const i of p.indicators || []) addIndicator(i);
  for (const b of p.budget || []) addBudget(b);

  const status = h("p.save-status", { role: "status", "aria-live": "polite" });
  form.say = (st) => {
    form.status = st;
    status.textContent = st ? st.text : "";
    status.className = `save-status${st ? ` ${st.kind}` : ""}`;
  };
  const say = (st) => form.say(st);
  say(form.status);
  const changed = () => {
    form.dirty = true;
    if (form.status && form.status.kind !== "pending") say(null);
  };
  // A whole save leaves nothing unsaved; accepting a code alone keeps rows being typed.
  const outcome = (whole) => (r) => {
    if (r.ok) {
      if (whole) form.dirty = false;
      say({ kind: "saved", text: t("program.saved") });
    } else say({ kind: "error", text: r.message && r.message !== r.text ? `${r.text} ${r.message}` : r.text });
  };

  const picker = codePicker({
    program: p.id, title: p.title, value: p.code, level: s.settings.level || "kabupaten", can,
    hints: form.ctx.role === "facilitator" && form.ctx.assistant ? codeHints(form.ctx.assistant) : null,
    accept: (code) => {
      say({ kind: "pending", text: t("program.saving") });
      form.ctx.send({ kind: "program.update", program: p.id, code }, outcome(false));
    },
  });
  const missions = s.vision.missions || [];
  const mission = h("select", { "data-key": k("mission"), disabled: !can },
    h("option", { value: "", text: t("program.no_mission") }),
    missions.map((m, i) => h("option", { value: String(i), selected: p.mission === i, text: `${i + 1}. ${m}` })));
  const text = (f, value, tag = "input") => {
    const el = h(tag, { "data-key": k(f), disabled: !can, maxlength: tag === "input" ? "120" : null, rows: tag === "textarea" ? "3" : null });
    el.value = value || "";
    return el;
  };
  const goal = text("goal", p.goal, "textarea");
  const target = text("target", p.target, "textarea");
  const location = text("location", p.location);
  const timeframe = text("timeframe", p.timeframe);
  const policies = text("policies", (p.policies || []).join("\n"), "textarea");
  const strategies = text("strategies", (p.strategies || []).join("\n"), "textarea");

  const el = h("form.program-form", { novalidate: true, oninput: changed, onchange: changed, onsubmit: (e) => {
    e.preventDefault();
    const rows = [...indicators.map((r) => r.read()), ...budget.map((r) => r.read())];
    const bad = rows.find((r) => !r.ok);
    if (bad) {
      say({ kind: "error", text: t("program.error.fix") });
      bad.where.focus();
      return;
    }
    const lines = (el) => el.value.split("\n").map((x) => x.trim()).filter(Boolean);
    say({ kind: "pending", text: t("program.saving") });
    form.ctx.send({
      kind: "program.update", program: p.id,
      indicators: indicators.map((r) => r.read().value).filter(Boolean),
      budget: budget.map((r) => r.read().value).filter(Boolean),
      code: picker.get(), mission: mission.value === "" ? null : Number(mission.value),
      goal: goal.value, target: target.value, location: location.value, timeframe: timeframe.value,
      policies: lines(policies), strategies: lines(strategies),
    }, outcome(true));
  } },
  datalist, picker.el,
  h("div.grid2", {}, field(t("program.mission"), mission), field(t("program.goal"), goal), field(t("program.target"), target)),
  h("fieldset.block", {}, h("legend", { text: t("program.indicators") }), indBox,
    h("button.small", { type: "button", "data-action": "add-indicator", disabled: !can, onclick: () => { addIndicator({}).focus(); changed(); }, text: t("program.add_indicator") })),
  h("fieldset.block", {}, h("legend", { text: t("program.budget") }), budBox,
    h("button.small", { type: "button", "data-action": "add-budget", disabled: !can || !years.length, onclick: () => { addBudget({ year: nextYear(years, budget) }).focus(); changed(); }, text: t("program.add_budget") })),
  h("div.grid2", {}, field(t("program.location"), location), field(t("program.timeframe"), timeframe)),
  field(`${t("program.policies")} (${t("program.one_per_line")})`, policies),
  field(`${t("program.strategies")} (${t("program.one_per_line")})`, strategies),
  h("div.row.wrap.save-row", {}, h("button.primary", { type: "submit", "data-action": "save-program", "data-key": k("save"), disabled: !can, text: t("program.save") }), status));
  const details = h("details.program-details", { id: `details-${p.id}`, open: open ? true : null }, h("summary", {}, p.title, p.code ? h("span.code-tag", { text: ` · ${p.code}` }) : null), el);
  return details;
}

function nextYear(years, budget) {
  const used = new Set(budget.map((r) => Number(r.year.value)));
  return years.find((y) => !used.has(y)) ?? years[0];
}

function renumber(rows) {
  rows.forEach((r, n) => { r.legend.textContent = t("program.indicator_n", { n: n + 1 }); });
}

function removeButton(label, can, onclick) {
  return h("button.remove", { type: "button", disabled: !can, onclick, "aria-label": label, title: label }, `✕ ${label}`);
}

function indicatorRow(i, years, can, key, remove) {
  const attrs = (f) => ({ "data-key": `${key}-${f}`, disabled: !can });
  const name = box("text", t("program.ind_name"), i.name, attrs("name"));
  const unit = box("text", t("program.unit"), i.unit, attrs("unit"));
  const kind = h("select", attrs("kind"), KINDS.map((x) => h("option", { value: x, selected: (i.kind || "outcome") === x, text: t(`program.kind.${x}`) })));
  const baseline = box("value", t("program.baseline_value"), showValue(i.baseline), attrs("baseline"));
  const baseYear = box("text", t("program.baseline_year"), i.baseline_year ?? "", { ...attrs("baseline_year"), inputmode: "numeric", maxlength: "4" });
  const targets = years.map((y) => [y, box("value", t("program.target_year", { year: y }), showValue((i.targets || {})[String(y)]), attrs(`t${y}`))]);
  const final = box("value", t("program.final_value"), showValue(i.final), attrs("final"));
  const source = box("text", t("program.source"), i.source, attrs("source"));
  const legend = h("legend");
  const el = h("fieldset.ind-row", {}, legend,
    h("div.row-fields.wide", {}, name.el, unit.el, field(t("program.kind"), kind)),
    h("div.row-fields", {}, baseline.el, baseYear.el),
    h("div.row-fields.years", {}, targets.map(([, b]) => b.el), final.el),
    h("div.row-fields.wide", {}, source.el),
    removeButton(t("program.remove_indicator"), can, remove));
  const read = () => {
    const checks = [baseline, ...targets.map(([, b]) => b), final].map((b) => [b, b.check()]);
    const yearText = baseYear.input.value.trim();
    const yearOk = !yearText || /^[12][0-9]{3}$/.test(yearText);
    baseYear.say(yearOk ? "" : t("program.error.year"), !yearOk);
    const filled = checks.some(([, r]) => r.value !== null) || [unit, source].some((b) => b.input.value.trim()) || yearText;
    const nameText = name.input.value.trim();
    name.say(!nameText && filled ? t("program.error.name") : "", !nameText && filled);
    const bad = checks.find(([, r]) => !r.ok);
    if (bad) return { ok: false, where: bad[0].input };
    if (!yearOk) return { ok: false, where: baseYear.input };
    if (!nameText) return filled ? { ok: false, where: name.input } : { ok: true, value: null };
    const [b, ...rest] = checks.map(([, r]) => r.value);
    const f = rest.pop();
    return { ok: true, value: {
      name: nameText, unit: unit.input.value.trim(), kind: kind.value,
      baseline: b, baseline_year: yearText ? Number(yearText) : null,
      targets: Object.fromEntries(targets.map(([y], n) => [String(y), rest[n]]).filter(([, v]) => v !== null)),
      final: f, source: source.input.value.trim(),
    } };
  };
  return { el, legend, read, focus: () => name.input.focus() };
}

function budgetRow(b, years, can, key, list, remove) {
  // A line kept from before the plan's years changed shows its own year (the server then
  // says why it is refused) instead of silently moving to the first year of the plan.
  const choices = b.year != null && !years.includes(b.year) ? [b.year, ...years] : years;
  const year = h("select", { "data-key": `${key}-year`, disabled: !can }, choices.map((y) => h("option", { value: String(y), selected: b.year === y, text: String(y) })));
  const amount = box("amount", t("program.amount"), b.amount == null ? "" : showAmount(b.amount), { "data-key": `${key}-amount`, disabled: !can });
  const source = box("text", t("program.funding"), b.source, { "data-key": `${key}-source`, disabled: !can, list });
  const el = h("div.bud-row", {}, field(t("program.budget_year"), year), amount.el, source.el, removeButton(t("program.remove_budget"), can, remove));
  const read = () => {
    const r = amount.check();
    if (!r.ok) return { ok: false, where: amount.input };
    const from = source.input.value.trim();
    if (r.value === null && !from) return { ok: true, value: null };
    if (r.value === null) {
      amount.say(t("number.error.empty"), true);
      return { ok: false, where: amount.input };
    }
    return { ok: true, value: { year: Number(year.value), amount: r.value, source: from } };
  };
  return { el, read, year, focus: () => amount.input.focus() };
}
