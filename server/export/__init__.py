"""Scenario record renderers: one record (``spwt.scenario/1``), the formats of ``formats.py``.

``render(record, fmt)`` takes the dict of ``build_record(state).to_json_dict()`` and returns
the bytes to download, with their media type and a file name made from the room title and
the date of the record. The record is the only input, so a stored snapshot renders exactly
as it did when it was taken.

- ``json``: the canonical record, pretty-printed.
- ``md`` / ``html``: the report a Bappeda team pastes into its planning draft
  (``documents.py``, templates in ``templates/``, charts in ``charts.py``).
- ``csv``: the program table, the plan table with ``table="plan"`` or the role matrix with
  ``table="matrix"`` (``sheets.py``); ``;`` and the decimal comma in a room in Bahasa
  Indonesia, ``,`` and the decimal point in English; ``sep`` overrides.
- ``xlsx``: a workbook with a summary, programs, role matrix, plan table, cards, participants.
- ``docx``: the HTML report as a Word document, its tables real Word tables (``word.py``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..state.text import clean_tree
from .formats import SCENARIO, SEPARATORS, TABLES, Options, check
from .i18n import local_time

__all__ = ["FORMATS", "MEDIA_TYPES", "SEPARATORS", "TABLES", "Rendered", "filename", "render"]

# Derived from the one table of formats (``formats.py``), for those that import them here.
FORMATS: tuple[str, ...] = tuple(SCENARIO)
MEDIA_TYPES: dict[str, str] = {f.name: f.media_type for f in SCENARIO.values()}


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    media_type: str
    filename: str


def render(
    record: dict[str, Any],
    fmt: str,
    *,
    table: str | None = None,
    pretty: bool = True,
    sep: str | None = None,
) -> Rendered:
    """The record in format ``fmt``. Raises ValueError for an unknown format, table or sep.

    ``table`` chooses the CSV table (``programs``, the default, ``plan`` or ``matrix``); the
    other formats hold every table and accept only a valid name or None. ``sep`` (``,`` or
    ``;``) overrides the CSV separator the room's language chooses; others accept None too.
    """
    spec = check(SCENARIO, fmt, table, sep)
    # The state holds no bidirectional controls since they are stripped on the way in, but
    # a snapshot stored before that rule may: no format keeps them (``state/text.py``).
    record = clean_tree(record)
    # A table other than the format's first (its default) names the file: ``…-plan.csv``.
    suffix = f"-{table}" if table in spec.tables[1:] else ""
    body = spec.render(record, Options(table=table, sep=sep, pretty=pretty))
    return Rendered(body, spec.media_type, filename(record, spec.suffix, suffix))


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
