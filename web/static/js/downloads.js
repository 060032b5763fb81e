// Downloads of the scenario record: fetch with the bearer credential, then a Blob link
// (a plain link could not carry the Authorization header).
import { h, toast } from "./dom.js";
import { t } from "./i18n.js";
import { room } from "./app.js";

// The buttons come from the server's one table of formats (server/export/formats.py),
// handed to every page in data-formats: [{id, query, label}, …] in their order.
const BUTTONS = JSON.parse((document.getElementById("formats-data") || {}).textContent || "[]");
export const FORMATS = BUTTONS.map((b) => b.id);
const QUERY = Object.fromEntries(BUTTONS.map((b) => [b.id, b.query]));
const LABEL = Object.fromEntries(BUTTONS.map((b) => [b.id, b.label]));

/** The query string of a download button's format. */
export function query(format) {
  return QUERY[format] || `format=${format}`;
}

export async function download(path, credential) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${credential}` } });
  if (!response.ok) {
    const wait = response.headers.get("Retry-After");
    toast(response.status === 429 && wait ? t("download.limited", { s: wait }) : t("download.failed"));
    return;
  }
  const blob = await response.blob();
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = /filename="([^"]+)"/.exec(disposition);
  const a = h("a", { href: URL.createObjectURL(blob), download: match ? match[1] : "spwt" });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

export function downloads(c, credential, snapshot = null) {
  if (!credential) return null;
  const base = snapshot ? `/api/rooms/${room}/snapshots/${snapshot}` : `/api/rooms/${room}/scenario`;
  return h("section.downloads", {}, h("h2", { text: snapshot ? t("download.snapshot", { n: snapshot }) : t("download.title") }),
    h("div.buttons", {}, FORMATS.map((f) => h("button.small", { type: "button", "data-format": f, onclick: () => download(`${base}?${query(f)}`, credential), text: t(LABEL[f]) }))));
}
