// Tiny DOM helpers. Text is always set with textContent: what users typed is never HTML.
import { t } from "./i18n.js";

/** h("button.primary", {onclick, type:"button"}, "text", child) -> element. */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name || "div");
  if (classes.length) el.className = classes.join(" ");
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else if (k === "dataset") Object.assign(el.dataset, v);
      else if (k === "value") el.value = v;
      else if (k === "checked" || k === "disabled" || k === "selected") el[k] = !!v;
      else el.setAttribute(k, v === true ? "" : v);
    }
  }
  append(el, children);
  // Text from the board (cards, names, titles) is isolated: dir="auto" takes its direction
  // from its own first letter, so a name in Arabic script cannot reorder the punctuation
  // and numbers next to it. Our catalogue text starts with a Latin letter: unchanged.
  if (!el.hasAttribute("dir") && (TYPED.has(el.localName) || ownText(el))) el.dir = "auto";
  return el;
}

const TYPED = new Set(["input", "textarea"]);
const ownText = (el) => Array.prototype.some.call(el.childNodes, (n) => n.nodeType === Node.TEXT_NODE);

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const SVG = "http://www.w3.org/2000/svg";
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  append(el, children);
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);

/** A short message that goes away by itself; also read out by screen readers. */
export function toast(message, kind = "error") {
  const box = document.getElementById("toasts");
  if (!box) return;
  const el = h(`div.toast.${kind}`, { text: message });
  box.append(el);
  setTimeout(() => el.remove(), 6000);
}

let restoring = false;
/** Whether focus is moving because a re-render put it back (not because the user moved it). */
export function restoringFocus() {
  return restoring;
}

/** Replace the children of ``el``, keeping focus and typed drafts of inputs with data-key. */
export function replace(el, ...children) {
  const active = document.activeElement;
  const key = active && el.contains(active) ? active.dataset.key : null;
  const start = key && "selectionStart" in active ? active.selectionStart : null;
  el.replaceChildren(...children.flat().filter(Boolean));
  if (key) {
    const again = el.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) {
      restoring = true;
      again.focus({ preventScroll: true });
      restoring = false;
      if (start !== null && again.setSelectionRange) {
        try { again.setSelectionRange(start, start); } catch (e) { /* not a text input */ }
      }
    }
  }
}

/** Drafts of inputs in re-rendered regions survive a re-render, and a reload: they are kept
 *  in sessionStorage per room and page (a phone that reloads keeps what was typed). */
class Drafts extends Map {
  constructor() {
    super();
    this.store = `spwt:${document.body.dataset.room || ""}:${document.body.dataset.page || ""}:drafts`;
    try {
      for (const [k, v] of Object.entries(JSON.parse(sessionStorage.getItem(this.store) || "{}"))) super.set(k, v);
    } catch (e) { /* private mode or a damaged entry: start empty */ }
  }

  save() {
    try { sessionStorage.setItem(this.store, JSON.stringify(Object.fromEntries(this))); } catch (e) { /* full or private */ }
  }

  set(k, v) {
    super.set(k, v);
    if (this.store) this.save(); // Map's constructor calls set before the store is named
    return this;
  }

  delete(k) {
    const had = super.delete(k);
    this.save();
    return had;
  }
}
export const drafts = new Drafts();

// Every form says whether what it sent was saved: key -> {state, text}. The forms are drawn
// again on each event, so the sign lives here and each drawing shows the latest one.
const signs = new Map();

/** A ``done`` callback for ``ctx.send`` that records the outcome under ``key``. */
export function saving(key, refresh) {
  signs.set(key, { state: "sending" });
  return (r) => {
    signs.set(key, r.ok ? { state: "saved" } : { state: "error", text: r.text });
    if (refresh) refresh();
  };
}

/** The sign of ``key``: "Menyimpan…", "Tersimpan" or the error; a live region for readers. */
export function saveSign(key, el = null) {
  const sign = signs.get(key);
  const out = el || h("p.save-status", { role: "status", "data-sign": key });
  out.className = `save-status${sign ? ` ${sign.state}` : ""}`;
  out.textContent = !sign ? "" : sign.state === "error" ? sign.text : t(`form.${sign.state}`);
  return out;
}
export function draftInput(tag, key, attrs) {
  const el = h(tag, { ...attrs, "data-key": key });
  if (drafts.has(key)) el.value = drafts.get(key);
  else if (attrs && attrs.value !== undefined) el.value = attrs.value;
  el.addEventListener("input", () => drafts.set(key, el.value));
  return el;
}

export function fmtTime(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const sec = String(total % 60).padStart(2, "0");
  return `${m}:${sec}`;
}

export function rejectionText(code, message) {
  const known = t(`reject.${code}`);
  return known === `reject.${code}` ? message || code : known;
}

/** A module needed in some phases only: ``get(refresh)`` gives it once loaded, or null
 *  while it loads (then ``refresh()`` is called); a failed load is tried again later. */
export function onDemand(load) {
  let module = null;
  let loading = null;
  return (refresh) => {
    if (!module && !loading) {
      loading = load().then((m) => { module = m; refresh(); }, () => { loading = null; });
    }
    return module;
  };
}
