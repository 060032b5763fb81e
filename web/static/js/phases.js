// What the main area shows in each phase; shared by the board and the console.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { clusterView, writingView } from "./cards.js";
import { reviewView, rolesView, voteView } from "./programs.js";
import { commitmentsView } from "./commitments.js";
import { CHOICES } from "./choices.js";

export function phaseView(c) {
  const s = c.s;
  switch (s.phase) {
    case "lobby":
      return lobbyView(c);
    case "vision":
    case "issues":
      return writingView(c, s.phase);
    case "cluster":
      return clusterView(c);
    case "vote":
      return voteView(c);
    case "roles":
      return [...rolesView(c), commitmentsView(c)];
    default:
      return [...reviewView(c), commitmentsView(c)];
  }
}

// The elements a workshop should hear from (keterwakilan); "other" is never missing.
const ELEMENTS = CHOICES.participant_categories;

/** "No participants yet from: …", or that every element is there. */
export function representation(s) {
  const present = new Set(s.participants.filter((p) => p.role === "participant").map((p) => p.category));
  const missing = ELEMENTS.filter((e) => e !== "other" && !present.has(e));
  return missing.length
    ? h("p.missing", { "data-key": "missing", text: t("people.missing", { list: missing.map((e) => t(`element.${e}`)).join(", ") }) })
    : h("p.missing.none", { "data-key": "missing", text: t("people.all_present") });
}

function lobbyView(c) {
  const people = c.s.participants.filter((p) => p.role === "participant");
  return [
    h("p.lead", { text: t("lobby.welcome") }),
    h("h2", { text: t("lobby.people", { n: people.length }) }),
    representation(c.s),
    h("ul.people", {}, people.map((p) => h("li", { class: p.paper || c.online.includes(p.id) ? "on" : "off" },
      h("strong", { text: p.name }),
      p.org ? h("span", { text: ` · ${p.org}` }) : null,
      p.category ? h("span.element", { text: ` · ${t(`element.${p.category}`)}` }) : null,
      p.paper ? h("span.paper", { text: ` (${t("people.paper")})` }) : null))),
  ];
}


