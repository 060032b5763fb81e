// The WebSocket link to a room: hello and resume, ops queued while offline and resent
// with the same id (the server applies an op id once), backoff, and the connection state.

const RETRY = new Set(["rate_limited", "unavailable"]); // not applied: send again later
const FATAL = { 4400: "bad_hello", 4401: "bad_credentials", 4403: "removed", 4404: "no_room" };
const PING_EVERY = 15000;
// The server allows 20 ops/s with bursts of 40: stay under it, so that a long offline
// queue or an applied suggestion goes out whole instead of being refused as rate_limited.
const RATE = 15;
const BURST = 30;
const SILENCE_LIMIT = 35000;

export function newOpId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes); // randomUUID needs a secure context; a LAN http page is not
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Link {
  /**
   * @param {object} o room, as ("participant"|"observer"), key?, store (localStorage key),
   *   and callbacks: welcome(frame), events(list), rejected(frame), presence(ids),
   *   status(state, pendingCount), fatal(reason)
   */
  constructor(o) {
    this.o = o;
    this.ws = null;
    this.seq = null; // last seq applied by the page; null until a full state arrived
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    this.saved = load(o.store);
    this.pending = this.saved.pending || []; // [{id, op}] not yet acknowledged
    this.lastHeard = 0;
    this.state = "connecting";
    this.outq = []; // frames waiting for the rate budget on the current socket
    this.tokens = BURST;
    this.refilled = Date.now();
    this.pumping = null;
    // The state comes over HTTP, compressed (GET /api/rooms/{room}/state), and the socket
    // brings what follows it; on any failure, the socket's own welcome with the state.
    this.overHttp = o.httpState !== false;
    this.awaiting = null; // a welcome without state, waiting for the fetch
    this.buffered = []; // frames that came meanwhile
    this.resyncFrom = 0; // the seq of an event that asked for a fresh state (resync)
    window.addEventListener("online", () => this.reconnectNow());
    window.addEventListener("offline", () => this.drop());
    setInterval(() => this.tick(), 5000);
  }

  get token() {
    return this.saved.token || null;
  }

  set profile(p) {
    this.saved.profile = p;
    this.persist();
  }

  get profile() {
    return this.saved.profile || null;
  }

  forget() {
    this.saved = {};
    this.pending = [];
    this.persist();
  }

  persist() {
    try {
      localStorage.setItem(this.o.store, JSON.stringify({ ...this.saved, pending: this.pending }));
    } catch (e) { /* storage full or disabled: the queue lives in memory */ }
  }

  setStatus(state) {
    this.state = state;
    this.o.status(state, this.pending.length);
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const credential = this.token || this.o.key;
    if (this.seq === null && this.overHttp && credential) {
      // A page with a token (or the key) and no state: the state first, drawn at once,
      // then the socket resumes from its seq as after any reconnect. Without a token the
      // socket comes first: its welcome makes one.
      this.setStatus(this.attempt ? "reconnecting" : "connecting");
      this.fetchState(credential, this.resyncFrom).then(
        (state) => {
          this.resyncFrom = 0;
          if (this.seq === null) {
            this.seq = state.seq;
            this.o.welcome({ type: "welcome", you: this.saved.you || null, token: this.token, seq: state.seq, state });
          }
          this.open();
        },
        () => { this.overHttp = false; this.open(); },
      );
      return;
    }
    this.open();
  }

  /** The state as this viewer may see it, over HTTP; ``atLeast``: a seq it must reach. */
  async fetchState(credential, atLeast) {
    const early = window.spwtEarlyState;
    if (early && early.token === credential && !atLeast) {
      window.spwtEarlyState = null; // started by early.js while the modules loaded
      return early.answer;
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 30000);
    try {
      const q = atLeast ? `?seq=${atLeast}` : "";
      const r = await fetch(`/api/rooms/${encodeURIComponent(this.o.room)}/state${q}`, {
        headers: { Authorization: `Bearer ${credential}` }, signal: ctl.signal, cache: "no-cache",
      });
      if (!r.ok) throw new Error(`state: ${r.status}`);
      return await r.json();
    } finally {
      clearTimeout(timer);
    }
  }

  open() {
    if (this.stopped) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    let ws;
    try {
      ws = new WebSocket(`${scheme}://${location.host}/ws/${encodeURIComponent(this.o.room)}`);
    } catch (e) {
      this.retry();
      return;
    }
    this.ws = ws;
    this.setStatus(this.attempt ? "reconnecting" : "connecting");
    ws.onopen = () => {
      const hello = { type: "hello", as: this.o.as || "participant" };
      const p = this.profile || {};
      hello.name = p.name || "";
      hello.org = p.org || "";
      // Optional, and only values the server knows: an empty choice is left out.
      if (p.position) hello.position = p.position;
      if (p.category) hello.category = p.category;
      if (p.gender) hello.gender = p.gender;
      if (this.o.key) hello.key = this.o.key;
      if (this.token) hello.token = this.token;
      if (this.seq !== null) hello.since = this.seq;
      else if (this.overHttp) hello.state = false; // no token yet: fetched once welcomed
      ws.send(JSON.stringify(hello));
      this.lastHeard = Date.now();
    };
    ws.onmessage = (m) => this.receive(m.data);
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.outq = [];
      this.awaiting = null;
      this.buffered = [];
      if (FATAL[e.code]) {
        if (e.code === 4401 && this.token) {
          // The token is from a room or server that forgot us: join afresh (a bad key
          // fails again without the token, and then it is final).
          this.saved.token = null;
          this.persist();
          this.retry();
          return;
        }
        this.stopped = true;
        this.setStatus("stopped");
        this.o.fatal(FATAL[e.code]);
        return;
      }
      this.retry(e.code === 4429 ? 10000 : 0);
    };
  }

  retry(floor = 0) {
    if (this.stopped) return;
    this.attempt += 1;
    const offline = navigator.onLine === false;
    this.setStatus(offline ? "offline" : "reconnecting");
    // Offline, the "online" event brings us back; the long timer is only a safety net.
    const delay = Math.max(floor, offline ? 30000 : Math.min(15000, 400 * 2 ** Math.min(this.attempt, 6)));
    this.timer = setTimeout(() => this.connect(), delay * (0.75 + Math.random() * 0.5));
  }

  reconnectNow() {
    if (this.stopped || (this.ws && this.ws.readyState <= 1)) return;
    this.attempt = 0;
    clearTimeout(this.timer);
    this.connect();
  }

  /** Load the room anew (a full welcome): what this viewer may see changed. A short random
   *  delay spreads a room's reconnects. */
  resync(seq = 0) {
    this.seq = null;
    this.resyncFrom = Math.max(this.resyncFrom, seq); // a state from before it would resync again
    this.attempt = 0;
    this.drop();
  }

  /** The network went away: close at once instead of waiting for a timeout. */
  drop() {
    this.outq = [];
    this.awaiting = null;
    this.buffered = [];
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = null;
      try { ws.close(); } catch (e) { /* already closing */ }
    }
    if (!this.stopped) this.retry();
  }

  tick() {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) return;
    if (Date.now() - this.lastHeard > SILENCE_LIMIT) this.drop();
    else if (Date.now() - this.lastHeard > PING_EVERY) ws.send('{"type":"ping"}');
  }

  receive(data) {
    this.lastHeard = Date.now();
    let frame;
    try { frame = JSON.parse(data); } catch (e) { return; }
    if (this.awaiting) {
      this.buffered.push(frame); // after the state, in order
      return;
    }
    this.handle(frame);
  }

  /** A welcome without state that the page needs one for: fetch it with the new token,
   *  at least as new as the welcome; the frames that come meanwhile wait. */
  awaitState(frame) {
    const ws = this.ws;
    this.awaiting = frame;
    this.saved.token = frame.token;
    this.persist();
    this.fetchState(frame.token, frame.seq).then(
      (state) => {
        if (this.ws !== ws || this.awaiting !== frame) return; // dropped meanwhile
        const waiting = this.buffered;
        this.awaiting = null;
        this.buffered = [];
        // Older than the welcome (another process lagging)? The events that follow then
        // leave a gap, and the link resumes from the state's seq.
        this.handle({ ...frame, state, seq: state.seq });
        for (const f of waiting) if (this.ws === ws) this.handle(f); // a gap drops the socket
      },
      () => {
        if (this.ws !== ws) return;
        this.overHttp = false; // the socket's own welcome, then
        this.drop();
      },
    );
  }

  handle(frame) {
    switch (frame.type) {
      case "welcome":
        if (!frame.state && this.seq === null) {
          this.awaitState(frame);
          return;
        }
        this.attempt = 0;
        this.saved.token = frame.token;
        this.saved.you = frame.you;
        this.persist();
        if (frame.state) this.seq = frame.seq;
        this.o.welcome(frame);
        this.setStatus("online");
        this.flush();
        break;
      case "events": {
        const events = frame.events;
        if (this.seq !== null && events.length && events[0].seq > this.seq + 1 && !events[0].op_id) {
          // A gap: resume from what we have.
          this.drop();
          return;
        }
        for (const e of events) {
          if (e.op_id) this.ack(e.op_id);
          if (this.seq === null || e.seq > this.seq) this.seq = e.seq;
        }
        this.o.events(events);
        this.o.status(this.state, this.pending.length);
        break;
      }
      case "rejected":
        if (RETRY.has(frame.code) && this.retryLater(frame.id)) break;
        this.ack(frame.id);
        this.o.rejected(frame);
        this.o.status(this.state, this.pending.length);
        break;
      case "presence":
        this.o.presence(frame.online);
        break;
      default:
        break;
    }
  }

  /** Keep an op the server could not take now and send it again; false after a few tries. */
  retryLater(id) {
    const p = this.pending.find((x) => x.id === id);
    if (!p || (p.tries = (p.tries || 0) + 1) > 5) return false;
    setTimeout(() => {
      if (this.pending.includes(p) && this.ws && this.ws.readyState === 1) {
        this.outq.push(frameOf(p));
        this.pump();
      }
    }, 1000 * p.tries);
    return true;
  }

  ack(id) {
    const before = this.pending.length;
    this.pending = this.pending.filter((p) => p.id !== id);
    if (this.pending.length !== before) this.persist();
  }

  /**
   * Queue an op; it goes out now if the link is up, or once it is back. Returns its id.
   * ``onBehalf``: the facilitator sends it for a paper participant (their id).
   */
  send(op, onBehalf = null) {
    const id = newOpId();
    const p = onBehalf ? { id, op, on_behalf: onBehalf } : { id, op };
    this.pending.push(p);
    this.persist();
    if (this.ws && this.ws.readyState === 1 && this.state === "online") {
      this.outq.push(frameOf(p));
      this.pump();
    }
    this.o.status(this.state, this.pending.length);
    return id;
  }

  /** Resend everything not yet acknowledged (the server applies an op id only once). */
  flush() {
    this.outq = this.pending.map(frameOf);
    this.pump();
  }

  pump() {
    clearTimeout(this.pumping);
    this.pumping = null;
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) return;
    const now = Date.now();
    this.tokens = Math.min(BURST, this.tokens + ((now - this.refilled) * RATE) / 1000);
    this.refilled = now;
    while (this.outq.length && this.tokens >= 1) {
      ws.send(this.outq.shift());
      this.tokens -= 1;
    }
    if (this.outq.length) this.pumping = setTimeout(() => this.pump(), 1000 / RATE);
  }
}

function frameOf(p) {
  const frame = { type: "op", id: p.id, op: p.op };
  if (p.on_behalf) frame.on_behalf = p.on_behalf;
  return JSON.stringify(frame);
}

function load(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || "{}") || {};
  } catch (e) {
    return {};
  }
}
