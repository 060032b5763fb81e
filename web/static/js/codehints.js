// The facilitation assistant's likely code of each program (GET …/suggestions/codes), for
// the console's program form; and the official names of the codes the page has heard of.
// It comes with the program form, from the roles phase on.

export const names = new Map(); // code -> official name, as the server told us

const rooms = new Map(); // room -> its CodeHints

/** The code suggestions of ``room`` for the facilitator holding ``key``, one per page. */
export function codeHints({ room, key }) {
  if (!rooms.has(room)) rooms.set(room, new CodeHints(room, key));
  return rooms.get(room);
}

/** The console's code suggestions, asked once per program and title. */
class CodeHints {
  constructor(room, key) {
    this.room = room;
    this.key = key;
    this.asked = new Map(); // `${program}|${title}` -> promise of [{code, nomenclature}]
  }

  load(program, title) {
    const id = `${program}|${title}`;
    if (!this.asked.has(id)) {
      const url = `/api/rooms/${this.room}/suggestions/codes?program=${encodeURIComponent(program)}`;
      this.asked.set(id, fetch(url, { headers: { Authorization: `Bearer ${this.key}` } })
        .then((r) => (r.ok ? r.json() : { codes: [] }))
        .then((body) => {
          for (const c of body.codes) names.set(c.code, c.nomenclature);
          return body.codes;
        })
        .catch(() => []));
    }
    return this.asked.get(id);
  }
}
