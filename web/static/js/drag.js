// Drag cards into clusters with pointer events (mouse, pen and touch). Mouse drags the
// whole card; touch drags by the handle so that a finger on a card still scrolls the page.
// Keyboard users move cards with the card's "move to" menu instead.

let dragging = null;

export function isDragging() {
  return dragging !== null;
}

export function enableDrag(root, onDrop) {
  root.addEventListener("pointerdown", (e) => {
    const card = e.target.closest(".card[data-drag]");
    if (!card || e.button > 0) return;
    const handle = e.target.closest(".handle");
    if (!handle && e.pointerType !== "mouse") return;
    if (e.target.closest("button, select, input, textarea") && !handle) return;
    start(e, card, onDrop);
  });
}

function start(e, card, onDrop) {
  const rect = card.getBoundingClientRect();
  const d = { card, id: card.dataset.id, x0: e.clientX, y0: e.clientY, dx: e.clientX - rect.left, dy: e.clientY - rect.top, ghost: null, target: null, pointer: e.pointerId };
  dragging = d;
  card.setPointerCapture(e.pointerId);
  const move = (ev) => {
    if (ev.pointerId !== d.pointer) return;
    if (!d.ghost) {
      if (Math.hypot(ev.clientX - d.x0, ev.clientY - d.y0) < 6) return;
      d.ghost = card.cloneNode(true);
      d.ghost.classList.add("ghost");
      d.ghost.style.width = `${rect.width}px`;
      document.body.append(d.ghost);
      card.classList.add("dragged");
    }
    ev.preventDefault();
    d.ghost.style.transform = `translate(${ev.clientX - d.dx}px, ${ev.clientY - d.dy}px)`;
    const under = document.elementFromPoint(ev.clientX, ev.clientY);
    const target = under && under.closest("[data-drop]");
    if (target !== d.target) {
      if (d.target) d.target.classList.remove("over");
      if (target) target.classList.add("over");
      d.target = target;
    }
    autoscroll(ev.clientY);
  };
  const end = (ev) => {
    if (ev.pointerId !== d.pointer) return;
    card.removeEventListener("pointermove", move);
    card.removeEventListener("pointerup", end);
    card.removeEventListener("pointercancel", end);
    dragging = null;
    if (d.ghost) d.ghost.remove();
    card.classList.remove("dragged");
    if (d.target) d.target.classList.remove("over");
    if (d.ghost && d.target && ev.type === "pointerup") {
      const value = d.target.dataset.drop;
      onDrop(d.id, value === "" ? null : value);
    }
  };
  card.addEventListener("pointermove", move);
  card.addEventListener("pointerup", end);
  card.addEventListener("pointercancel", end);
}

function autoscroll(y) {
  const edge = 60;
  if (y < edge) window.scrollBy(0, -12);
  else if (y > window.innerHeight - edge) window.scrollBy(0, 12);
}
