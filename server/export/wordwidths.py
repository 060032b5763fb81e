"""How wide a Word table's columns are, and how tall its upper header row, estimated from
the text (python-docx cannot measure; Word and LibreOffice keep the widths they are given).

Letters are counted in average letters of the report's font (Arial, or the metric-equal
Liberation Sans): capitals wider, dots and commas narrower, bold a little wider.
"""

from __future__ import annotations

import re

from docx.shared import Cm, Emu, Pt

from .layout import Spanned
from .tables import Table

CHAR_WIDTH, BOLD = 0.56, 1.15  # an average letter of the font in ems, a little wide; bold wider
LINE, SPACE = 1.15, 0.28  # the font's line height and space, in ems
TABLE_SIZES = (Pt(9), Pt(8), Pt(7))
NARROW, BREAKS = ".,:;'!|il", re.compile(r"\s+|(?<=[-/\u2013\u2014])")  # where a line may break
CELL_PADDING = int(Cm(0.4))  # Word's default cell margins, left and right
NARROW_PADDING = int(Cm(0.1))  # for a table too wide at Word's margins (the plan table)
FITS = (
    *((CELL_PADDING, size) for size in TABLE_SIZES),
    (NARROW_PADDING, Pt(7)), (NARROW_PADDING, Pt(6)),
)  # fmt: skip


def widths_for(
    table: Table,
    head: list[list[Spanned]],
    body: list[list[Spanned]],
    texts: list[list[str]],
    total: int,
    size: Pt,
    padding: int,
) -> tuple[list[int], bool]:
    """Column widths that fill the text width, and whether they fit: each column at least as
    wide as what must not break (a header word, a number), the rest shared by how much text
    a column holds (capped: long text wraps; the leading text columns, program and indicator,
    get more, as in the HTML report). A cell over several columns (a year over its target
    and Rp, a total's label) asks each of them for its share. Word keeps these widths;
    LibreOffice too."""
    count = sum(c.columns for c in head[0])
    char = int(size * CHAR_WIDTH)
    floors, lines = [[3.0] for _ in range(count)], [[0.0] for _ in range(count)]
    for c in (c for row in head for c in row):
        for word in c.value.split() if isinstance(c.value, str) else ():
            for column in range(c.column, c.column + c.columns):
                floors[column].append(_letters(word) * BOLD / c.columns)
    for row, row_texts in zip(body, texts, strict=True):
        for c, text in zip(row, row_texts, strict=True):
            if c.columns > 1:
                continue  # a heading or total label wraps over the columns it covers
            if c.right:  # a number never wraps
                floors[c.column].append(_letters(text))
            floors[c.column] += [min(_letters(w), 20) for w in BREAKS.split(text) if w]
            lines[c.column] += [len(line) for line in text.splitlines()]
    least, wanted = [], []
    for column in range(count):
        floor = max(floors[column])
        cap = (60 if column <= table.fixed else 40) if column in table.wide else 18
        least.append(int(floor * char) + padding)
        wanted.append(int(max(floor, min(cap, max(lines[column]))) * char) + padding)
    if sum(least) >= total:
        return [int(w * total / sum(least)) for w in least], False
    if sum(wanted) <= total:
        return [int(w * total / sum(wanted)) for w in wanted], True
    share = (total - sum(least)) / (sum(wanted) - sum(least))
    return [int(lo + (hi - lo) * share) for lo, hi in zip(least, wanted, strict=True)], True


def upper_height(head: list[list[Spanned]], widths: list[int], size: Pt, padding: int) -> Emu:
    """The upper header row's height that holds every header cell spanning both rows (above
    one line of the lower row, "Target"): on a repeated header LibreOffice gives each row
    only its own cells' height."""
    line = size * LINE
    needed = 0.0
    for c in head[0]:
        room = sum(widths[c.column : c.column + c.columns]) - padding
        lines, used = 1, 0.0
        for word in str(c.value).split():
            width = _letters(word) * BOLD * size * CHAR_WIDTH
            if used and used + width > room:
                lines, used = lines + 1, 0.0
            used += width + size * SPACE
        needed = max(needed, lines * line - (line if c.rows > 1 else 0))
    return Emu(int(needed))


def _letters(text: str) -> float:
    """A text's width in average letters: capitals are wider (PENGEMBANGAN, a nomenclature),
    dots and commas narrower (the digit groups of 142.600.000.000)."""
    return sum(1.3 if ch.isupper() else 0.5 if ch in NARROW else 1.0 for ch in text)
