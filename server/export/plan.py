"""The RPJMD/Renstra plan table: "Indikasi rencana program prioritas yang disertai
kebutuhan pendanaan", one row per indicator, in the room's language (see ``tables.Table``)."""

from __future__ import annotations

from .i18n import decimals, number_format
from .tables import RUPIAH, YEAR, Cell, Group, Table, _num
from .view import Budget, Indicator, Program, Report


def plan_table(r: Report) -> Table:
    """The RPJMD/Renstra table "Indikasi rencana program prioritas yang disertai kebutuhan
    pendanaan": one row per indicator, programs under their mission, a Jumlah row and a
    total per funding source.

    Columns: kode; urusan / bidang urusan / program; indikator; satuan; kondisi awal and its
    year; target and Rp per plan year; kondisi akhir target and total Rp; perangkat daerah
    penanggung jawab; lokasi. Program cells (kode, program, Rp, lead, lokasi) are on the
    program's first row only (``merge``), so sums of the Rp columns are right.
    """
    t, years = r.t, r.years
    per_year = [c for y in years for c in (t.col("target", year=y), t.col("amount_year", year=y))]
    header = (
        t.col("code"), t.col("plan_program"), t.col("indicator"), t.col("unit"),
        t.col("baseline"), t.col("baseline_year_flat"), *per_year,
        t.col("final"), t.col("final_amount"), t.col("lead"), t.col("location"),
    )  # fmt: skip
    pair = (t.col("year_target"), t.col("year_amount"))
    groups = (
        Group(t.col("code")), Group(t.col("plan_program")), Group(t.col("indicator")),
        Group(t.col("unit")),
        Group(t.col("baseline"), 2, (t.col("baseline_value"), t.col("baseline_year"))),
        *(Group(y, 2, pair) for y in years), Group(t.col("final"), 2, pair),
        Group(t.col("lead")), Group(t.col("location")),
    )  # fmt: skip
    amounts = [6 + 2 * n + 1 for n in range(len(years))]
    final, total = 6 + 2 * len(years), 7 + 2 * len(years)
    values = [4, *(a - 1 for a in amounts), final]  # the columns of an indicator's values
    rows: list[tuple[Cell, ...]] = []
    blocks: list[tuple[int, int]] = []
    kinds: dict[int, str] = {}
    formats: dict[tuple[int, int], str] = {}
    width = len(header)
    for heading, programs in r.by_mission():
        if heading:
            kinds[len(rows)] = "heading"
            rows.append((heading, *(None,) * (width - 1)))
        for p in programs:
            blocks.append((len(rows), max(1, len(p.indicators))))
            for n, i in enumerate(p.indicators or (None,)):
                cells: list[Cell] = [None] * width
                if n == 0:
                    cells[0], cells[1] = p.code or None, _plan_program(p)
                    for a, y in zip(amounts, years, strict=True):
                        cells[a] = _num(p.amount(y))
                    cells[total] = _num(p.budget_total)
                    cells[width - 2], cells[width - 1] = p.lead, p.location
                if i is not None:
                    cells[2], cells[3] = _indicator(r, i), i.unit
                    cells[4], cells[5] = _value(i.baseline), i.baseline_year
                    for a, v in zip(amounts, i.targets, strict=True):
                        cells[a - 1] = _value(v)
                    cells[final] = _value(i.final)
                    places = decimals(cells[c] for c in values)
                    for c in values:
                        formats[(len(rows), c)] = number_format(places)
                rows.append(tuple(cells))
    for label, lines in _totals(r):
        kinds[len(rows)] = "total"
        cells = [None] * width
        cells[0] = label
        for a, y in zip(amounts, years, strict=True):
            cells[a] = _num(sum(b.amount for b in lines if str(b.year) == y))
        cells[total] = _num(sum(b.amount for b in lines))
        rows.append(tuple(cells))
    money = dict.fromkeys([*amounts, total], RUPIAH)
    return Table(
        key="plan",
        header=header,
        rows=rows,
        numeric={**money, 5: YEAR},
        wide=frozenset({1, 2, width - 2, width - 1}),
        title=t("indicators"),
        groups=groups,
        blocks=tuple(blocks),
        merge=frozenset({0, 1, *amounts, total, width - 2, width - 1}),
        kinds=kinds,
        formats=formats,
        fixed=2,
    )


def _value(value: object) -> Cell:
    return _num(value) if isinstance(value, int | float) else value  # type: ignore[return-value]


def _plan_program(p: Program) -> str:
    """The official name under its bidang urusan when coded, the workshop's title beside it
    when it says something else; the title alone otherwise."""
    if not p.nomenclature:
        return p.title
    lines = [f"{p.bidang[0]} {p.bidang[1]}"] if p.bidang else []
    lines.append(p.nomenclature)
    if p.title.casefold() != p.nomenclature.casefold():
        lines.append(f"({p.title})")
    return "\n".join(lines)


def _indicator(r: Report, i: Indicator) -> str:
    """The indicator's name; its kind and data source on a second line when known."""
    notes = [r.t.name("kinds", i.kind)] if i.kind else []
    if i.source:
        notes.append(f"{r.t('data_source')}: {i.source}")
    return i.name + ("\n" + "; ".join(notes) if notes else "")


def _totals(r: Report) -> list[tuple[str, list[Budget]]]:
    """The Jumlah row's budget lines, then one group per funding source (first seen first)."""
    lines = [b for p in r.programs for b in p.budget]
    if not lines:
        return []
    sources = dict.fromkeys(b.source for b in lines)
    by_source = [
        (r.t("source_row", source=s or r.t("no_source")), [b for b in lines if b.source == s])
        for s in sources
    ]
    return [(r.t("total_row"), lines), *by_source]
