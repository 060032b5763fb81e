// The projector never scrolls: the phase's work is zoomed down until it fits the window
// (zoom, unlike a transform, reflows, so cards re-flow into more columns as they shrink),
// but never below a size read from the back of a room; what is still more than one
// screenful is shown a page at a time, turning by itself, with "Halaman 1 dari 3".
import { t } from "./i18n.js";

const READABLE_PX = 15; // the smallest body text, in CSS pixels, after zooming
const PAGE_MS = 12000; // how long one page stays up
// Where a page may start: at one of these blocks, never through the middle of a card.
const BLOCKS = ".pool, .cluster, .card, tr, .program, .group-tile, section, figure, h2, h3";

let breaks = [0];
let page = 0;
let parts = null;
let shown = null;

/** Fit ``inner`` (the phase's work) into ``box`` (#content); ``pager`` shows the page.
 *  ``what`` names the view (the phase): a new one starts again on its first page. */
export function fit(box, inner, pager, what) {
  parts = { box, inner, pager };
  if (what !== shown) page = 0;
  shown = what;
  const rootPx = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  const floor = Math.min(1, READABLE_PX / rootPx);
  const room = box.clientHeight;
  const fits = (z) => {
    inner.style.zoom = String(z);
    return inner.getBoundingClientRect().height <= room + 1;
  };
  let zoom = 1;
  if (!fits(1)) {
    let lo = floor, hi = 1;
    for (let i = 0; i < 7; i++) {
      const mid = (lo + hi) / 2;
      if (fits(mid)) lo = mid; else hi = mid;
    }
    zoom = lo;
    fits(zoom);
  }
  inner.dataset.zoom = zoom.toFixed(2);
  breaks = pageBreaks(box, inner);
  page = Math.min(page, breaks.length - 1);
  show();
}

function pageBreaks(box, inner) {
  const top = inner.getBoundingClientRect().top;
  const total = inner.getBoundingClientRect().height;
  const height = box.clientHeight;
  if (total <= height + 1) return [0];
  const blocks = [...inner.querySelectorAll(BLOCKS)].map((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top - top, bottom: r.bottom - top };
  });
  const out = [0];
  while (out[out.length - 1] + height < total) {
    const from = out[out.length - 1];
    const edge = from + height;
    // The next page begins with the first block the bottom edge cuts, so that it is seen
    // whole; with none cut, with the first block below the edge.
    const cut = blocks.filter((b) => b.top > from + height / 3 && b.top <= edge && b.bottom > edge + 1).map((b) => b.top);
    const below = blocks.filter((b) => b.top > edge).map((b) => b.top);
    const next = cut.length ? Math.min(...cut) : below.length ? Math.min(...below) : edge;
    out.push(Math.min(next, edge));
  }
  return out;
}

function show() {
  if (!parts) return;
  const { box, pager } = parts;
  box.scrollTop = breaks[page];
  box.dataset.pages = String(breaks.length);
  box.dataset.page = String(page);
  pager.hidden = breaks.length < 2;
  pager.textContent = breaks.length < 2 ? "" : t("screen.page", { n: page + 1, of: breaks.length });
}

setInterval(() => {
  if (breaks.length < 2) return;
  page = (page + 1) % breaks.length;
  show();
}, PAGE_MS);
