// The start page: create a workshop (empty, or from an earlier record), or join one by its code.
import { $, h, replace, toast } from "./dom.js";
import { applyStatic, currentLang, initLang, onLangChange, t } from "./i18n.js";

applyStatic();
initLang().then(() => { $("#create-language").value = currentLang(); });
let created = null;
// "Mulai dari hasil sebelumnya": the record read from the chosen file, and the server's
// dry run of what a room started from it would hold (POST /api/rooms with preview).
let source = null;
let preview = null;
let previewing = 0;

function fromFields() {
  const form = $("#create");
  const data = Object.fromEntries(new FormData(form));
  const fields = { title: data.title || "-", horizon: data.horizon, from: source, carry: [...form.querySelectorAll("[name=carry]:checked")].map((c) => c.value) };
  const year = $("#from-year").value;
  if (data.horizon === "annual" && /^\d{4}$/.test(year)) fields.years = { from: Number(year), to: Number(year) };
  return fields;
}

function showFromError(message) {
  const out = $("#from-error");
  out.hidden = !message;
  out.textContent = message || "";
}

function showPreview() {
  const out = $("#carry-preview");
  if (!preview) { replace(out); return; }
  const c = preview.preview;
  const items = [];
  if (c.vision) items.push(t("start.preview_vision", { n: c.missions }));
  if (c.programs) items.push(t("start.preview_programs", { n: c.programs }));
  if (c.actors) items.push(t("start.preview_actors", { n: c.actors }));
  if (c.cards || c.clusters) items.push(t("start.preview_cards", { n: c.cards, clusters: c.clusters }));
  const s = preview.sources[0];
  replace(out,
    h("h2", { text: t("start.preview_title") }),
    h("p.hint", { id: "preview-source", text: t("start.preview_source", { title: s.title, room: s.room }) }),
    items.length ? h("ul", { id: "preview-counts" }, ...items.map((text) => h("li", { text }))) : h("p.empty", { text: t("start.preview_nothing") }),
    h("p", { id: "preview-years", text: t("start.preview_years", { from: preview.years.from, to: preview.years.to }) }));
}

async function refreshPreview() {
  if (!source) return;
  const mine = ++previewing;
  const response = await fetch("/api/rooms", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...fromFields(), preview: true }),
  });
  const body = await response.json();
  if (mine !== previewing) return; // a newer choice is on its way
  preview = response.ok ? body : null;
  showFromError(response.ok ? "" : body.error.message);
  showPreview();
}

function clearSource() {
  source = null; preview = null;
  $("#from-file").value = "";
  $("#from-options").hidden = true;
  showFromError("");
  showPreview();
}

function syncYear() {
  $("#from-year-label").hidden = $("#create [name=horizon]").value !== "annual";
}

$("#from-file").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  preview = null;
  showPreview();
  if (!file) { clearSource(); return; }
  try {
    source = JSON.parse(await file.text());
  } catch (err) {
    source = null;
    $("#from-options").hidden = true;
    showFromError(t("start.not_json"));
    return;
  }
  const form = $("#create");
  const room = source && source.room;
  if (room && !form.title.value) form.title.value = room.title || "";
  if (room && !form.region.value) form.region.value = room.region || "";
  $("#from-options").hidden = false;
  syncYear();
  refreshPreview();
});
for (const box of document.querySelectorAll("#create [name=carry]")) box.addEventListener("change", refreshPreview);
$("#from-year").addEventListener("change", refreshPreview);
$("#create [name=horizon]").addEventListener("change", () => { syncYear(); refreshPreview(); });
$("#from-clear").addEventListener("click", clearSource);

$("#create").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const data = Object.fromEntries(new FormData(form));
    const fields = { title: data.title, region: data.region, horizon: data.horizon, timezone: data.timezone, language: data.language };
    if (source) Object.assign(fields, fromFields(), { title: data.title });
    const response = await fetch("/api/rooms", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(fields),
    });
    const body = await response.json();
    if (!response.ok) {
      const message = body.error ? body.error.message : t("start.failed");
      if (source) showFromError(message);
      toast(message);
      return;
    }
    created = body;
    try { localStorage.setItem(`spwt:key:${body.room}`, body.facilitator_key); } catch (err) { /* ignore */ }
    showCreated();
  } catch (err) {
    toast(t("start.failed"));
  } finally {
    button.disabled = false;
  }
});

function showCreated() {
  const c = created;
  const out = $("#created");
  out.hidden = false;
  replace(out,
    h("h2", { text: t("start.created") }),
    h("div.share", {},
      h("div", {},
        h("p", { text: t("start.code") }), h("p.code", { id: "room-code", text: c.room }),
        h("p", { text: t("start.join_link") }), h("p.url", {}, h("a", { id: "join-link", href: c.links.join, text: c.links.join }))),
      h("img.qr", { src: `/r/${c.room}/qr.svg`, alt: t("start.qr_alt"), width: "240", height: "240" })),
    h("p.warn", { text: t("start.key_warning") }),
    h("p.links", {},
      h("a.button.primary", { id: "console-link", href: c.links.console, text: t("start.open_console") }), " ",
      h("a.button", { id: "screen-link", href: c.links.screen, target: "_blank", rel: "noopener", text: t("start.open_screen") })),
    h("label.copy", {}, h("span", { text: t("start.console_link") }), h("input", { type: "text", readonly: true, value: c.links.console, onfocus: (e) => e.target.select() })));
  out.scrollIntoView({ behavior: "smooth" });
  $("#room-code").focus && out.setAttribute("tabindex", "-1");
  out.focus();
}

onLangChange(() => { if (created) showCreated(); showPreview(); });

$("#join").addEventListener("submit", (e) => {
  e.preventDefault();
  const code = $("#join-code").value.trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (code) location.href = `/r/${code}`;
});
