// The shell shared by the board, the console and the screen: the link, the room copy,
// the phase bar, the timer, the connection state, focus-follow and rejections.
import { $, fmtTime, h, rejectionText, replace, restoringFocus, toast } from "./dom.js";
import { currentLang, initLang, langChosen, onLangChange, setLang, t } from "./i18n.js";
import { isDragging } from "./drag.js";
import { Link } from "./link.js";
import { Room } from "./state.js";

// Who may send which op kind in which phase: the server's rule table, sent with the page.
const RULES = JSON.parse((document.getElementById("rules-data") || {}).textContent || "{}");

export const room = document.body.dataset.room;

/** Whether ``role`` may send ``kind`` now: the server's gate, for disabling controls. */
export function allowed(s, role, kind) {
  const rule = RULES[kind];
  if (!s || !rule || role === "observer") return false;
  const inPhase = !rule.phases || rule.phases.includes(s.phase);
  if (rule.who === "voter") {
    const mode = kind === "vote.score" ? "score" : "dots";
    return role === "participant" && !s.locked && !s.votes_revealed && inPhase && s.settings.voting.mode === mode;
  }
  if (role === "facilitator") return true;
  return rule.who === "member" && !s.locked && inPhase;
}

/** A timer started before the current phase belongs to an earlier one: it is not shown
 *  (an expired timer must not stay as a red 0:00 through every later phase). */
export function timerStale(s) {
  const log = s.phase_log || [];
  const now = log.length ? log[log.length - 1] : null;
  return !!(s.timer && now && s.timer.started_at < now.started_at);
}

export function start(o) {
  const model = new Room();
  let lastFocus;
  let timerDone = false;
  let scheduled = false;
  let stopped = null;
  // Ops whose sender reports the outcome in place (a form's "Tersimpan" or its error):
  // op id -> callback({ok: true} | {ok: false, text}). Their rejections make no toast.
  const tracked = new Map();
  // The connection state, kept so that a change of language says it again in the new one.
  let lastStatus = null;
  function showStatus() {
    const el = $("#status");
    if (!el || !lastStatus) return;
    const [state, pending] = lastStatus;
    el.dataset.state = state;
    const text = t(`status.${state}`);
    el.textContent = pending && state !== "online" ? `${text} · ${t("status.pending", { n: pending })}` : text;
  }

  const link = new Link({
    room,
    as: o.as,
    key: o.key,
    store: o.store,
    // ``?state=socket``: the state in the socket's welcome, not over HTTP (to compare them)
    httpState: new URLSearchParams(location.search).get("state") !== "socket",
    welcome(frame) {
      model.welcome(frame);
      if (frame.state && frame.state.timer) timerDone = frame.state.timer.ends_at < Date.now();
      if (frame.state && !langChosen() && frame.state.settings.language !== currentLang()) setLang(frame.state.settings.language, false);
      schedule();
    },
    events(events) {
      model.events(events);
      // What this viewer may see changed (groups' boards changed hands, an undo): load anew.
      const resync = events.filter((e) => e.op.resync).pop();
      if (resync) link.resync(resync.seq);
      for (const e of events) if (e.op.kind === "timer.start") timerDone = false;
      for (const e of events) {
        const done = e.op_id && tracked.get(e.op_id);
        if (done) {
          tracked.delete(e.op_id);
          done({ ok: true });
        }
      }
      if (o.onEvents) o.onEvents(events, model);
      schedule();
    },
    rejected(frame) {
      model.reject(frame.id);
      const text = rejectionText(frame.code, frame.message);
      const done = tracked.get(frame.id);
      tracked.delete(frame.id);
      if (done) done({ ok: false, code: frame.code, text, message: frame.message || "" });
      else toast(text);
      schedule();
    },
    presence(ids) {
      model.online = ids;
      schedule();
    },
    status(state, pending) {
      lastStatus = [state, pending];
      showStatus();
    },
    fatal(reason) {
      stopped = reason;
      schedule();
    },
  });

  // Ops queued before a reload are echoed again; those sent for someone else are not ours.
  for (const p of link.pending) if (!p.on_behalf) model.pending.set(p.id, p.op);

  const ctx = () => {
    const s = model.view;
    // Until the socket's welcome names us: a page holding the facilitator key is the
    // facilitator's (a state fetched over HTTP comes first, without ``you``).
    const role = model.me ? model.me.role : o.key ? "facilitator" : o.as;
    return {
      s, me: model.me, role, online: model.online, link, model,
      readOnly: role === "observer",
      focusable: true,
      refresh: schedule, // for views whose parts arrive later (a module loaded on demand)
      can: (kind) => allowed(s, role, kind),
      /** ``done({ok, code?, message?})`` when the op is acknowledged or refused; ``onBehalf``: a paper
       *  participant's id (the facilitator sends for them). */
      send: (op, done = null, onBehalf = null) => {
        // An echo's local id means nothing to the server: wait for the real one.
        if (JSON.stringify(op).includes('"local-')) return null;
        const id = link.send(op, onBehalf);
        if (done) tracked.set(id, done);
        if (!onBehalf) model.propose(id, op); // no echo: the ack comes back as theirs
        schedule();
        return id;
      },
    };
  };

  // A re-render replaces an open <select> and closes its list under the user's finger:
  // wait (a few seconds at most) until a choice is made or the menu left.
  let selecting = 0;
  document.addEventListener("focusin", (e) => {
    if (!restoringFocus()) selecting = e.target.tagName === "SELECT" ? Date.now() : 0;
  });
  document.addEventListener("change", (e) => { if (e.target.tagName === "SELECT") selecting = 0; });
  document.addEventListener("focusout", () => { selecting = 0; });
  // A re-render between a press and its release would lose the click (the release lands on
  // the new button, so no click fires): wait while a pointer or Space is down (2 s at most).
  // A button acts on Space at its release, so a keyboard user's vote was lost the same way.
  let pressed = 0;
  const press = () => { pressed = Date.now(); };
  const release = () => { pressed = 0; };
  document.addEventListener("pointerdown", press, true);
  document.addEventListener("keydown", (e) => { if (e.key === " ") press(); }, true);
  for (const end of ["pointerup", "pointercancel", "keyup"]) document.addEventListener(end, release, true);
  const busy = () => isDragging() || (pressed && Date.now() - pressed < 2000) || (selecting && Date.now() - selecting < 5000);

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      if (busy()) {
        setTimeout(schedule, 150);
        return;
      }
      render();
    });
  }

  function render() {
    if (stopped) {
      replace($("#main"), h("section.fatal", {}, h("h1", { text: t(`fatal.${stopped}`) }), h("p", {}, h("a", { href: "/", text: t("fatal.home") }))));
      return;
    }
    const c = ctx();
    if (!c.s) return;
    const s = c.s;
    const title = $("#room-title");
    if (title) {
      title.textContent = s.settings.title;
      title.dir = "auto"; // isolated like every text from the board (see dom.js)
    }
    document.title = `${s.settings.title} · S-PWT`;
    document.body.dataset.phase = s.phase;
    document.body.dataset.seq = s.seq; // how current the page is (benches and tests read it)
    document.body.classList.toggle("locked", !!s.locked);
    phaseBar(c);
    o.render(c);
    if (s.focus !== lastFocus) {
      lastFocus = s.focus;
      if (s.focus) {
        const el = document.getElementById(`item-${s.focus}`);
        if (el) {
          el.scrollIntoView({ behavior: "smooth", block: "center" });
          if (el.tagName === "DETAILS") el.open = true;
        }
      }
    }
  }

  function phaseBar(c) {
    const bar = $("#phasebar");
    if (!bar) return;
    const s = c.s;
    const items = [h("span.phase-name", { text: t(`phase.${s.phase}`) })];
    if (s.locked) items.push(h("span.lock", { text: t("board.locked") }));
    items.push(h("span.phase-hint", { text: t(`hint.${s.phase}${c.role === "facilitator" ? ".f" : ""}`) }));
    items.push(h("span.timer", { id: "timer", role: "timer", "aria-live": "off" }));
    if (c.role === "participant") {
      const ready = c.me && s.ready.includes(c.me.id);
      items.push(h("button.ready", { type: "button", "data-key": "ready", "aria-pressed": ready ? "true" : "false", disabled: !c.can("participant.ready"), onclick: () => c.send({ kind: "participant.ready", ready: !ready }) }, ready ? `✓ ${t("ready.done")}` : t("ready.button")));
    }
    replace(bar, items);
    tickTimer();
  }

  function tickTimer() {
    const el = $("#timer");
    const s = model.view;
    if (!el || !s) return;
    if (!s.timer || timerStale(s)) {
      el.textContent = "";
      el.classList.remove("running", "done");
      return;
    }
    const left = s.timer.ends_at - Date.now();
    el.textContent = fmtTime(left);
    el.classList.toggle("running", left > 0);
    el.classList.toggle("done", left <= 0);
    if (left <= 0 && !timerDone) {
      timerDone = true;
      if (left > -3000 && o.onTimerEnd) o.onTimerEnd();
      document.body.classList.add("time-up");
      setTimeout(() => document.body.classList.remove("time-up"), 6000);
    }
  }

  setInterval(tickTimer, 250);
  onLangChange(() => { showStatus(); schedule(); });
  initLang();
  return { link, model, schedule, ctx };
}
