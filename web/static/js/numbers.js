// Numbers and money as Indonesians type them: the rules of server/planning/numbers.py (its
// docstring explains each one), checked against the same table, number_cases.json, in
// real Chromium. A dot groups thousands, a comma starts the decimals; what could be read
// two ways is refused with a code, and the page shows t(`number.error.${code}`).
//
// No binary float arithmetic on money: the digits are shifted as a string, and the result
// (at most 10^15, below 2^53) is then exactly a Number. Pure: no DOM, no catalogue.

const MAX_AMOUNT = "1000000000000000"; // 10^15, compared as a string of digits
const MAX_SIGNIFICANT = 15;
const SCALES = new Map([
  ["ribu", 3], ["rb", 3], ["k", 3],
  ["juta", 6], ["jt", 6],
  ["miliar", 9], ["milyar", 9],
  ["triliun", 12], ["trilyun", 12], ["t", 12],
]);
const CURRENCIES = new Set(["rp", "idr", "rupiah"]);
const MINUS = new Set(["-", "\u2212", "\u2013"]);

const INVISIBLE = /[\u00ad\u200b\u200c\u200d\u2060\ufeff]/g;
const EDGE_SPACE = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;
const DASH_SUFFIX = /([0-9])[,.][-\u2013\u2014]{1,2}$/;
const TOKEN = /([0-9.,]+)|([A-Za-z]+\.?|%)|([-+\u2212\u2013])|([ \t\n\r\f\v]+)|(.)/gs;
const GROUPED = /^[1-9][0-9]{0,2}(?:\.[0-9]{3})+$/;
const SHORT_DECIMAL = /^[0-9]+\.[0-9]{1,2}$/;
const THOUSANDS_COMMA = /^[1-9][0-9]{0,2},[0-9]{3}$/;

class Refusal {
  constructor(code) {
    this.code = code;
  }
}

function refuse(code) {
  throw new Refusal(code);
}

function outcome(read) {
  return (text) => {
    try {
      return { ok: true, value: read(text) };
    } catch (e) {
      if (e instanceof Refusal) return { ok: false, code: e.code };
      throw e;
    }
  };
}

/** "Rp 12.500.000.000", "12,5 M", "750 jt" -> {ok: true, value: 12500000000} or {ok: false, code}. */
export const parseRupiah = outcome((text) => {
  const [, whole, decimals, scale] = read(text, true);
  const frac = decimals.replace(/0+$/, "");
  if (frac.length > scale) refuse("fraction");
  const digits = (whole + frac.padEnd(scale, "0")).replace(/^0+/, "") || "0";
  if (aboveMax(digits)) refuse("too_large");
  return Number(digits);
});

/** An indicator value: "4,5" -> 4.5, "1.250,75" -> 1250.75, "70" -> 70. */
export const parseNumber = outcome((text) => {
  const [negative, digits, decimals] = read(text, false);
  const whole = digits.replace(/^0+/, "") || "0";
  const frac = decimals.replace(/0+$/, "");
  if (aboveMax(whole) || (frac && whole === MAX_AMOUNT)) refuse("too_large");
  if (frac && (whole + frac).replace(/^0+/, "").length > MAX_SIGNIFICANT) refuse("too_precise");
  const value = Number(frac ? `${whole}.${frac}` : whole);
  return negative && value !== 0 ? -value : value;
});

/** 12500000000 -> "Rp 12.500.000.000". Throws on anything but an integer 0..10^15. */
export function formatRupiah(amount) {
  if (typeof amount !== "number") throw new TypeError(`an amount of rupiah is a number, not ${typeof amount}`);
  if (!Number.isInteger(amount) || amount < 0 || amount > 1e15) {
    throw new RangeError(`an amount of rupiah is an integer 0 to 10^15, not ${amount}`);
  }
  return "Rp " + group(String(amount));
}

/** 4.5 -> "4,5", 1250.75 -> "1.250,75": the shortest digits that read back the same;
 * 1.001 -> "1,0010", since "1,001" is refused as ambiguous. */
export function formatNumber(value) {
  if (typeof value !== "number") throw new TypeError(`a number is a number, not ${typeof value}`);
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  let text = plain(String(value)); // String(-0) is "0"
  const sign = text.startsWith("-") ? "-" : "";
  if (sign) text = text.slice(1);
  const [whole, frac] = text.split(".");
  const shown = group(whole) + (frac ? "," + frac : "");
  // "1,001" would be refused as ambiguous (English thousands?); the zero says decimals.
  return sign + (THOUSANDS_COMMA.test(shown) ? shown + "0" : shown);
}

/** [negative, whole digits, decimal digits, scale exponent], or a Refusal. */
function read(text, money) {
  const tokens = tokenize(text);
  const numerals = tokens.flatMap(([kind], i) => (kind === "num" ? [i] : []));
  if (!tokens.length || (money && !numerals.length && tokens.every(isCurrency))) refuse("empty");
  if (!numerals.length) refuse("not_a_number");
  const words = tokens.filter(([kind]) => kind === "word").map(([, w]) => word(w)[0]);
  if (words.length && !money) refuse("has_unit");
  if (words.includes("unknown")) refuse("unknown_word");
  if (numerals.length > 1) refuse("several_numbers");
  const at = numerals[0];
  const before = tokens.slice(0, at);
  const after = tokens.slice(at + 1);
  let negative;
  let scale = 0;
  if (money) {
    let currency;
    [negative, currency] = moneyPrefix(before);
    scale = moneySuffix(after, currency);
  } else if (before.length > 1 || after.length) {
    refuse("not_a_number"); // only signs are left: "+-5", "5-"
  } else {
    negative = before.length === 1 && MINUS.has(before[0][1]);
  }
  if (negative && money) refuse("negative");
  const [whole, frac] = numeral(tokens[at][1]);
  return [negative, whole, frac, scale];
}

function tokenize(text) {
  if (typeof text !== "string") throw new TypeError(`text to read is a string, not ${typeof text}`);
  const clean = text.normalize("NFKC").replace(INVISIBLE, "").replace(EDGE_SPACE, "").replace(DASH_SUFFIX, "$1");
  const tokens = [];
  for (const [, num, w, sign, space] of clean.matchAll(TOKEN)) {
    if (num !== undefined) {
      if (!num.replace(/[.,]/g, "")) refuse("not_a_number"); // a lone dot or comma
      tokens.push(["num", num]);
    } else if (w !== undefined) tokens.push(["word", w]);
    else if (sign !== undefined) tokens.push(["sign", sign]);
    else if (space === undefined) refuse("not_a_number");
  }
  return tokens;
}

/** ["currency"|"scale"|"ambiguous"|"unknown", exponent of the scale]. */
function word(w) {
  const bare = w.endsWith(".") ? w.slice(0, -1) : w;
  if (bare === "M") return ["scale", 9];
  if (bare === "m") return ["ambiguous", 0];
  const lower = bare.toLowerCase();
  if (CURRENCIES.has(lower)) return ["currency", 0];
  if (SCALES.has(lower)) return ["scale", SCALES.get(lower)];
  return ["unknown", 0];
}

function isCurrency([kind, text]) {
  return kind === "word" && word(text)[0] === "currency";
}

function moneyPrefix(before) {
  let sign = null;
  let currency = false;
  for (const [kind, text] of before) {
    if (kind === "sign" && sign === null) sign = text;
    else if (kind === "word" && word(text)[0] === "currency" && !currency) currency = true;
    else refuse("not_a_number");
  }
  return [MINUS.has(sign), currency];
}

function moneySuffix(after, currencyBefore) {
  let currency = currencyBefore;
  let scale = null;
  let closed = false; // the currency mark came: nothing may follow it
  for (const [kind, text] of after) {
    const [what, exponent] = kind === "word" ? word(text) : ["sign", 0];
    if (closed || what === "sign" || (what === "currency" && currency)) refuse("not_a_number");
    if (what === "currency") currency = closed = true;
    else if (scale !== null) refuse("two_scales");
    else if (what === "ambiguous") refuse("ambiguous_unit");
    else scale = exponent;
  }
  return scale ?? 0;
}

/** Digits before and after the decimal comma; the dots checked and dropped. */
function numeral(n) {
  if (".,".includes(n[0]) || ".,".includes(n[n.length - 1]) || n.split(",").length > 2) refuse("separators");
  const comma = n.indexOf(",");
  const head = comma < 0 ? n : n.slice(0, comma);
  const frac = comma < 0 ? "" : n.slice(comma + 1);
  if (frac.includes(".")) refuse("separators");
  if ((!frac && SHORT_DECIMAL.test(head)) || THOUSANDS_COMMA.test(n)) refuse("ambiguous");
  if (head.includes(".") && !GROUPED.test(head)) refuse("separators");
  return [head.replace(/\./g, ""), frac];
}

/** Whether digits without leading zeros are above 10^15, without Number() rounding. */
function aboveMax(digits) {
  return digits.length > 16 || (digits.length === 16 && digits > MAX_AMOUNT);
}

function group(digits) {
  const head = digits.length % 3 || 3;
  const parts = [digits.slice(0, head)];
  for (let i = head; i < digits.length; i += 3) parts.push(digits.slice(i, i + 3));
  return parts.join(".");
}

/** "1.5e-7" -> "0.00000015", "1e+21" -> "1000000000000000000000": no exponent. */
function plain(s) {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?e([+-][0-9]+)$/.exec(s);
  if (!m) return s;
  const [, sign, whole, frac = "", exp] = m;
  const digits = whole + frac;
  const point = whole.length + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
