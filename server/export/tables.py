"""The record as tables: what the CSV files and the XLSX sheets hold, in the room's language.

One function per table, each returning a ``Table`` of plain cells (text, numbers or empty),
so the CSV and XLSX writers stay dumb. Numbers stay numbers (a spreadsheet sums pagu
indikatif); everything else is text. ``neutralise`` is applied by the writers to every
text cell, because a spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` as a
formula (CSV/formula injection).

The plan table (``plan.py``) has a layout beyond rows and columns: a two-level header
(``groups``), program cells merged over their indicators (``blocks`` x ``merge``), mission
headings and total rows (``kinds``) and a number format per cell (``formats``).
``layout.py`` turns that into spanned cells for every writer that can merge (HTML, XLSX,
DOCX); CSV and Markdown read the flat ``header`` and ``rows``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import decimals, number_format
from .view import Program, Report

Cell = str | int | float | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


RUPIAH = "[$Rp-421] #,##0"  # whole rupiah; "-421" (Indonesian) groups with dots everywhere
YEAR = "0"  # a year is never grouped ("2024", not "2.024")


@dataclass(frozen=True)
class Group:
    """A cell of a table's upper header row over ``span`` columns. With ``sub`` (one label
    per column) the columns have a lower header row each; without, the label is the header
    of its one column and spans both rows."""

    label: str
    span: int = 1
    sub: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """Plain cells plus what a layout needs; CSV reads ``header`` and ``rows`` only.

    Rows hold every value once: a merged column (``merge``) has its value on the first row of
    its block and ``None`` below, so a column sum is right in any writer. Writers that can
    merge cells (HTML, XLSX, DOCX) span that value over the block's rows.
    """

    key: str  # "programs", "matrix", … (the sheet name comes from the catalogue)
    header: tuple[str, ...]  # one flat name per column (CSV, Markdown)
    rows: list[tuple[Cell, ...]]
    numeric: dict[int, str] = field(default_factory=dict)  # column -> number format
    wide: frozenset[int] = frozenset()  # columns of long text, wrapped in XLSX
    # Text columns whose cells are aligned right like numbers (a rank shown as a dash, durations
    # "25 mnt"); a number is aligned right in any column (``layout.Spanned.right``).
    right: frozenset[int] = frozenset()
    title: str = ""  # written above the table in a sheet (XLSX); a report's heading says it
    groups: tuple[Group, ...] = ()  # a two-level header, when not empty
    blocks: tuple[tuple[int, int], ...] = ()  # (first row, row count) merged in ``merge``
    merge: frozenset[int] = frozenset()
    kinds: dict[int, str] = field(default_factory=dict)  # row -> "heading" | "total"
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column)
    fixed: int = 0  # leading columns that stay in view (XLSX frozen panes)

    def number_format(self, row: int, column: int) -> str | None:
        """The format of one cell: its own, else its column's."""
        return self.formats.get((row, column), self.numeric.get(column))

    def label_span(self, row: int) -> int:
        """How many columns a heading or total row's first cell covers: a heading the whole
        width, a total up to its first value."""
        cells = self.rows[row]
        if self.kinds.get(row) == "heading":
            return len(cells)
        return next((n for n, v in enumerate(cells) if n and v not in (None, "")), len(cells))


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
    """The ranked program table, one row per program (also the default CSV), with the pagu
    of each plan year beside the total."""
    t = r.t
    header = (
        t.col("rank"), t.col("program"), t.col("cluster"),
        *(c.label for c in r.criteria), t.col("total"), t.col("voters"), t.col("quadrant"),
        t.col("lead"), t.col("support"), t.col("consult"), t.col("inform"),
        t.col("location"), t.col("timeframe"), t.col("budget"),
        *(t.col("budget_year", year=y) for y in r.years), t.col("sources"),
        t.col("policies"), t.col("strategies"), t.col("issues"),
        t.col("code"), t.col("nomenclature"), t.col("mission"), t.col("goal"),
        t.col("target_text"),
    )  # fmt: skip
    rows = []
    for p in r.programs:
        scores = p.scores or {}
        mission = (
            r.missions[p.mission] if p.mission is not None and p.mission < len(r.missions) else ""
        )
        rows.append(
            (
                p.rank, p.title, p.cluster,
                *(_num(scores.get(c.key)) for c in r.criteria),
                _num(scores.get("total")), _num(scores.get("voters")),
                t.name("quadrants", p.quadrant),
                p.lead, *(_join(p.by_role.get(k, ())) for k in ("support", "consult", "inform")),
                p.location, p.timeframe, _num(p.budget_total),
                *(_num(p.amount(y)) for y in r.years), p.sources,
                _join(p.policies), _join(p.strategies), _issues(r, p),
                p.code, p.nomenclature, mission, p.goal, p.target,
            )
        )  # fmt: skip
    budget_col = header.index(t.col("budget"))
    money = range(budget_col, budget_col + 1 + len(r.years))
    scored = range(3, 4 + len(r.criteria))  # each criterion's column, then the total
    alike = {c: number_format(decimals(row[c] for row in rows)) for c in scored}
    after = budget_col + len(r.years)
    return Table(
        key="programs",
        header=header,
        rows=rows,
        numeric={**alike, **dict.fromkeys(money, RUPIAH)},
        wide=frozenset({1, after + 2, after + 3, len(header) - 4, len(header) - 2,
                        len(header) - 1}),
    )  # fmt: skip


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


def ranking_table(r: Report) -> Table:
    """The ranked programs as the HTML report shows them (fewer columns than
    ``programs_table``): under their mission's heading, a shared rank marked (``2=``), one
    number format per score column, the quadrant column only where quadrants are drawn."""
    t, quadrants = r.t, r.has_quadrant
    header = (
        t.col("rank"), t.col("program"), *(c.label for c in r.criteria), t.col("total"),
        *((t.col("quadrant"),) if quadrants else ()), t.col("lead"), t.col("budget"),
    )  # fmt: skip
    rows: list[tuple[Cell, ...]] = []
    kinds: dict[int, str] = {}
    for heading, programs in r.by_mission():
        if heading:
            kinds[len(rows)] = "heading"
            rows.append((heading, *(None,) * (len(header) - 1)))
        for p in programs:
            scores = p.scores or {}
            quadrant = t.name("quadrants", p.quadrant) if p.scores else t("not_revealed")
            rows.append(
                (
                    r.rank_label(p), "\n".join(x for x in (p.title, p.location) if x),
                    *(_num(scores.get(c.key)) for c in r.criteria), _num(scores.get("total")),
                    *((quadrant,) if quadrants else ()),
                    "\n".join(x for x in (p.lead, _issues(r, p)) if x), _num(p.budget_total),
                )
            )  # fmt: skip
    scored = range(2, 3 + len(r.criteria))  # each criterion's column, then the total
    alike = {c: number_format(decimals(row[c] for row in rows)) for c in scored}
    return Table(
        key="ranking",
        header=header,
        rows=rows,
        numeric={**alike, len(header) - 1: "#,##0"},
        wide=frozenset({1}),
        right=frozenset({0}),  # a shared rank ("2=") or a dash beside the ranks
        kinds=kinds,
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


def phases_table(r: Report) -> Table:
    """The workshop's phases with their local start and end times and durations."""
    t = r.t
    header = (t.col("phase"), t.col("started"), t.col("ended"), t.col("duration"))
    rows: list[tuple[Cell, ...]] = [
        (
            t.name("phases", ph.key), t.datetime(ph.started_at),
            t.datetime(ph.ended_at) if ph.ended_at else t("open"),
            t.duration(ph.started_at, ph.ended_at),
        )
        for ph in r.phases
    ]  # fmt: skip
    return Table(key="phases", header=header, rows=rows, right=frozenset({3}))


def groups_table(r: Report) -> Table:
    """The working groups and their members, one row per member (the rapporteur marked)."""
    t = r.t
    header = (t.col("group"), t.col("name"), t.col("role"), t.col("clusters"))
    rows: list[tuple[Cell, ...]] = []
    for g in r.groups:
        clusters = _join([c.title for c in g.clusters])
        for n, member in enumerate(g.members or ("",)):
            role = t("group_rapporteur") if member and member == g.rapporteur else ""
            rows.append((g.name, member, role, clusters if n == 0 else ""))
    return Table(key="groups", header=header, rows=rows, wide=frozenset({3}))


def followups_table(r: Report) -> Table:
    """The follow-up plan (rencana tindak lanjut): what, who and by when."""
    t = r.t
    header = (t.col("no"), t.col("activity"), t.col("actor"), t.col("due"))
    followups = r.people.followups if r.people else ()
    rows: list[tuple[Cell, ...]] = [
        (n, f.text, f.actor, f.due) for n, f in enumerate(followups, start=1)
    ]
    return Table(key="followups", header=header, rows=rows, wide=frozenset({1}))


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
