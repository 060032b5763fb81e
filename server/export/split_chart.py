"""The votes split by participant element: where agencies and citizens disagree.

One group of bars per program (in rank order), one bar per element: the program's share of
everything that element gave. Equal shares mean agreement; a program that the agencies put
first and the community last shows as a long and a short bar side by side. Plain SVG, like
``charts.py``: escaped text, no script, no external reference.
"""

from __future__ import annotations

from .charts import _n, _short, _svg, _text
from .people import People

# One colour per element, the same in every report.
COLOURS = {
    "government": "#1d4ed8",
    "legislature": "#7c3aed",
    "academia": "#0f766e",
    "business": "#a16207",
    "community": "#ea580c",
    "media": "#be185d",
    "other": "#475569",
    "unspecified": "#94a3b8",
}
GRID = "#cbd5e1"


def split_svg(people: People, title: str, suppressed: str) -> str:
    """The grouped bars; ``suppressed`` is the label of a group of fewer than 3 voters."""
    keys: dict[str, str] = {}
    for _, groups in people.split:
        for g in groups:
            keys.setdefault(g.key, g.category)
    label_w, bar_x, bar_w, bar_h = 250.0, 258.0, 330.0, 11.0
    width = bar_x + bar_w + 80
    body, y = _legend(keys, 8.0, width)
    top = first = y + 6
    shares = [g.share for _, groups in people.split for g in groups if g.share is not None]
    scale = max([*shares, 0.01])
    for rank, (program, groups) in enumerate(people.split, start=1):
        block = 8 + bar_h * max(len(groups), 1) + 6
        body.append(
            f'<text x="{_n(label_w)}" y="{_n(top + 8 + bar_h)}" text-anchor="end">'
            f"<title>{_text(program)}</title>{rank}. {_text(_short(program, 32))}</text>"
        )
        for n, g in enumerate(groups):
            y = top + 4 + n * bar_h
            colour = COLOURS.get(g.key, COLOURS["other"])
            if g.share is None:
                body.append(
                    f'<text x="{_n(bar_x + 4)}" y="{_n(y + 9)}" font-size="9" fill="{colour}">'
                    f"{_text(g.category)}: {_text(suppressed)}</text>"
                )
                continue
            length = g.share / scale * bar_w
            body.append(
                f'<rect x="{_n(bar_x)}" y="{_n(y + 1)}" width="{_n(max(length, 0.5))}" '
                f'height="{_n(bar_h - 2)}" fill="{colour}">'
                f"<title>{_text(g.category)}</title></rect>"
                f'<text x="{_n(bar_x + length + 4)}" y="{_n(y + 9)}" font-size="9">'
                f"{round(g.share * 100)}%</text>"
            )
        body.append(
            f'<line x1="{_n(bar_x)}" y1="{_n(top + block)}" x2="{_n(width - 10)}" '
            f'y2="{_n(top + block)}" stroke="{GRID}" stroke-dasharray="2 3"/>'
        )
        top += block
    body.append(
        f'<line x1="{_n(bar_x)}" y1="{_n(first)}" x2="{_n(bar_x)}" y2="{_n(top)}" stroke="{GRID}"/>'
    )
    return _svg(width, top + 8, title, body)


def _legend(keys: dict[str, str], y: float, width: float) -> tuple[list[str], float]:
    body, x, left = [], 10.0, 10.0
    for key, name in keys.items():
        needed = 30 + 6.5 * len(name)
        if x > left and x + needed > width:
            x, y = left, y + 18
        body.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="12" height="12" '
            f'fill="{COLOURS.get(key, COLOURS["other"])}"/>'
            f'<text x="{_n(x + 17)}" y="{_n(y + 10)}" font-size="11">{_text(name)}</text>'
        )
        x += needed
    return body, y + 16
