"""The record as tables: what the CSV files and the XLSX sheets hold, in the room's language.

One function per table, each returning a ``Table`` of plain cells (text, numbers or empty),
so the CSV and XLSX writers stay dumb. Numbers stay numbers (a spreadsheet sums pagu
indikatif); everything else is text. ``neutralise`` is applied by the writers to every
text cell, because a spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` as a
formula (CSV/formula injection).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .view import Program, Report

Cell = str | int | float | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    key: str  # "programs", "matrix", … (the sheet name comes from the catalogue)
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    numeric: dict[int, str] = field(default_factory=dict)  # column -> number format
    wide: frozenset[int] = frozenset()  # columns of long text, wrapped in XLSX


def neutralise(value: str) -> str:
    """Prefix a text that a spreadsheet would run as a formula with ``'`` (OWASP's advice)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _num(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _join(items: tuple[str, ...] | list[str]) -> str:
    return "; ".join(items)


def programs_table(r: Report) -> Table:
    """The ranked program table, one row per program (also the default CSV)."""
    t = r.t
    header = (
        t.col("rank"), t.col("program"), t.col("cluster"),
        *(c.label for c in r.criteria), t.col("total"), t.col("voters"), t.col("quadrant"),
        t.col("lead"), t.col("support"), t.col("consult"), t.col("inform"),
        t.col("location"), t.col("timeframe"), t.col("budget"), t.col("sources"),
        t.col("policies"), t.col("strategies"), t.col("issues"),
    )  # fmt: skip
    rows = []
    for p in r.programs:
        scores = p.scores or {}
        rows.append(
            (
                p.rank, p.title, p.cluster,
                *(_num(scores.get(c.key)) for c in r.criteria),
                _num(scores.get("total")), _num(scores.get("voters")),
                t.name("quadrants", p.quadrant),
                p.lead, *(_join(p.by_role.get(k, ())) for k in ("support", "consult", "inform")),
                p.location, p.timeframe, _num(p.budget_total), p.sources,
                _join(p.policies), _join(p.strategies), _issues(r, p),
            )
        )  # fmt: skip
    budget_col = header.index(t.col("budget"))
    return Table(
        key="programs",
        header=header,
        rows=rows,
        numeric={budget_col: "#,##0"},
        wide=frozenset({1, budget_col + 2, budget_col + 3}),
    )


def _issues(r: Report, p: Program) -> str:
    return _join([r.t.name("issues", i) for i in p.issues])


def matrix_table(r: Report) -> Table:
    """Programs by actors, each cell a role name (``?table=matrix`` and the matrix sheet)."""
    t = r.t
    header = (t.col("rank"), t.col("program"), *(a.name for a in r.actors), t.col("issues"))
    rows = [
        (
            row.program.rank,
            row.program.title,
            *(t.name("roles", cell) for cell in row.cells),
            _issues(r, row.program),
        )
        for row in r.matrix
    ]
    return Table(key="matrix", header=header, rows=rows, wide=frozenset({1}))


def indicators_table(r: Report) -> Table:
    """The RPJMD/Renstra program matrix: one row per indicator, targets per year.

    The pagu indikatif (the program's whole budget) is written on the program's first row
    only, so that summing the column gives the right total.
    """
    t = r.t
    header = (
        t.col("rank"), t.col("program"), t.col("indicator"), t.col("unit"), t.col("baseline"),
        *(t.col("target", year=y) for y in r.years), t.col("final"),
        t.col("budget"), t.col("sources"), t.col("lead"), t.col("location"),
    )  # fmt: skip
    blank = ("",) * len(r.years)
    rows: list[tuple[Cell, ...]] = []
    for p in r.programs:
        indicators = p.indicators or (None,)
        for n, i in enumerate(indicators):
            first = n == 0
            rows.append(
                (
                    p.rank, p.title,
                    *((i.name, i.unit, i.baseline, *i.targets, i.final) if i else ("",) * 3
                      + blank + ("",)),
                    _num(p.budget_total) if first else None, p.sources if first else "",
                    p.lead, p.location,
                )
            )  # fmt: skip
    budget_col = 6 + len(r.years)
    return Table(
        key="indicators",
        header=header,
        rows=rows,
        numeric={budget_col: "#,##0"},
        wide=frozenset({1, 2}),
    )


def cards_table(r: Report) -> Table:
    """Every card; the author column exists only when some card has a known author."""
    t = r.t
    authors = any(c.author for c in r.cards)
    header = (
        t.col("text"), *((t.col("author"),) if authors else ()), t.col("cluster"),
        t.col("phase"), t.col("color"), t.col("created"),
    )  # fmt: skip
    rows = [
        (
            c.text, *((c.author,) if authors else ()), c.cluster,
            t.name("phases", c.phase), t.name("colors", c.color), t.datetime(c.created_at),
        )
        for c in r.cards
    ]  # fmt: skip
    return Table(key="cards", header=header, rows=rows, wide=frozenset({0}))


def participants_table(r: Report) -> Table:
    """Who took part (observers, such as the projector screen, are not in the record)."""
    t = r.t
    header = (
        t.col("name"), t.col("org"), t.col("role"), t.col("joined"),
        t.col("position"), t.col("category"), t.col("gender"),
    )  # fmt: skip
    # The attendees are the record's participants in the same order, with who they are.
    who = list(r.people.attendees) if r.people else []
    rows = [
        (
            p.name, p.org, t.name("people", p.role), t.datetime(p.joined_at),
            *((a.position, a.category, a.gender) if (a := who[n] if n < len(who) else None)
              else ("", "", "")),
        )
        for n, p in enumerate(r.participants)
    ]  # fmt: skip
    return Table(key="participants", header=header, rows=rows)


def summary_table(r: Report) -> Table:
    """The title page as field/value pairs: the first sheet of the workbook."""
    t = r.t
    room, snap = r.room, r.snapshot
    rows: list[tuple[Cell, ...]] = [
        (t("document_short"), room["title"]),
        (t("region"), room["region"]),
        (t("horizon"), t.name("horizons", room["horizon"])),
        (t("date"), f"{t.datetime(snap['taken_at'])} {t.zone}"),
        (t("room_code"), room["code"]),
        (t("snapshot"), snapshot_label(r)),
        (t("phase_at"), t.name("phases", snap["phase"])),
        (t("sequence"), snap["seq"]),
        (t("vision_statement"), "\n\n".join(r.vision_statement)),
        *((t("missions") if i == 0 else "", m) for i, m in enumerate(r.missions)),
        (t("voting"), voting_summary(r)),
        (t("times_note", zone=t.zone_label), ""),
    ]
    return Table(
        key="summary", header=(t.col("field"), t.col("value")), rows=rows, wide=frozenset({1})
    )


def snapshot_label(r: Report) -> str:
    """The snapshot's label, marked when it is the final record; empty for an unlabelled one."""
    snap, t = r.snapshot, r.t
    label = snap["label"]
    if snap["final"] and label.casefold() == "final":
        label = ""  # the reducer's own label for the snapshot taken on closing
    parts = [label, t("snapshot_final") if snap["final"] else ""]
    return " — ".join(p for p in parts if p)


def voting_summary(r: Report) -> str:
    t, v = r.t, r.voting
    how = (
        t("voting_dots", dots=v["dots"], max=v["max_per_item"])
        if v["mode"] == "dots"
        else t("voting_score")
    )
    criteria = ", ".join(
        c.label if c.weight == 1 else f"{c.label} ({t('weight')} {t.number(c.weight)})"
        for c in r.criteria
    )
    status = "" if r.revealed else f" ({t('not_revealed')})"
    return f"{criteria}: {how}{status}"
