"""The export formats, in one table: what the API accepts, the CLI offers, the protocol
document lists and the pages' download buttons show are all read from here.

A new format is one module (its renderer, ``(record, options) -> bytes``) and one line in
``SCENARIO`` (or ``MINUTES``). A renderer is named as ``"module:function"`` and imported
on first use, so that jinja2, openpyxl and python-docx load only when a report is asked
for, and so that this table stays cheap to import for the pages and the CLI.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TABLES: tuple[str, ...] = ("programs", "plan", "matrix")  # the first is the default
SEPARATORS: tuple[str, ...] = (",", ";")


@dataclass(frozen=True, slots=True)
class Options:
    """What a request may add to its format (each format says which it takes)."""

    table: str | None = None
    sep: str | None = None
    pretty: bool = True


Renderer = Callable[[dict[str, Any], Options], bytes]


@dataclass(frozen=True, slots=True)
class Format:
    name: str  # the value of ``format=`` and of ``spwt export --format``
    media_type: str
    renderer: str  # "module:function", relative to server.export
    label: str  # the pages' catalogue key of its download button (web/i18n)
    suffix: str  # the file name's extension
    place: int  # where its button stands among the downloads (reports first)
    tables: tuple[str, ...] = ()  # the tables it renders one of (``table=``)
    options: tuple[str, ...] = ()  # the query options it takes beyond ``format``
    buttons: tuple[str, ...] = ()  # further buttons, one per table: "format.<table>"

    def render(self, record: dict[str, Any], options: Options) -> bytes:
        module, _, function = self.renderer.partition(":")
        found: Renderer = getattr(importlib.import_module(module, __package__), function)
        return found(record, options)


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CSV = ("table", "sep")
_TEXT_CSV = "text/csv; charset=utf-8"

# The scenario record (``GET /api/rooms/{room}/scenario``, snapshots, ``spwt export``).
SCENARIO: dict[str, Format] = {
    f.name: f
    for f in (
        Format("json", "application/json", ".renderers:json", "format.json", "json", 6),
        Format("md", "text/markdown; charset=utf-8", ".renderers:markdown", "format.md", "md", 1),
        Format("html", "text/html; charset=utf-8", ".renderers:html", "format.html", "html", 2),
        Format(
            "csv", _TEXT_CSV, ".renderers:csv", "format.csv", "csv", 4, TABLES, _CSV, ("matrix",)
        ),
        Format("xlsx", _XLSX, ".renderers:xlsx", "format.xlsx", "xlsx", 5),
        Format("docx", _DOCX, ".renderers:docx", "format.docx", "docx", 3),
    )
}

# The berita acara (``GET /api/rooms/{room}/minutes``): its own renderers, the same types.
MINUTES: dict[str, Format] = {
    f.name: f
    for f in (
        Format("html", "text/html; charset=utf-8", ".minutes:html", "format.html", "html", 1),
        Format("md", "text/markdown; charset=utf-8", ".minutes:markdown", "format.md", "md", 2),
        Format("docx", _DOCX, ".minutes_docx:docx", "format.docx", "docx", 3),
    )
}


def check(formats: dict[str, Format], fmt: str, table: str | None, sep: str | None) -> Format:
    """The format ``fmt`` of ``formats`` if it takes these options; ValueError otherwise.

    A format without tables accepts any valid table name or none (the reports hold every
    table); a format without a separator accepts none, or a valid one.
    """
    found = formats.get(fmt)
    if found is None:
        raise ValueError(f"format must be one of {', '.join(formats)}")
    if table is not None and table not in (found.tables or TABLES):
        raise ValueError(f"table must be one of {', '.join(found.tables or TABLES)}")
    if sep is not None and sep not in SEPARATORS:
        raise ValueError(f"sep must be one of {' '.join(SEPARATORS)}")
    return found


def downloads() -> list[dict[str, str]]:
    """The pages' download buttons, in order: ``{id, query, label}`` (``data-formats``)."""
    buttons = []
    for f in sorted(SCENARIO.values(), key=lambda f: f.place):
        buttons.append({"id": f.name, "query": f"format={f.name}", "label": f.label})
        for table in f.buttons:
            query = f"format={f.name}&table={table}"
            buttons.append({"id": table, "query": query, "label": f"format.{table}"})
    return buttons


def listed(formats: dict[str, Format]) -> str:
    """``json\\|md\\|…`` for a table of docs/protocol.md (the pipe escaped for Markdown)."""
    return "\\|".join(formats)
