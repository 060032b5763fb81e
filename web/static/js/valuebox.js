// Boxes for numbers and money in the program form: what is typed is read with numbers.js,
// shown back normalised when the box is left, and a refusal is said beside the box
// (aria-describedby, aria-invalid) in the catalogue's words.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { formatNumber, formatRupiah, parseNumber, parseRupiah } from "./numbers.js";

// An indicator value that holds no number at all ("Tersedia", "Predikat A", "WTP") is a
// qualitative value and is kept as text; one that is a number written two ways ("12.5",
// "1,2,3") is refused, since a wrong number is worse than none.
const QUALITATIVE = new Set(["not_a_number", "has_unit"]);
let serial = 0;

/** An indicator value as the page shows it: numbers in the Indonesian way, texts as typed. */
export function showValue(value) {
  return typeof value === "number" ? formatNumber(value) : value == null ? "" : String(value);
}

/** An amount of rupiah as the page shows it ("Rp 12.500.000.000"). */
export function showAmount(amount) {
  return Number.isInteger(amount) && amount >= 0 && amount <= 1e15 ? formatRupiah(amount) : String(amount ?? "");
}

/** What an indicator value box holds: {ok, value (number | text | null), text?} or {ok: false, code}. */
export function readValue(raw) {
  const text = raw.trim();
  if (!text) return { ok: true, value: null };
  const read = parseNumber(text);
  if (read.ok || !QUALITATIVE.has(read.code)) return read;
  return { ok: true, value: text, text: true };
}

/** What an amount box holds: {ok, value (integer rupiah | null)} or {ok: false, code}. */
export function readAmount(raw) {
  return raw.trim() ? parseRupiah(raw) : { ok: true, value: null };
}

/**
 * A labelled box with its message line. kind "value" (indicator values), "amount" (rupiah)
 * or "text". Returns {el, input, check(): read result, shown in place}.
 */
export function box(kind, label, value, attrs = {}) {
  const id = `vb${++serial}`;
  const msg = h("p.msg", { id: `${id}-msg`, "aria-live": "polite" });
  const numeric = kind !== "text";
  const input = h("input", {
    id, type: "text", maxlength: "120", autocomplete: "off", "aria-describedby": msg.id,
    inputmode: numeric ? "decimal" : null, ...attrs,
  });
  input.value = value == null ? "" : String(value);
  const read = () => (kind === "amount" ? readAmount(input.value) : kind === "value" ? readValue(input.value) : { ok: true, value: input.value.trim() });
  const say = (text, error) => {
    msg.textContent = text || "";
    msg.classList.toggle("error", !!error);
    if (error) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  };
  const check = () => {
    const r = read();
    if (!r.ok) say(t(`number.error.${r.code}`), true);
    else if (r.text) say(t("program.value_text"), false);
    else say("", false);
    return r;
  };
  const normalise = () => {
    const r = check();
    if (r.ok && typeof r.value === "number") input.value = kind === "amount" ? formatRupiah(r.value) : formatNumber(r.value);
  };
  if (numeric) {
    input.addEventListener("input", () => input.getAttribute("aria-invalid") && say("", false));
    // A re-render moves the box and takes its focus away for a moment (dom.js replace puts
    // it back at once): only a real departure normalises what was typed.
    input.addEventListener("blur", () => setTimeout(() => document.activeElement !== input && input.isConnected && normalise(), 0));
  }
  const el = h(`div.field.f-${kind}`, {}, h("label", { for: id, text: label }), input, msg);
  return { el, input, check, say };
}

/** A labelled select or textarea in the same layout as the boxes. */
export function field(label, control) {
  const id = control.id || `vb${++serial}`;
  control.id = id;
  return h("div.field", {}, h("label", { for: id, text: label }), control);
}
