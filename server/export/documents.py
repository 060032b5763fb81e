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
from markupsafe import Markup

from .charts import bars_svg, quadrant_svg
from .i18n import printable
from .split_chart import split_svg
from .tables import snapshot_label, voting_summary
from .view import Report

MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")
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
        return Environment(autoescape=True, finalize=html_finalize, **common)
    return Environment(autoescape=False, finalize=md_escape, **common)


def _context(report: Report) -> dict[str, Any]:
    charted = report.revealed and any(p.scores for p in report.programs)
    return {
        "r": report,
        "t": report.t,
        "charted": charted,
        "snapshot_label": snapshot_label(report),
        "voting_summary": voting_summary(report),
        "roles": ("lead", "support", "consult", "inform"),
        "people": report.people,
    }


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
