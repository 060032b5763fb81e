"""The two priority charts, drawn as plain SVG by our own code.

No charting library: the charts must look the same in a browser, in a PDF printed from
it and as an image inside Markdown, and must never run code. Everything a user typed (program
titles) is escaped; the SVG holds no script, no external reference and no style sheet, so it
is safe both inline in HTML and as a ``data:`` image.

- ``quadrant_svg``: feasibility (x) against urgency (y), split at the medians into the four
  quadrants of the record; each program is a numbered dot (its rank) in its quadrant colour.
- ``bars_svg``: programs in rank order, one bar each, stacked by criterion (score x weight),
  so the bar length is the total the ranking uses.
"""

from __future__ import annotations

import math
import statistics
import textwrap
from collections import defaultdict

from markupsafe import escape

from .i18n import Catalogue, decimals, printable
from .view import Program, Report

FONT = "Noto Sans, DejaVu Sans, Liberation Sans, Arial, sans-serif"
QUADRANT_COLOURS = {
    "priority": ("#1b7f4b", "#e4f3ea"),
    "enable": ("#c2410c", "#fcebdf"),
    "later": ("#1d4ed8", "#e5ecfb"),
    "drop": ("#6b7280", "#eff0f2"),
}
SERIES = ("#1d4ed8", "#ea580c", "#0f766e", "#7c3aed", "#b91c1c", "#a16207", "#475569", "#be185d")
INK, GRID = "#1f2937", "#cbd5e1"


def _text(value: str) -> str:
    return str(escape(printable(value)))


def _short(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _wrap(value: str, width: int) -> list[str]:
    """A program title over as many lines as it needs (never cut: the title is the point)."""
    return textwrap.wrap(printable(value), width, break_on_hyphens=False) or [""]


def _lines(x: float, y: float, lines: list[str], step: float = 14.0) -> str:
    """``tspan`` lines starting at baseline ``y``, each ``step`` lower."""
    return "".join(
        f'<tspan x="{_n(x)}" y="{_n(y + n * step)}">{_text(line)}</tspan>'
        for n, line in enumerate(lines)
    )


def _n(value: float) -> str:
    """Coordinates with one decimal at most, so the SVG text is stable and small."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _axis_max(values: list[float]) -> tuple[float, float]:
    """A round upper bound and a tick step for values starting at zero."""
    top = max([*values, 1.0])
    raw = top / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if magnitude >= 1:
        step = max(1.0, round(step))
    return math.ceil(top * 1.08 / step) * step, step


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" role="img" font-family="{FONT}" '
        f'font-size="12" fill="{INK}"><title>{_text(title)}</title>' + "".join(body) + "</svg>"
    )


def quadrant_svg(report: Report) -> str:
    """Feasibility against urgency, the quadrants split at the medians as the record splits them."""
    t = report.t
    scored = [p for p in report.programs if p.scores is not None]
    labels = {c.key: c.label for c in report.criteria}
    size, left, top = 360.0, 58.0, 20.0
    legend_x = left + size + 28
    height = max(top + size + 54, top + 14 + _legend_height(scored) + 24 * 4)
    xs = [p.scores["feasibility"] for p in scored if p.scores]
    ys = [p.scores["urgency"] for p in scored if p.scores]
    x_max, x_step = _axis_max(xs)
    y_max, y_step = _axis_max(ys)

    def px(v: float) -> float:
        return left + v / x_max * size

    def py(v: float) -> float:
        return top + size - v / y_max * size

    mx = px(statistics.median(xs)) if xs else px(x_max / 2)
    my = py(statistics.median(ys)) if ys else py(y_max / 2)
    body: list[str] = []
    regions = {  # quadrant: (x, y, w, h, label anchor)
        "enable": (left, top, mx - left, my - top, "start"),
        "priority": (mx, top, left + size - mx, my - top, "end"),
        "drop": (left, my, mx - left, top + size - my, "start"),
        "later": (mx, my, left + size - mx, top + size - my, "end"),
    }
    for key, (x, y, w, h, anchor) in regions.items():
        ink, tint = QUADRANT_COLOURS[key]
        body.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{tint}"/>'
        )
        lx = x + 6 if anchor == "start" else x + w - 6
        ly = y + 15 if y == top else y + h - 7
        body.append(
            f'<text x="{_n(lx)}" y="{_n(ly)}" text-anchor="{anchor}" font-size="11" '
            f'font-weight="bold" fill="{ink}">{_text(t.name("quadrants", key))}</text>'
        )
    body += _grid(t, left, top, size, x_max, x_step, y_max, y_step)
    body.append(
        f'<line x1="{_n(mx)}" y1="{_n(top)}" x2="{_n(mx)}" y2="{_n(top + size)}" '
        f'stroke="#64748b" stroke-dasharray="4 3"/>'
        f'<line x1="{_n(left)}" y1="{_n(my)}" x2="{_n(left + size)}" y2="{_n(my)}" '
        f'stroke="#64748b" stroke-dasharray="4 3"/>'
    )
    body.append(
        f'<text x="{_n(left + size / 2)}" y="{_n(top + size + 38)}" text-anchor="middle" '
        f'font-weight="bold">{_text(labels.get("feasibility", "feasibility"))} →</text>'
        f'<text transform="translate(16 {_n(top + size / 2)}) rotate(-90)" '
        f'text-anchor="middle" font-weight="bold">'
        f"{_text(labels.get('urgency', 'urgency'))} →</text>"
    )
    body += _dots(scored, px, py)
    body += _quadrant_legend(t, scored, legend_x, top)
    return _svg(legend_x + 380, height, t("chart_quadrant_alt"), body)


def _grid(
    t: Catalogue,
    left: float,
    top: float,
    size: float,
    x_max: float,
    x_step: float,
    y_max: float,
    y_step: float,
) -> list[str]:
    body = [
        f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(size)}" height="{_n(size)}" '
        f'fill="none" stroke="{INK}"/>'
    ]
    steps = round(x_max / x_step)
    for i in range(steps + 1):
        x = left + i * x_step / x_max * size
        body.append(
            f'<text x="{_n(x)}" y="{_n(top + size + 16)}" text-anchor="middle" font-size="10">'
            f"{t.number(i * x_step)}</text>"
        )
    steps = round(y_max / y_step)
    for i in range(steps + 1):
        y = top + size - i * y_step / y_max * size
        body.append(
            f'<text x="{_n(left - 6)}" y="{_n(y + 3.5)}" text-anchor="end" font-size="10">'
            f"{t.number(i * y_step)}</text>"
        )
    return body


def _dots(scored: list[Program], px: object, py: object) -> list[str]:
    """Numbered dots; programs with equal scores are fanned out around their point."""
    at: dict[tuple[float, float], list[Program]] = defaultdict(list)
    for p in scored:
        assert p.scores is not None
        at[(p.scores["feasibility"], p.scores["urgency"])].append(p)
    body = []
    for (fx, fy), group in at.items():
        cx, cy = px(fx), py(fy)  # type: ignore[operator]
        for i, p in enumerate(group):
            angle = 2 * math.pi * i / len(group) - math.pi / 2
            spread = 12.0 if len(group) > 1 else 0.0
            x, y = cx + spread * math.cos(angle), cy + spread * math.sin(angle)
            ink = QUADRANT_COLOURS.get(p.quadrant or "drop", QUADRANT_COLOURS["drop"])[0]
            body.append(
                f"<g><title>{_text(p.title)}</title>"
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="10.5" fill="{ink}" stroke="#fff" '
                f'stroke-width="1.5"/><text x="{_n(x)}" y="{_n(y + 4)}" text-anchor="middle" '
                f'font-size="11" font-weight="bold" fill="#fff">{p.rank or ""}</text></g>'
            )
    return body


LEGEND_WRAP = 52  # characters per line of a program title in the quadrant legend


def _legend_height(scored: list[Program]) -> float:
    return sum(6 + 14 * len(_wrap(p.title, LEGEND_WRAP)) for p in scored)


def _quadrant_legend(t: Catalogue, scored: list[Program], x: float, top: float) -> list[str]:
    body = []
    y = top + 8
    for p in scored:
        ink = QUADRANT_COLOURS.get(p.quadrant or "drop", QUADRANT_COLOURS["drop"])[0]
        lines = _wrap(p.title, LEGEND_WRAP)
        body.append(
            f'<circle cx="{_n(x + 8)}" cy="{_n(y)}" r="8" fill="{ink}"/>'
            f'<text x="{_n(x + 8)}" y="{_n(y + 3.5)}" text-anchor="middle" font-size="9.5" '
            f'font-weight="bold" fill="#fff">{p.rank or ""}</text>'
            f"<text>{_lines(x + 22, y + 4, lines)}</text>"
        )
        y += 6 + 14 * len(lines)
    y += 10
    for key, (ink, tint) in QUADRANT_COLOURS.items():
        body.append(
            f'<rect x="{_n(x + 1)}" y="{_n(y - 8)}" width="14" height="14" fill="{tint}" '
            f'stroke="{ink}"/><text x="{_n(x + 22)}" y="{_n(y + 3.5)}" font-size="11">'
            f'<tspan font-weight="bold" fill="{ink}">{_text(t.name("quadrants", key))}</tspan>'
            f" — {_text(t.name('quadrant_hints', key))}</text>"
        )
        y += 20
    return body


BAR_WRAP = 46  # characters per line of a program title beside its bar


def bars_svg(report: Report) -> str:
    """Programs in rank order, each bar stacked by criterion contribution (score x weight).

    The label is the rank (``2=`` for a shared one) and the whole title, wrapped over lines;
    a row is as tall as its label.
    """
    t = report.t
    scored = [p for p in report.programs if p.scores is not None]
    label_w, bar_x, bar_w = 300.0, 308.0, 330.0
    width = bar_x + bar_w + 50
    body, legend_bottom = _series_legend(report, bar_x, width)
    top = legend_bottom + 10
    labels = [_wrap(f"{report.rank_label(p)}. {p.title}", BAR_WRAP) for p in scored]
    rows = [max(26.0, 14.0 * len(lines) + 10) for lines in labels]
    height = top + sum(rows) + 12
    totals = [p.scores.get("total", 0.0) for p in scored if p.scores]
    scale_max, _ = _axis_max(totals)
    places = decimals(totals)  # one format for all totals, as in the table
    y = top
    for p, lines, row in zip(scored, labels, rows, strict=True):
        assert p.scores is not None
        first = y + row / 2 - 7 * (len(lines) - 1) + 4.5  # the lines centred on the bar
        body.append(
            f'<text text-anchor="end"><title>{_text(p.title)}</title>'
            f"{_lines(label_w, first, lines)}</text>"
        )
        x = bar_x
        bar_y = y + row / 2 - 8.5
        for i, c in enumerate(report.criteria):
            length = p.scores.get(c.key, 0.0) * c.weight / scale_max * bar_w
            if length > 0:
                body.append(
                    f'<rect x="{_n(x)}" y="{_n(bar_y)}" width="{_n(length)}" height="17" '
                    f'fill="{SERIES[i % len(SERIES)]}"/>'
                )
            x += length
        body.append(
            f'<text x="{_n(x + 5)}" y="{_n(bar_y + 12.5)}" font-weight="bold">'
            f"{t.fixed(p.scores.get('total', 0.0), places)}</text>"
        )
        y += row
    body.append(
        f'<line x1="{_n(bar_x)}" y1="{_n(top)}" x2="{_n(bar_x)}" '
        f'y2="{_n(top + sum(rows))}" stroke="{GRID}"/>'
    )
    return _svg(width, height, t("chart_bars_alt"), body)


def _series_legend(report: Report, left: float, width: float) -> tuple[list[str], float]:
    """One swatch per criterion (with its weight), wrapped into rows; returns the bottom."""
    t = report.t
    body, x, y = [], left, 8.0
    for i, c in enumerate(report.criteria):
        label = c.label if c.weight == 1 else f"{c.label} (\u00d7 {t.number(c.weight)})"
        needed = 30 + 6.5 * len(label)
        if x > left and x + needed > width:
            x, y = left, y + 18
        colour = SERIES[i % len(SERIES)]
        body.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{_n(x + 17)}" y="{_n(y + 10)}" font-size="11">{_text(label)}</text>'
        )
        x += needed
    return body, y + 16
