"""Scenario record renderers: one record (``spwt.scenario/1``), six formats.

``render(record, fmt)`` takes the dict of ``build_record(state).to_json_dict()`` and returns
the bytes to download, with their media type and a file name made from the room title and
the date of the record. The record is the only input, so a stored snapshot renders exactly
as it did when it was taken.

- ``json``: the canonical record, pretty-printed.
- ``md`` / ``html``: the report a Bappeda team pastes into its planning draft
  (``documents.py``, templates in ``templates/``, charts in ``charts.py``).
- ``csv``: the program table, or the role matrix with ``table="matrix"`` (``sheets.py``).
- ``xlsx``: a workbook with a summary, programs, role matrix, indicators, cards, participants.
- ``docx``: the HTML report as a Word document, its tables real Word tables (``word.py``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import orjson

from ..state.text import clean_tree
from .i18n import local_time

FORMATS: tuple[str, ...] = ("json", "md", "html", "csv", "xlsx", "docx")
TABLES: tuple[str, ...] = ("programs", "matrix")
MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    media_type: str
    filename: str


def render(
    record: dict[str, Any], fmt: str, *, table: str | None = None, pretty: bool = True
) -> Rendered:
    """The record in format ``fmt``. Raises ValueError for an unknown format or table.

    ``table`` chooses the CSV table (``programs``, the default, or ``matrix``); the other
    formats hold every table and accept only a valid name or None.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    if table is not None and table not in TABLES:
        raise ValueError(f"table must be one of {', '.join(TABLES)}")
    # The state holds no bidirectional controls since they are stripped on the way in, but
    # a snapshot stored before that rule may: no format keeps them (``state/text.py``).
    record = clean_tree(record)
    suffix = "-matrix" if fmt == "csv" and table == "matrix" else ""
    name = filename(record, fmt, suffix)
    if fmt == "json":
        option = orjson.OPT_INDENT_2 if pretty else 0
        return Rendered(orjson.dumps(record, option=option), MEDIA_TYPES[fmt], name)

    from .view import build_report  # jinja2 and openpyxl load only when a report is asked for

    report = build_report(record)
    if fmt in ("md", "html"):
        from .documents import render_html, render_markdown

        text = render_html(report) if fmt == "html" else render_markdown(report)
        return Rendered(text.encode("utf-8"), MEDIA_TYPES[fmt], name)
    if fmt == "docx":
        from .word import render_docx  # python-docx and resvg load only for a Word report

        return Rendered(render_docx(report), MEDIA_TYPES[fmt], name)
    from .sheets import write_csv, write_xlsx

    if fmt == "xlsx":
        return Rendered(write_xlsx(report), MEDIA_TYPES[fmt], name)
    from .tables import matrix_table, programs_table

    chosen = matrix_table(report) if table == "matrix" else programs_table(report)
    return Rendered(write_csv(chosen), MEDIA_TYPES[fmt], name)


def slug(text: str, limit: int = 60) -> str:
    """Lower-case ASCII letters, digits and dashes: ``Lokakarya S-PWT`` -> ``lokakarya-s-pwt``."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")[:limit].rstrip("-")


def filename(record: dict[str, Any], ext: str, suffix: str = "") -> str:
    """``spwt-<title>-<YYYY-MM-DD><suffix>.<ext>``, only ``[A-Za-z0-9._-]`` (safe in a header)."""
    room = record.get("room", {})
    title = slug(str(room.get("title", ""))) or slug(str(room.get("code", ""))) or "room"
    taken = str(record.get("snapshot", {}).get("taken_at", ""))
    local = local_time(taken, str(room.get("timezone")))  # the day the report inside says
    date = local.date().isoformat() if local is not None else "undated"
    name = f"spwt-{title}-{date}{suffix}.{ext}"
    return re.sub(r"[^A-Za-z0-9._-]", "", name)
