// The start page: create a workshop, or join one by its code.
import { $, h, replace, toast } from "./dom.js";
import { applyStatic, currentLang, initLang, onLangChange, t } from "./i18n.js";

applyStatic();
initLang().then(() => { $("#create-language").value = currentLang(); });
let created = null;

$("#create").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const data = Object.fromEntries(new FormData(form));
    const response = await fetch("/api/rooms", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ title: data.title, region: data.region, horizon: data.horizon, timezone: data.timezone, language: data.language }),
    });
    const body = await response.json();
    if (!response.ok) {
      toast(body.error ? body.error.message : t("start.failed"));
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

onLangChange(() => { if (created) showCreated(); });

$("#join").addEventListener("submit", (e) => {
  e.preventDefault();
  const code = $("#join-code").value.trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (code) location.href = `/r/${code}`;
});
