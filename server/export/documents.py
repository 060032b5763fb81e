"""The Markdown and HTML reports: jinja2 templates over the report view.

HTML uses jinja2's autoescape, so everything users typed is escaped unless our own code
marked it safe (only the SVG charts, which escape their text themselves). Markdown has no
autoescape of its own, so the Markdown environment escapes every ``{{ … }}`` through
``finalize``: Markdown punctuation and ``<`` are backslash-escaped (a pasted ``<script>`` or
``[link](…)`` stays literal text) and line breaks are folded so that a card cannot break a
table row. Only values wrapped in ``Raw`` (the chart images) pass unchanged.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .charts import bars_svg, quadrant_svg
from .i18n import decimals, printable
from .layout import body_parts, header_grid
from .plan import plan_table
from .split_chart import split_svg
from .tables import Table, snapshot_label, voting_summary
from .view import Report

MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
YEAR_SPAN = re.compile(r"\b\d{4}\s*[-\u2013\u2014/]\s*\d{4}\b")
LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


class Raw(str):
    """A string our code made for Markdown, to be written as it is."""


def md_escape(value: Any) -> str:
    if isinstance(value, Raw):
        return value
    if value is None:
        return ""
    return MD_SPECIAL.sub(r"\\\1", LINE_BREAKS.sub(" ", printable(str(value))))


def html_finalize(value: Any) -> Any:
    """Drop control characters from plain strings; autoescape runs after this."""
    return printable(value) if type(value) is str else value


def bdi(value: Any) -> Markup:
    """User text isolated from what surrounds it (``<bdi>``), escaped and printable."""
    text = "" if value is None else printable(str(value))
    return Markup("<bdi>{}</bdi>").format(text)


def nowrap_years(value: str) -> Markup:
    """User text, isolated (``<bdi>``), whose year spans ("2025-2029", en dash too) never
    break at the dash."""
    escaped = str(escape(printable(value)))
    return Markup("<bdi>{}</bdi>").format(
        Markup(YEAR_SPAN.sub(r'<span class="nowrap">\g<0></span>', escaped))
    )


def html_lines(value: Any) -> Markup:
    """Escaped text with its line breaks kept (``<br>``)."""
    return Markup("<br>").join(escape(printable(str(value or ""))).split("\n"))


def _data_uri(svg: str) -> Raw:
    return Raw("data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode())


@cache
def _environment(kind: str) -> Environment:
    common: dict[str, Any] = {
        "loader": PackageLoader("server.export", "templates"),
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if kind == "html":
        env = Environment(autoescape=True, finalize=html_finalize, **common)
        env.filters["bdi"] = bdi
        env.filters["nowrap_years"] = nowrap_years
        env.filters["lines"] = html_lines
        return env
    return Environment(autoescape=False, finalize=md_escape, **common)


def _context(report: Report) -> dict[str, Any]:
    charted = report.revealed and any(p.scores for p in report.programs)
    plan = plan_table(report)
    scored = [p.scores for p in report.programs if p.scores]
    keys = [c.key for c in report.criteria] + ["total"]
    return {
        "r": report,
        "t": report.t,
        "charted": charted,
        # One number format per column: 8,70 beside 12,06, never 8,7.
        "places": {k: decimals(s.get(k) for s in scored) for k in keys},
        "plan": plan,
        "plan_head": header_grid(plan),
        "plan_parts": body_parts(plan),
        "plan_right": {c for row in plan.rows for c, v in enumerate(row) if _is_number(v)},
        "plan_widths": _widths(report, plan),
        "cell": lambda c: _cell(report, plan, c),
        "plan_cell": lambda row, column, value: _plan_cell(report, plan, row, column, value),
        "snapshot_label": snapshot_label(report),
        "voting_summary": voting_summary(report),
        "roles": ("lead", "support", "consult", "inform"),
        "people": report.people,
    }


PAGE_EM = 132.7  # A4 landscape less 2 x 8 mm (281 mm), in em of the printed table (6 pt)
TEXT_WEIGHT = {True: 3.0, False: 2.0}  # program and indicator lines get more than the others


def _text_em(text: str) -> float:
    """The printed width of a short text in em: digits 0.64, dots and commas 0.32, letters
    about 0.6 (DejaVu and Noto Sans), plus the cell's padding."""
    narrow = sum(1 for ch in text if ch in ".,:;/ ")
    return (len(text) - narrow) * 0.64 + narrow * 0.32 + 0.6


def _widths(report: Report, table: Table) -> list[float]:
    """Column widths in percent for a fixed table layout, from what each column holds.

    An automatic layout lets a heading or a total label that spans many columns widen the
    first of them (the unit column grew wider than the program's). Here a number column is
    exactly as wide as its widest number on the printed page (so 142.600.000.000 fits), a
    short text column as its longest line up to 10 characters, and the wide text columns
    share what is left of an A4 landscape line.
    """
    needs: dict[int, float] = {}
    for c in range(len(table.header)):
        if c in table.wide:
            continue
        lines = [report.t.formatted(v, table.number_format(r, c)) for r, row in
                 enumerate(table.rows) for v in (row[c],) if _is_number(v)]  # fmt: skip
        lines += [line[:10] for r, row in enumerate(table.rows) if r not in table.kinds
                  and isinstance(row[c], str) for line in row[c].split("\n")]  # fmt: skip
        needs[c] = max([_text_em(line) for line in lines] + [4.3])  # "Target" fits
    left = max(PAGE_EM - sum(needs.values()), 5.0 * len(table.wide))
    weights = {c: TEXT_WEIGHT[c <= table.fixed] for c in table.wide}
    for c, weight in weights.items():
        needs[c] = left * weight / sum(weights.values())
    whole = sum(needs.values())
    return [round(100 * needs[c] / whole, 2) for c in range(len(table.header))]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(report: Report, table: Table, cell: Any) -> str:
    """A plan table cell as text in the room's language, in its number format."""
    return report.t.formatted(cell.value, table.number_format(cell.row, cell.column))


def _plan_cell(report: Report, table: Table, row: int, column: int, value: Any) -> str:
    """A plan table cell for Markdown: numbers formatted, lines joined (a row is a line)."""
    if isinstance(value, int | float):
        return report.t.formatted(value, table.number_format(row, column))
    return " — ".join(str(value or "").split("\n"))


def _split(report: Report) -> str | None:
    people = report.people
    if people is None or not report.revealed or not people.has_split:
        return None
    return split_svg(people, report.t("split_alt"), report.t("suppressed"))


def render_html(report: Report) -> str:
    """A standalone page: inline CSS and SVG, no script, nothing fetched from elsewhere."""
    context = _context(report)
    if context["charted"]:
        context["bars"] = Markup(bars_svg(report))  # our SVG escapes its own text
        if report.has_quadrant:
            context["quadrant"] = Markup(quadrant_svg(report))
    if split := _split(report):
        context["split"] = Markup(split)  # our SVG escapes its own text
    return _environment("html").get_template("report.html.j2").render(context)


def render_markdown(report: Report) -> str:
    """GitHub-flavoured Markdown; the charts are SVG ``data:`` images (no raw HTML)."""
    context = _context(report)
    if context["charted"]:
        context["bars"] = _data_uri(bars_svg(report))
        if report.has_quadrant:
            context["quadrant"] = _data_uri(quadrant_svg(report))
    if split := _split(report):
        context["split"] = _data_uri(split)
    return _environment("md").get_template("report.md.j2").render(context)
