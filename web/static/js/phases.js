// What the main area shows in each phase; shared by the board and the console.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { clusterView, writingView } from "./cards.js";
import { reviewView, rolesView, voteView } from "./programs.js";

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
      return rolesView(c);
    default:
      return reviewView(c);
  }
}

function lobbyView(c) {
  const people = c.s.participants.filter((p) => p.role === "participant");
  return [
    h("p.lead", { text: t("lobby.welcome") }),
    h("h2", { text: t("lobby.people", { n: people.length }) }),
    h("ul.people", {}, people.map((p) => h("li", { class: c.online.includes(p.id) ? "on" : "off" }, h("strong", { text: p.name }), p.org ? h("span", { text: ` · ${p.org}` }) : null))),
  ];
}


