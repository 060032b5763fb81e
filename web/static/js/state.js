// The page's copy of the room: the state of the welcome frame, events applied in order by
// a small reducer mirroring server/state/reducer.py (for display only: the server decides),
// and the ops still in flight applied on top as an optimistic echo.

const clone = (x) => (typeof structuredClone === "function" ? structuredClone(x) : JSON.parse(JSON.stringify(x)));

export class Room {
  constructor() {
    this.state = null; // as confirmed by the server
    this.me = null; // {id, name, org, role}
    this.online = [];
    this.pending = new Map(); // op id -> op, echoed locally until acknowledged or rejected
    this.view = null;
  }

  welcome(frame) {
    this.me = frame.you;
    if (frame.state) this.state = frame.state;
    this.refresh();
  }

  events(events) {
    for (const e of events) {
      if (e.op_id) this.pending.delete(e.op_id);
      if (this.state && e.seq > this.state.seq) {
        applyEvent(this.state, e, this.me);
        this.state.seq = e.seq;
        this.state.at = e.at;
      }
    }
    this.refresh();
  }

  propose(id, op) {
    this.pending.set(id, op);
    this.refresh();
  }

  reject(id) {
    this.pending.delete(id);
    this.refresh();
  }

  /** The state shown: confirmed state plus the echo of ops in flight. */
  refresh() {
    if (!this.state) return;
    if (!this.pending.size) {
      this.view = this.state;
      return;
    }
    const view = clone(this.state);
    for (const [id, op] of this.pending) {
      const extra = echoIds(op, id);
      try {
        applyEvent(view, { seq: view.seq, at: Date.now(), by: this.me && this.me.id, op: { ...op, ...extra }, local: true }, this.me);
      } catch (e) { /* a stale echo: the server will say */ }
    }
    this.view = view;
  }
}

function echoIds(op, id) {
  const local = `local-${id}`;
  switch (op.kind) {
    case "note.add": return { note: local };
    case "cluster.add": return { cluster: local };
    case "actor.add": return { actor: local };
    default: return {};
  }
}

// ``who``: whose ballot; the facilitator also keeps those it sent for paper participants.
function ballot(s, e, me) {
  if (me && e.by === me.id) return "mine";
  if (me && e.via && e.via === me.id) return e.by;
  return null;
}

function listOf(s, who) {
  if (who === "mine") return s.votes.mine;
  const paper = s.votes.paper || (s.votes.paper = {});
  return paper[who] || (paper[who] = []);
}

function setVote(s, program, criterion, value, who = "mine") {
  const mine = listOf(s, who).filter((v) => !(v.program === program && v.criterion === criterion));
  if (value) mine.push({ program, criterion, value });
  if (who === "mine") s.votes.mine = mine;
  else s.votes.paper[who] = mine;
}

function myVote(s, program, criterion, who = "mine") {
  const v = listOf(s, who).find((x) => x.program === program && x.criterion === criterion);
  return v ? v.value : 0;
}

function assign(s, participant, group) {
  if (group) s.membership[participant] = group;
  else delete s.membership[participant];
  for (const g of Object.values(s.groups)) if (g.rapporteur === participant && g.id !== group) g.rapporteur = null;
}

// Before the reveal the sender's ack (and the facilitator's) carries the room's participation.
function updateParticipation(s, op) {
  if (op.participation && !s.votes_revealed) s.votes.participation = op.participation;
}

function foldCluster(s, gone, into) {
  for (const n of Object.values(s.notes)) if (n.cluster === gone) n.cluster = into;
  for (const p of Object.values(s.programs)) if (p.cluster === gone) p.cluster = into;
  delete s.clusters[gone];
}

function release(s, ...ids) {
  if (ids.includes(s.focus)) s.focus = null;
}

// The server remembered the facilitator's destructive op (``undoable``): the console's undo
// names its top. Only the facilitator's page keeps the stack; an undo reloads the room.
function remembered(s, op, e, me, title) {
  if (!op.undoable || !me || me.role !== "facilitator" || e.local) return;
  s.undo = [...(s.undo || []), { seq: e.seq, kind: op.kind, title: title || "" }];
}

const HANDLERS = {
  "participant.join"(s, op) {
    s.participants = s.participants.filter((p) => p.id !== op.participant);
    s.participants.push({ id: op.participant, name: op.name, org: op.org, role: op.role || "participant", category: op.category || null, position: op.position || "", gender: op.gender || null, paper: false });
  },
  "participant.add"(s, op) {
    if (!op.participant) return; // the echo waits for the server's id
    s.participants.push({ id: op.participant, name: op.name, org: op.org || "", role: "participant", category: op.category || null, position: op.position || "", gender: op.gender || null, paper: true });
    if (s.votes.paper) s.votes.paper[op.participant] = [];
  },
  "participant.update"(s, op, e) {
    const who = s.participants.find((p) => p.id === (op.participant || e.by));
    if (!who) return;
    for (const k of ["name", "org", "position", "category", "gender"]) if (op[k] !== undefined) who[k] = op[k];
  },
  "commitment.set"(s, op) {
    const all = s.commitments || (s.commitments = {});
    const row = { ...(all[op.program] || {}) };
    if (op.text) row[op.actor] = op.text;
    else delete row[op.actor];
    all[op.program] = row;
  },
  "followup.add"(s, op) {
    if (!op.followup) return;
    (s.followups || (s.followups = {}))[op.followup] = { id: op.followup, text: op.text, actor: op.actor || null, due: op.due || "" };
  },
  "followup.delete"(s, op) { if (s.followups) delete s.followups[op.followup]; },
  "participant.remove"(s, op) {
    s.participants = s.participants.filter((p) => p.id !== op.participant);
    s.ready = s.ready.filter((id) => id !== op.participant);
  },
  "note.add"(s, op, e, me) {
    if (s.notes[op.note]) return;
    const note = { id: op.note, text: op.text, color: op.color || "yellow", x: op.x || 0, y: op.y || 0, cluster: null, phase: s.phase, created_at: e.at };
    if (e.by) note.author = e.by;
    if (op.group) note.group = op.group;
    if (e.local) note.local = true;
    s.notes[op.note] = note;
  },
  "note.edit"(s, op) { if (s.notes[op.note]) s.notes[op.note].text = op.text; },
  "note.delete"(s, op, e, me) {
    const note = s.notes[op.note];
    // Kept where the server keeps it for this viewer: the facilitator's all, one's own.
    if (note && me && (me.role === "facilitator" || note.author === me.id)) (s.deleted || (s.deleted = {}))[op.note] = note;
    if (note) remembered(s, op, e, me, note.text);
    delete s.notes[op.note];
    release(s, op.note);
  },
  "note.restore"(s, op, e) {
    const kept = (s.deleted || {})[op.note];
    if (s.deleted) delete s.deleted[op.note];
    if (e.local) { if (kept) s.notes[op.note] = { ...kept, cluster: s.clusters[kept.cluster] ? kept.cluster : null }; return; }
    const note = { id: op.note, text: op.text, color: op.color, x: op.x, y: op.y, cluster: op.cluster, phase: op.phase, created_at: op.created_at, group: op.group || null };
    if (op.author) note.author = op.author;
    s.notes[op.note] = note;
  },
  "op.undo"(s, op) { s.undo = (s.undo || []).filter((r) => r.seq !== op.seq); }, // the resync brings the rest
  "note.move"(s, op) { const n = s.notes[op.note]; if (n) { n.x = op.x; n.y = op.y; } },
  "note.cluster"(s, op) { const n = s.notes[op.note]; if (n) n.cluster = op.cluster; },
  "cluster.add"(s, op, e) { s.clusters[op.cluster] = { id: op.cluster, title: op.title, created_at: e.at, group: op.group || null, local: !!e.local }; },
  "cluster.rename"(s, op) { if (s.clusters[op.cluster]) s.clusters[op.cluster].title = op.title; },
  "cluster.delete"(s, op, e, me) {
    remembered(s, op, e, me, s.clusters[op.cluster] && s.clusters[op.cluster].title);
    foldCluster(s, op.cluster, null);
    release(s, op.cluster);
  },
  "cluster.merge"(s, op, e, me) {
    remembered(s, op, e, me, s.clusters[op.cluster] && s.clusters[op.cluster].title);
    foldCluster(s, op.cluster, op.into);
    if (s.focus === op.cluster) s.focus = op.into;
    if ("group" in op && s.clusters[op.into]) s.clusters[op.into].group = op.group;
  },
  "group.add"(s, op, e) { s.groups[op.group] = { id: op.group, name: op.name, rapporteur: null, created_at: e.at }; },
  "group.rename"(s, op) { if (s.groups[op.group]) s.groups[op.group].name = op.name; },
  "group.delete"(s, op) {
    delete s.groups[op.group];
    for (const [p, g] of Object.entries(s.membership)) if (g === op.group) delete s.membership[p];
    for (const x of [...Object.values(s.notes), ...Object.values(s.clusters)]) if (x.group === op.group) x.group = null;
    release(s, op.group);
  },
  "group.assign"(s, op) { assign(s, op.participant, op.group); },
  "group.join"(s, op, e) { assign(s, e.by, op.group); },
  "group.rapporteur"(s, op) { if (s.groups[op.group]) s.groups[op.group].rapporteur = op.participant; },
  "groups.auto"(s, op, e) {
    for (const g of op.groups) if (!s.groups[g.group]) s.groups[g.group] = { id: g.group, name: g.name, rapporteur: null, created_at: e.at };
    s.membership = { ...op.membership };
  },
  "program.promote"(s, op, e) {
    if (!op.program) return; // the echo waits for the server's id
    const c = s.clusters[op.cluster];
    s.programs[op.program] = { id: op.program, title: op.title || (c && c.title) || "", cluster: op.cluster, indicators: [], policies: [], strategies: [], location: "", timeframe: "", budget: [], created_at: e.at };
  },
  "program.drop"(s, op, e, me) {
    remembered(s, op, e, me, s.programs[op.program] && s.programs[op.program].title);
    delete s.programs[op.program];
    delete s.matrix[op.program];
    s.votes.mine = s.votes.mine.filter((v) => v.program !== op.program);
    if (s.votes.tallies) delete s.votes.tallies[op.program];
    release(s, op.program);
  },
  "vote.cast"(s, op, e, me) {
    const who = ballot(s, e, me);
    if (who) setVote(s, op.program, op.criterion, myVote(s, op.program, op.criterion, who) + 1, who);
    updateParticipation(s, op);
  },
  "vote.retract"(s, op, e, me) {
    const who = ballot(s, e, me);
    if (who) setVote(s, op.program, op.criterion, myVote(s, op.program, op.criterion, who) - 1, who);
    updateParticipation(s, op);
  },
  "vote.score"(s, op, e, me) {
    const who = ballot(s, e, me);
    if (who) setVote(s, op.program, op.criterion, op.value, who);
    updateParticipation(s, op);
  },
  "actor.add"(s, op, e) { s.actors[op.actor] = { id: op.actor, name: op.name, category: op.category || "agency", local: !!e.local }; },
  "matrix.set"(s, op) {
    const row = { ...(s.matrix[op.program] || {}) };
    if (op.role) row[op.actor] = op.role;
    else delete row[op.actor];
    s.matrix[op.program] = row;
  },
  "program.update"(s, op) {
    const p = s.programs[op.program];
    if (!p) return;
    for (const [k, v] of Object.entries(op)) {
      if (k !== "kind" && k !== "program" && (v !== null || k === "code" || k === "mission")) p[k] = v;
    }
  },
  "vision.set"(s, op) { s.vision = { statement: op.text, missions: op.missions || [] }; },
  "room.configure"(s, op) {
    const before = JSON.stringify(s.settings.voting);
    for (const k of ["title", "region", "horizon", "timezone", "dots", "max_per_item", "anonymous", "private_writing", "phases", "years", "level", "venue", "date"]) {
      if (op[k] !== undefined && op[k] !== null) s.settings[k] = op[k];
    }
    if (op.voting) {
      s.settings.voting = {
        mode: op.voting.mode || "dots",
        criteria: (op.voting.criteria || s.settings.voting.criteria).map((c) => ({ key: c.key, label: c.label || c.key, weight: c.weight ?? 1 })),
      };
    }
    if (JSON.stringify(s.settings.voting) !== before) s.votes.mine = [];
    else if (s.votes.mine.some((v) => v.value > s.settings.max_per_item)) s.votes.mine = [];
  },
  "phase.set"(s, op, e) {
    s.phase = op.phase;
    s.ready = [];
    if ("notes_revealed" in op) s.notes_revealed = op.notes_revealed; // a reveal holds for its phase
    const log = s.phase_log || [];
    if (log.length && log[log.length - 1].ended_at === null) log[log.length - 1].ended_at = e.at;
    log.push({ key: op.phase, started_at: e.at, ended_at: null });
    s.phase_log = log;
    if (op.phase === "closed") s.snapshots.push({ n: s.snapshots.length + 1, seq: e.seq, label: "final", taken_at: e.at, phase: "closed", final: true });
  },
  "timer.start"(s, op, e) { s.timer = { started_at: e.at, seconds: op.seconds, ends_at: op.ends_at || e.at + op.seconds * 1000 }; },
  "timer.stop"(s) { s.timer = null; },
  "votes.reveal"(s, op) {
    s.votes_revealed = true;
    Object.assign(s.votes, { tallies: op.tallies, voters: op.voters, by_category: op.by_category, standings: op.standings });
  },
  "votes.hide"(s) { s.votes_revealed = false; for (const k of ["tallies", "voters", "by_category", "standings"]) delete s.votes[k]; },
  "notes.reveal"(s, op) {
    s.notes_revealed = true;
    for (const n of op.notes || []) s.notes[n.id] = n;
    s.hidden_notes = 0;
  },
  "notes.hide"(s, op, e, me) {
    s.notes_revealed = false;
    if (s.settings.private_writing && me && me.role !== "facilitator") {
      const total = Object.keys(s.notes).length;
      for (const n of Object.values(s.notes)) if (n.author !== me.id) delete s.notes[n.id];
      s.hidden_notes = total - Object.keys(s.notes).length;
    }
  },
  "focus.set"(s, op) { s.focus = op.target; },
  "participant.ready"(s, op, e) {
    s.ready = s.ready.filter((id) => id !== e.by);
    if (op.ready && e.by) s.ready.push(e.by);
  },
  "board.lock"(s) { s.locked = true; },
  "board.unlock"(s) { s.locked = false; },
  "snapshot.take"(s, op, e) {
    if (!op.snapshot) return;
    s.snapshots.push({ n: op.snapshot, seq: e.seq, label: op.label || "", taken_at: e.at, phase: s.phase, final: s.phase === "closed" });
  },
  hidden(s, op) {
    if (op.participation) s.votes.participation = op.participation;
    if (op.note_count !== undefined) s.hidden_notes = Math.max(0, op.note_count - Object.keys(s.notes).length);
  },
};

export function applyEvent(s, e, me) {
  const handler = HANDLERS[e.op.kind];
  if (handler) handler(s, e.op, e, me);
}

/** Programs best first with their totals and ranks, as the server ranked them (equal totals
 * share a rank); before a reveal, in the order they were made, unranked. */
export function ranked(s) {
  const st = s.votes && s.votes.standings;
  const tallies = (s.votes && s.votes.tallies) || {};
  const ids = st ? st.order.filter((id) => s.programs[id]) : Object.keys(s.programs);
  return ids.map((id) => ({
    program: s.programs[id], scores: tallies[id] || {}, total: st ? st.totals[id] : 0,
    rank: st ? st.ranks[id] : null, voters: ((s.votes && s.votes.voters) || {})[id] || 0,
  }));
}

/** The two criteria of the priority chart: feasibility and urgency, or the first two. */
export function chartAxes(s) {
  const criteria = s.settings.voting.criteria;
  const find = (k) => criteria.find((c) => c.key === k);
  const x = find("feasibility") || criteria[0];
  const y = find("urgency") || criteria.find((c) => c !== x);
  return x && y ? [x, y] : null;
}

/** Dots used per criterion by me. */
export function dotsUsed(s, criterion) {
  return s.votes.mine.filter((v) => v.criterion === criterion).reduce((n, v) => n + v.value, 0);
}

export function myValue(s, program, criterion) {
  return myVote(s, program, criterion);
}
