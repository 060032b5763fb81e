// The room's settings form of the console (room.configure): loaded when first opened.
import { draftInput, drafts, h, saveSign, saving } from "./dom.js";
import { t } from "./i18n.js";
import { CHOICES } from "./choices.js";

export function settingsForm(c, s) {
  const st = s.settings;
  const input = (name, value, attrs = {}) => draftInput("input", `set-${name}`, { name, value: String(value), ...attrs });
  const check = (name, on) => h("label.check", {}, h("input", { type: "checkbox", name, checked: on }), h("span", { text: t(`settings.${name}`) }));
  const crit = st.voting.criteria.map((k, i) => criterionRow(k, i));
  const critBox = h("div.criteria", {}, crit);
  const form = h("form.stack.settings-form", { onsubmit: (e) => {
    e.preventDefault();
    const f = new FormData(form);
    const criteria = [...critBox.querySelectorAll(".crit-row")].map((r) => ({
      key: r.querySelector("[name=ckey]").value.trim().toLowerCase(),
      label: r.querySelector("[name=clabel]").value.trim(),
      weight: Number(r.querySelector("[name=cweight]").value) || 1,
    })).filter((x) => x.key);
    c.send({
      kind: "room.configure",
      title: f.get("title"), region: f.get("region"), horizon: f.get("horizon"), timezone: f.get("timezone"),
      dots: Number(f.get("dots")), max_per_item: Number(f.get("max_per_item")),
      anonymous: f.get("anonymous") === "on", private_writing: f.get("private_writing") === "on",
      phases: CHOICES.phases.filter((p) => p !== "lobby" && p !== "closed" && f.get(`phase-${p}`) === "on"),
      voting: { mode: f.get("mode"), criteria },
    }, saving("settings", c.refresh));
    for (const k of [...drafts.keys()]) if (k.startsWith("set-")) drafts.delete(k);
  } },
  h("label", {}, h("span", { text: t("start.title") }), input("title", st.title, { maxlength: "120" })),
  h("label", {}, h("span", { text: t("start.region") }), input("region", st.region, { maxlength: "120" })),
  h("label", {}, h("span", { text: t("start.horizon") }), h("select", { name: "horizon" }, CHOICES.horizons.map((x) => h("option", { value: x, selected: st.horizon === x, text: t(`horizon.${x}`) })))),
  h("label", {}, h("span", { text: t("start.timezone") }), h("select", { name: "timezone" }, CHOICES.timezones.map((z) => h("option", { value: z, selected: st.timezone === z, text: t(`timezone.${z}`) })))),
  h("label", {}, h("span", { text: t("settings.dots") }), input("dots", st.dots, { type: "number", min: "1", max: "100" })),
  h("label", {}, h("span", { text: t("settings.max_per_item") }), input("max_per_item", st.max_per_item, { type: "number", min: "1", max: "100" })),
  check("anonymous", st.anonymous), check("private_writing", st.private_writing),
  h("label", {}, h("span", { text: t("settings.mode") }), h("select", { name: "mode" }, CHOICES.voting_modes.map((m) => h("option", { value: m, selected: st.voting.mode === m, text: t(`mode.${m}`) })))),
  h("fieldset", {}, h("legend", { text: t("settings.criteria") }), critBox,
    h("div.row", {},
      h("button.small", { type: "button", onclick: () => critBox.append(criterionRow({ key: "", label: "", weight: 1 }, critBox.children.length)), text: t("settings.add_criterion") }),
      h("button.small", { type: "button", onclick: () => critBox.replaceChildren(...USG.map((k, i) => criterionRow({ key: k, label: t(`usg.${k}`), weight: 1 }, i))), text: t("settings.usg") }))),
  h("fieldset", {}, h("legend", { text: t("settings.phases") }), CHOICES.phases.filter((p) => p !== "lobby" && p !== "closed").map((p) =>
    h("label.check", {}, h("input", { type: "checkbox", name: `phase-${p}`, checked: st.phases.includes(p) }), h("span", { text: t(`phase.${p}`) })))),
  h("button.primary", { type: "submit", text: t("settings.save") }), saveSign("settings"));
  return form;
}

const USG = ["urgency", "seriousness", "growth"];

function criterionRow(k, i) {
  return h("div.crit-row", {},
    h("input", { name: "ckey", value: k.key, "aria-label": t("settings.criterion_key"), placeholder: t("settings.criterion_key"), pattern: "[a-z][a-z0-9_]{0,31}", size: "10" }),
    h("input", { name: "clabel", value: k.label, "aria-label": t("settings.criterion_label"), placeholder: t("settings.criterion_label") }),
    h("input", { name: "cweight", type: "number", step: "0.1", min: "0", max: "100", value: String(k.weight ?? 1), "aria-label": t("settings.criterion_weight"), size: "4" }),
    h("button.icon", { type: "button", "aria-label": t("settings.remove_criterion"), onclick: (e) => e.target.closest(".crit-row").remove() }, "✕"));
}
