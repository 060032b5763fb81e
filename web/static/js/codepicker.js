// The program code picker: a search over the national nomenclature (GET /api/nomenclature at
// the room's level) that sets a program's `code`, and, on the console, the facilitation
// assistant's suggestion (codehints.js) with a one-click accept.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { names } from "./codehints.js";

const WAIT = 200; // ms after the last key before asking the server

async function search(q, level) {
  const response = await fetch(`/api/nomenclature?q=${encodeURIComponent(q)}&level=${encodeURIComponent(level)}`);
  if (!response.ok) throw new Error(String(response.status));
  const found = (await response.json()).programs;
  for (const p of found) names.set(p.code, p.nomenclature);
  return found;
}

/**
 * The picker of one program's form. o: {program, value, level, can, hints?, accept(code)}.
 * Returns {el, get()}: get() is the chosen code or null.
 */
export function codePicker(o) {
  let value = o.value || null;
  let timer = null;
  const key = `pf-${o.program}-code`;
  const current = h("p.code-current", { "aria-live": "polite" });
  const clear = h("button.small", { type: "button", "data-action": "code-clear", disabled: !o.can, text: t("program.code_clear") });
  const results = h("ul.code-results", { id: `${key}-list`, "aria-label": t("program.code_results") });
  const query = h("input", { id: `${key}-q`, type: "search", "data-key": `${key}-q`, maxlength: "120", autocomplete: "off", disabled: !o.can, "aria-controls": results.id, placeholder: t("program.code_ph") });
  const hint = h("div.code-hint");

  const show = () => {
    current.replaceChildren(value ? h("strong", { text: value }) : t("program.code_none"), value ? ` ${names.get(value) || ""}` : "");
    clear.hidden = !value;
  };
  const set = (code) => {
    value = code;
    show();
    query.dispatchEvent(new Event("input", { bubbles: true })); // the form is now changed
  };
  const list = (found) => {
    results.replaceChildren(...(found.length ? found.map((p) => h("li", {}, h("button.code-option", {
      type: "button", "data-code": p.code,
      onclick: () => { set(p.code); results.replaceChildren(); query.value = ""; query.focus(); },
    }, h("strong", { text: p.code }), ` ${p.nomenclature}`))) : [h("li.hint", { text: t("program.code_empty") })]));
  };
  query.addEventListener("input", (e) => {
    if (!e.isTrusted) return;
    clearTimeout(timer);
    const q = query.value.trim();
    if (!q) return results.replaceChildren();
    timer = setTimeout(() => search(q, o.level).then((found) => query.value.trim() === q && list(found)).catch(() => results.replaceChildren(h("li.hint", { text: t("program.code_failed") }))), WAIT);
  });
  query.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" && e.key !== "ArrowDown") return;
    e.preventDefault(); // Enter here picks, it does not save the whole form
    const first = results.querySelector("button");
    if (first) (e.key === "Enter" ? first.click() : first.focus());
  });
  clear.addEventListener("click", () => set(null));

  if (value && !names.has(value)) search(value, o.level).then(show).catch(() => {});
  if (o.hints) {
    o.hints.load(o.program, o.title).then((codes) => {
      const best = codes[0];
      if (!best || best.code === value) return; // already chosen: nothing to suggest
      hint.replaceChildren(h("p.suggest-code", {},
        h("span", { text: t("program.code_suggest", { code: best.code, name: best.nomenclature }) }), " ",
        h("button.small.primary", { type: "button", "data-action": "code-accept", disabled: !o.can, onclick: () => { value = best.code; show(); o.accept(best.code); }, text: t("program.code_accept") })));
    });
  }
  show();
  const el = h("fieldset.code-picker", {}, h("legend", { text: t("program.code") }),
    h("div.row.wrap", {}, current, clear), hint,
    h("label", { for: query.id, text: t("program.code_search") }), query, results);
  return { el, get: () => value };
}
