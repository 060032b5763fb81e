// The participant board: join, then the board of the current phase.
import { $, drafts, replace, saveSign, saving, toast } from "./dom.js";
import { enableDrag } from "./drag.js";
import { applyStatic } from "./i18n.js";
import { allowed, room, start } from "./app.js";
import { phaseView } from "./phases.js";
import { COLORS, restoreBar } from "./cards.js";
import { downloads } from "./downloads.js";
import { groupBanner } from "./groups.js";

applyStatic();
const app = start({ as: "participant", store: `spwt:${room}:p`, render });
const join = $("#join");
const board = $("#board");
const composer = $("#composer");

// The join form is in the page from the start (it paints before any script runs);
// someone coming back with a saved identity goes straight to the board.
if (app.link.token || app.link.profile) begin();
else $("#join-name").focus();

join.addEventListener("submit", (e) => {
  e.preventDefault();
  const name = $("#join-name").value.trim();
  if (!name) return;
  app.link.profile = {
    name,
    org: $("#join-org").value.trim(),
    position: $("#join-position").value.trim(),
    category: $("#join-category").value,
    gender: $("#join-gender").value,
  };
  begin();
});

function begin() {
  join.hidden = true;
  board.hidden = false;
  app.link.connect();
}

const color = $("#note-color");
for (const c of COLORS) {
  const opt = document.createElement("option");
  opt.value = c;
  opt.dataset.t = `color.${c}`;
  color.append(opt);
}
applyStatic(color);
const text = $("#note-text");
text.dataset.key = "note-text";
if (drafts.has("note-text")) text.value = drafts.get("note-text"); // typed before a reload
text.addEventListener("input", () => drafts.set("note-text", text.value));
const sign = saveSign("note");
composer.append(sign);
composer.addEventListener("submit", (e) => {
  e.preventDefault();
  if (!text.value.trim()) return;
  const c = app.ctx();
  const done = saving("note", () => saveSign("note", sign));
  // A refused card leaves the board: say so where everyone looks too, not only in the form.
  c.send({ kind: "note.add", text: text.value.trim(), color: color.value }, (r) => { done(r); if (!r.ok) toast(r.text); });
  saveSign("note", sign);
  drafts.delete("note-text");
  text.value = "";
  text.focus();
});
// Enter adds the card, as in Parabol and Scrumlr; Shift+Enter makes a new line. Not while
// an input method is composing a word (Enter then picks the word).
text.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    composer.requestSubmit();
  }
});

enableDrag($("#content"), (note, cluster) => {
  const c = app.ctx();
  const current = c.s.notes[note];
  if (current && current.cluster !== cluster) c.send({ kind: "note.cluster", note, cluster });
});

function render(c) {
  const s = c.s;
  const writing = ["vision", "issues"].includes(s.phase);
  composer.hidden = !writing;
  const can = allowed(s, c.role, "note.add");
  for (const el of composer.querySelectorAll("textarea, select, button")) el.disabled = !can;
  $("#content").dataset.phase = s.phase;
  replace($("#content"), groupBanner(c), restoreBar(c), phaseView(c), ["review", "closed"].includes(s.phase) ? downloads(c, app.link.token) : null);
}
