// Suggested clusters in the console (GET …/suggestions/clusters): the facilitator unticks
// cards, renames groups, and applies them with ordinary ops (cluster.add, then note.cluster
// once the server has named the cluster), so the log and every client stay as they are.
import { draftInput, drafts, h, toast } from "./dom.js";
import { t } from "./i18n.js";

export class Suggestions {
  constructor(room, key, refresh) {
    this.room = room;
    this.key = key;
    this.refresh = refresh;
    this.groups = null; // [{title, notes, agency, keep:Set}]
    this.duplicates = [];
    this.loading = false;
    this.applying = new Map(); // cluster.add op id -> note ids to place in it
  }

  async ask() {
    this.loading = true;
    this.refresh();
    try {
      const response = await fetch(`/api/rooms/${this.room}/suggestions/clusters`, { headers: { Authorization: `Bearer ${this.key}` } });
      if (!response.ok) throw new Error(String(response.status));
      const body = await response.json();
      this.groups = body.groups.map((g, i) => ({ ...g, id: i, keep: new Set(g.notes) }));
      this.duplicates = body.duplicates || [];
      for (const k of [...drafts.keys()]) if (k.startsWith("sg-")) drafts.delete(k);
    } catch (e) {
      toast(t("suggest.failed"));
    } finally {
      this.loading = false;
      this.refresh();
    }
  }

  apply(c, group) {
    const title = (drafts.get(`sg-${group.id}`) ?? group.title).trim() || group.title;
    const notes = [...group.keep].filter((id) => c.s.notes[id]);
    if (!notes.length) return;
    const id = c.send({ kind: "cluster.add", title });
    if (id) this.applying.set(id, notes);
    this.groups = this.groups.filter((g) => g !== group);
  }

  /** Once the server acknowledges a cluster.add of ours, place the cards in it. */
  events(events, c) {
    for (const e of events) {
      const notes = this.applying.get(e.op_id);
      if (!notes || e.op.kind !== "cluster.add") continue;
      this.applying.delete(e.op_id);
      for (const note of notes) c.send({ kind: "note.cluster", note, cluster: e.op.cluster });
    }
  }

  view(c) {
    const s = c.s;
    const head = h("header.row.wrap", {},
      h("h2", { text: t("suggest.title") }),
      h("button.small", { type: "button", "data-action": "suggest", disabled: this.loading, onclick: () => this.ask(), text: this.loading ? t("suggest.loading") : t("suggest.ask") }),
      this.groups && this.groups.length ? h("button.small.primary", { type: "button", "data-action": "apply-all", onclick: () => { for (const g of [...this.groups]) this.apply(c, g); this.refresh(); }, text: t("suggest.apply_all") }) : null,
      this.groups ? h("button.small", { type: "button", onclick: () => { this.groups = null; this.refresh(); }, text: t("suggest.close") }) : null);
    const box = h("section.suggestions.panel", { "aria-label": t("suggest.title") }, head);
    if (!this.groups) {
      box.append(h("p.hint", { text: t("suggest.hint") }));
      return box;
    }
    const live = this.groups.map((g) => ({ g, notes: g.notes.filter((id) => s.notes[id] && !s.notes[id].cluster) })).filter((x) => x.notes.length);
    if (!live.length) box.append(h("p.empty", { text: t("suggest.none") }));
    box.append(h("div.suggest-groups", {}, live.map(({ g, notes }) => h("article.suggest", { "data-group": g.id },
      draftInput("input", `sg-${g.id}`, { value: g.title, maxlength: "120", "aria-label": t("cluster.new") }),
      g.agency ? h("p.hint", { text: t("suggest.agency", { agency: g.agency }) }) : null,
      h("ul.ticks", {}, notes.map((id) => h("li", {}, h("label.check", {},
        h("input", { type: "checkbox", "data-key": `sgc-${g.id}-${id}`, checked: g.keep.has(id), onchange: (e) => (e.target.checked ? g.keep.add(id) : g.keep.delete(id)) }),
        h("span", { text: s.notes[id].text }))))),
      h("button.small", { type: "button", "data-action": "apply", onclick: () => { this.apply(c, g); this.refresh(); }, text: t("suggest.apply") })))));
    const pairs = this.duplicates.filter(([a, b]) => s.notes[a] && s.notes[b]);
    if (pairs.length) {
      box.append(h("h3", { text: t("suggest.duplicates") }), h("ul.duplicates", {}, pairs.map(([a, b]) => h("li", {},
        h("span", { text: `“${s.notes[a].text}” ≈ “${s.notes[b].text}” ` }),
        h("button.tiny", { type: "button", "data-action": "merge-duplicates", onclick: () => mergeCards(c, s.notes[a], s.notes[b]), text: t("suggest.merge_cards") })))));
    }
    return box;
  }
}

/** Two cards that say the same become one that holds both texts (the second is taken back
 *  once the first carries it); nothing said is lost. */
function mergeCards(c, first, second) {
  if (!confirm(t("suggest.confirm_merge"))) return;
  const text = first.text.includes(second.text) ? first.text : `${first.text} / ${second.text}`;
  c.send({ kind: "note.edit", note: first.id, text }, (result) => result.ok && c.send({ kind: "note.delete", note: second.id }));
}
