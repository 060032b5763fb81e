"""A ``Table`` as a grid of spanned cells: what a writer that can merge cells draws.

HTML, XLSX and DOCX all need the same answers: which header cell spans which columns and
rows, which body cell is merged over a program's block, where a heading or a total row's
label ends, which cell is aligned right (a number, or a text column of numbers such as
durations: ``Table.right``). This module answers them once; each writer only draws
``Spanned`` cells.
"""

from __future__ import annotations

from dataclasses import dataclass

from .tables import Cell, Table


@dataclass(frozen=True)
class Spanned:
    value: Cell
    row: int  # 0-based, in the grid of its part (header or body)
    column: int
    rows: int = 1
    columns: int = 1
    kind: str = ""  # "heading" | "total" for those rows' label, else ""
    right: bool = False  # aligned right: a number, or a cell of a ``Table.right`` column


def header_grid(table: Table) -> list[list[Spanned]]:
    """One row (the flat header), or two when the table has groups."""
    if not table.groups:
        return [[Spanned(h, 0, n) for n, h in enumerate(table.header)]]
    upper: list[Spanned] = []
    lower: list[Spanned] = []
    column = 0
    for group in table.groups:
        if group.sub:
            upper.append(Spanned(group.label, 0, column, columns=group.span))
            lower += [Spanned(s, 1, column + n) for n, s in enumerate(group.sub)]
        else:
            upper.append(Spanned(group.label, 0, column, rows=2, columns=group.span))
        column += group.span
    return [upper, lower]


def body_grid(table: Table) -> list[list[Spanned]]:
    """Every body row's visible cells; cells covered by a merge or a label span are left out."""
    spans: dict[tuple[int, int], int] = {}  # (row, column) -> rows merged
    covered: set[tuple[int, int]] = set()
    for first, count in table.blocks:
        if count < 2:
            continue
        for column in table.merge:
            spans[(first, column)] = count
            covered |= {(first + n, column) for n in range(1, count)}
    grid = []
    for r, row in enumerate(table.rows):
        kind = table.kinds.get(r, "")
        if kind:
            label = table.label_span(r)
            cells = [Spanned(row[0], r, 0, columns=label, kind=kind)]
            cells += [Spanned(v, r, c, right=_right(table, c, v)) for c, v in enumerate(row)
                      if c >= label]  # fmt: skip
        else:
            cells = [
                Spanned(v, r, c, rows=spans.get((r, c), 1), right=_right(table, c, v))
                for c, v in enumerate(row)
                if (r, c) not in covered
            ]
        grid.append(cells)
    return grid


def _right(table: Table, column: int, value: Cell) -> bool:
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return numeric or column in table.right


def body_parts(table: Table) -> list[list[list[Spanned]]]:
    """The body grid cut where a page may break: one part per merged block (a program and
    its indicators), per heading and per total row (HTML ``<tbody>``)."""
    grid = body_grid(table)
    starts = {first: count for first, count in table.blocks}
    parts: list[list[list[Spanned]]] = []
    r = 0
    while r < len(grid):
        count = starts.get(r, 1)
        parts.append(grid[r : r + count])
        r += count
    return parts
