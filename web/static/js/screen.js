// The projector screen: a read-only observer in large type that follows the focus, shows
// the timer (with a chime and a flash at the end), the join code in the lobby, and the
// ranking and chart once votes are revealed.
import { $, h, replace } from "./dom.js";
import { applyStatic, t } from "./i18n.js";
import { room, start } from "./app.js";
import { card, clusterView, writingView } from "./cards.js";
import { matrix, results, reviewView } from "./programs.js";
import { groupsGrid } from "./groups.js";
import { fit } from "./screenfit.js";

applyStatic();
let audio = null;
const app = start({ as: "observer", store: `spwt:${room}:s`, render, onTimerEnd: chime });
if (!app.link.profile) app.link.profile = { name: t("screen.name"), org: "" };
app.link.connect();

$("#sound").addEventListener("click", () => {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  audio = audio || new Ctx();
  audio.resume();
  $("#sound").setAttribute("aria-pressed", "true");
  chime(0.05);
});

function chime(volume = 0.25) {
  if (!audio || audio.state !== "running") return;
  const now = audio.currentTime;
  [880, 660, 880].forEach((f, i) => {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = f;
    gain.gain.setValueAtTime(0, now + i * 0.35);
    gain.gain.linearRampToValueAtTime(volume, now + i * 0.35 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.35 + 0.6);
    osc.connect(gain).connect(audio.destination);
    osc.start(now + i * 0.35);
    osc.stop(now + i * 0.35 + 0.65);
  });
}

const joinAt = () => `${(document.body.dataset.base || location.origin).replace(/^https?:\/\//, "")}/r/${room}`;

/** Who is in the room: their names, or only how many in an anonymous room. */
function joined(s) {
  const people = s.participants.filter((p) => p.role === "participant");
  const count = h("p.joined-count", { text: t("lobby.people", { n: people.length }) });
  if (s.settings.anonymous || !people.length) return h("section.joined", {}, count);
  return h("section.joined", {}, count, h("ul.joined-names", {}, people.map((p) => h("li", { text: p.name }))));
}

function lobby(s) {
  return h("section.lobby", {},
    h("div.join-text", {}, h("p", { text: t("screen.join_at") }), h("p.url", { text: joinAt() }), h("p", { text: t("start.code") }), h("p.code", { text: room })),
    h("img.qr", { src: `/r/${room}/qr.svg`, alt: t("start.qr_alt") }),
    joined(s));
}

// Latecomers join from the screen in every phase: the code and a small QR in a corner.
function corner() {
  return [h("div.corner-text", {}, h("span.corner-url", { text: joinAt() }), h("span.corner-code", { text: room })),
    h("img.qr-corner", { src: `/r/${room}/qr.svg`, alt: t("start.qr_alt") })];
}

const refit = () => $("#fit") && fit($("#content"), $("#fit"), $("#pager"), document.body.dataset.phase);
window.addEventListener("resize", refit);

function focused(c) {
  const s = c.s;
  const id = s.focus;
  if (!id) return null;
  if (s.notes[id]) return h("section.spotlight", {}, card(c, s.notes[id]));
  if (s.clusters[id]) {
    const notes = Object.values(s.notes).filter((n) => n.cluster === id);
    return h("section.spotlight", {}, h("h2", { text: s.clusters[id].title }), h("div.cards", {}, notes.map((n) => card(c, n))));
  }
  if (s.programs[id]) return h("section.spotlight", {}, h("h2", { text: s.programs[id].title }));
  if (s.groups && s.groups[id]) { // one group's board for everyone: its clusters and cards
    const cards = Object.values(s.notes).filter((n) => n.group === id);
    return h("section.spotlight", {}, h("h2", { text: s.groups[id].name }), h("div.cards", {}, cards.map((n) => card(c, n))));
  }
  return null;
}

function render(c) {
  c.focusable = false;
  const s = c.s;
  let body;
  switch (s.phase) {
    case "lobby": body = [lobby(s)]; break;
    case "vision": case "issues": body = writingView(c, s.phase); break;
    case "cluster": body = clusterView(c); break;
    case "vote": {
      const part = s.votes.participation || { voters: 0, used: 0 };
      body = s.votes_revealed ? results(c) : [h("p.big", { text: t("vote.participation", { voters: part.voters, used: part.used }) }),
        h("ul.program-names", {}, Object.values(s.programs).map((p) => h("li", { text: p.title })))];
      break;
    }
    // The phase's work first: in roles, the role matrix, then the ranking it follows.
    case "roles": body = [matrix(c, Object.values(s.actors), false), ...(s.votes_revealed ? results(c) : [])]; break;
    default: body = reviewView(c);
  }
  const spot = focused(c);
  // While groups write apart the room sees every table side by side, unless one is in focus.
  const grouped = Object.keys(s.groups || {}).length && s.settings.grouped_phases.includes(s.phase);
  if (grouped && !spot) body = [groupsGrid(s)];
  replace($("#content"), h("div.fit", { id: "fit" }, spot, body));
  $("#content").classList.toggle("has-focus", !!spot);
  const where = $("#corner");
  where.hidden = s.phase === "lobby";
  if (!where.hidden && !where.childElementCount) replace(where, corner());
  refit();
}
