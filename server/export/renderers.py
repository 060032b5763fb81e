"""The renderers of the scenario formats (``formats.SCENARIO``): ``(record, options) -> bytes``.

Each builds the report view of the record (``view.py``) and hands it to the module that
writes the format; those modules are imported here, on first use, not at import time.
"""

from __future__ import annotations

from typing import Any

import orjson

from .formats import Options


def json(record: dict[str, Any], options: Options) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_INDENT_2 if options.pretty else 0)


def markdown(record: dict[str, Any], options: Options) -> bytes:
    from .documents import render_markdown
    from .view import build_report

    return render_markdown(build_report(record)).encode("utf-8")


def html(record: dict[str, Any], options: Options) -> bytes:
    from .documents import render_html
    from .view import build_report

    return render_html(build_report(record)).encode("utf-8")


def docx(record: dict[str, Any], options: Options) -> bytes:
    from .view import build_report
    from .word import render_docx  # python-docx and resvg load only for a Word report

    return render_docx(build_report(record))


def xlsx(record: dict[str, Any], options: Options) -> bytes:
    from .sheets import write_xlsx
    from .view import build_report

    return write_xlsx(build_report(record))


def csv(record: dict[str, Any], options: Options) -> bytes:
    """The program table, or ``table="plan"`` / ``"matrix"``; the separator by language."""
    from .plan import plan_table
    from .sheets import csv_separator, write_csv
    from .tables import matrix_table, programs_table
    from .view import build_report

    chosen = {"matrix": matrix_table, "plan": plan_table}.get(options.table or "", programs_table)
    separator = options.sep or csv_separator(record["room"].get("language"))
    return write_csv(chosen(build_report(record)), separator)
