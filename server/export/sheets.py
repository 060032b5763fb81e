"""CSV and XLSX writers for the tables of ``tables.py``.

Both neutralise formula-like text (see ``tables.neutralise``). The CSV is UTF-8 with a byte
order mark, comma-separated, CRLF line ends (RFC 4180): without the mark Excel, which most
Bappeda desks open a CSV with, misreads every non-ASCII letter. The workbook has a summary
sheet and one sheet per table, header rows frozen and filtered, columns sized to their text.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .i18n import parse_time
from .tables import (
    Cell,
    Table,
    cards_table,
    indicators_table,
    matrix_table,
    neutralise,
    participants_table,
    programs_table,
    summary_table,
)
from .view import Report

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
MIN_WIDTH, MAX_WIDTH, WIDE = 8, 45, 60


def _csv_value(value: Cell) -> str | int | float:
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else value


def write_csv(table: Table) -> bytes:
    """One table as CSV: header row, then rows; empty cells for missing values."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_csv_value(h) for h in table.header])
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(report: Report) -> bytes:
    """The workbook: summary, programs, role matrix, indicators, cards and participants."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in (
        summary_table(report),
        programs_table(report),
        matrix_table(report),
        indicators_table(report),
        cards_table(report),
        participants_table(report),
    ):
        _sheet(workbook, report.t.name("sheets", table.key), table)
    # A fixed document time keeps the file a function of the record alone.
    taken = parse_time(report.snapshot.get("taken_at")) or datetime(2000, 1, 1)
    workbook.properties.creator = "S-PWT Board"
    workbook.properties.title = _clean(report.room["title"])
    workbook.properties.created = workbook.properties.modified = taken.replace(tzinfo=None)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _clean(value: str) -> str:
    """Neutralised text without the control characters that XLSX (XML) cannot hold."""
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))


def _sheet(workbook: Workbook, title: str, table: Table) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([_clean(h) for h in table.header])
    for row in table.rows:
        sheet.append([_clean(v) if isinstance(v, str) else v for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever openpyxl guessed
            fmt = table.numeric.get(cell.column - 1)
            if fmt and isinstance(cell.value, int | float):
                cell.number_format = fmt
            if cell.column - 1 in table.wide:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
    for index in range(len(table.header)):
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = _width(index, table)
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = sheet.dimensions


def _width(index: int, table: Table) -> float:
    lengths = [len(str(table.header[index])) * 0.8]
    for row in table.rows:
        value = row[index]
        if value is None:
            continue
        text = f"{value:,}" if isinstance(value, int | float) else str(value)
        lengths.append(max((len(line) for line in text.splitlines()), default=0))
    widest = max(lengths) + 2
    limit = WIDE if index in table.wide else MAX_WIDTH
    return round(min(limit, max(MIN_WIDTH, widest)), 1)
