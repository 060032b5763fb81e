// The page of a room that does not exist: only the language switch.
import { applyStatic, initLang } from "./i18n.js";

applyStatic();
initLang();
