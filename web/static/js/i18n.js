// Every UI string comes from web/i18n/{id,en}.json. The server renders the page in one
// language and embeds that catalogue in a JSON block (#i18n-data); a remembered browser choice may
// switch to the other one without a reload.
const body = document.body;
const block = document.getElementById("i18n-data");
let strings = JSON.parse((block && block.textContent) || "{}");
let lang = body.dataset.lang || "id";
const listeners = [];

export function t(key, vars) {
  let s = strings[key];
  if (s === undefined) s = key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

export function currentLang() {
  return lang;
}

/** Translate the static parts of the page: data-t (text), data-t-ph (placeholder), data-t-label (aria-label). */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll("[data-t-ph]")) el.placeholder = t(el.dataset.tPh);
  for (const el of root.querySelectorAll("[data-t-label]")) el.setAttribute("aria-label", t(el.dataset.tLabel));
  for (const el of root.querySelectorAll("[data-t-title]")) el.title = t(el.dataset.tTitle);
  document.documentElement.lang = lang;
}

export function onLangChange(fn) {
  listeners.push(fn);
}

export async function setLang(next, remember = true) {
  if (remember) {
    try { localStorage.setItem("spwt:lang", next); } catch (e) { /* private mode */ }
  }
  if (next === lang) return;
  const response = await fetch(`/i18n/${next}.json`);
  if (!response.ok) return;
  strings = await response.json();
  lang = next;
  applyStatic();
  for (const fn of listeners) fn(lang);
}

/** Whether the language was chosen explicitly (URL or remembered), not just the default. */
export function langChosen() {
  try { return new URL(location.href).searchParams.has("lang") || !!localStorage.getItem("spwt:lang"); } catch (e) { return false; }
}

/** Pick the language: ?lang= wins (and is remembered), then the remembered choice. */
export async function initLang() {
  const select = document.getElementById("lang");
  const fromUrl = new URL(location.href).searchParams.get("lang");
  let remembered = null;
  try { remembered = localStorage.getItem("spwt:lang"); } catch (e) { /* ignore */ }
  if (fromUrl === "id" || fromUrl === "en") await setLang(fromUrl, true);
  else if (remembered === "id" || remembered === "en") await setLang(remembered, false);
  if (select) {
    select.value = lang;
    select.addEventListener("change", () => setLang(select.value));
    onLangChange((l) => { select.value = l; });
  }
}
