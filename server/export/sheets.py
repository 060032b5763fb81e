"""CSV and XLSX writers for the tables of ``tables.py``.

Both neutralise formula-like text (see ``tables.neutralise``). The CSV is UTF-8 with a byte
order mark and CRLF line ends (RFC 4180): without the mark Excel, which most Bappeda desks
open a CSV with, misreads every non-ASCII letter. Excel reads a CSV with the list separator
and decimal mark of the computer's region: set to Indonesian that is ``;`` and ``4,5``, in
English ``,`` and ``4.5``. So the separator follows the room's language (``sep`` overrides)
and the decimal mark follows the separator; numbers are never digit-grouped.

The workbook has a summary sheet and one sheet per table, header rows frozen, columns sized
to their text, printed on A4 (landscape for the wide tables) with the header repeated on
every page. The plan table's program cells are merged over their indicators' rows.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import SEPARATORS
from .i18n import parse_time
from .layout import Spanned, body_grid, header_grid
from .plan import plan_table
from .tables import (
    Cell,
    Table,
    cards_table,
    groups_table,
    matrix_table,
    neutralise,
    participants_table,
    programs_table,
    summary_table,
)
from .view import Report

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
HEADING_FILL = PatternFill("solid", fgColor="EEF2F7")
THIN = Side(style="thin", color="9AA7B6")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MIN_WIDTH, MAX_WIDTH, WIDE = 8, 45, 60
PLAN_WIDE = 38  # the plan table's text columns wrap sooner: 20 columns share one page width
A4 = 9  # openpyxl's paperSize for A4
LANDSCAPE_FROM = 8  # columns from which a sheet prints in landscape


def csv_separator(language: str | None) -> str:
    """``;`` for a room in Bahasa Indonesia (Excel set to Indonesian), else ``,``."""
    return "," if language == "en" else ";"


def _csv_value(value: Cell, decimal: str) -> str | int:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, float):
        return repr(value).replace(".", decimal)  # shortest exact form, never grouped
    return value


def write_csv(table: Table, sep: str = ",") -> bytes:
    """One table as CSV: header row, then rows; empty cells for missing values. ``sep`` is
    ``,`` (decimal point) or ``;`` (decimal comma)."""
    if sep not in SEPARATORS:
        raise ValueError(f"sep must be one of {' '.join(SEPARATORS)}")
    decimal = "," if sep == ";" else "."
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow([_csv_value(h, decimal) for h in table.header])
    for row in table.rows:
        writer.writerow([_csv_value(v, decimal) for v in row])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(report: Report) -> bytes:
    """The workbook: summary, programs, role matrix, plan table, cards and participants."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in (
        summary_table(report),
        programs_table(report),
        matrix_table(report),
        plan_table(report),
        cards_table(report),
        participants_table(report),
        *((groups_table(report),) if report.groups else ()),
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
    top = 1
    if table.title:  # a title row above the header, as the planning documents have
        sheet.cell(row=1, column=1, value=_clean(table.title)).font = Font(bold=True, size=12)
        top = 3
    head = header_grid(table)
    body_top = top + len(head)
    for cell in (c for row in head for c in row):
        _put(sheet, top + cell.row, cell)
    for row in head:
        for c in row:
            for r in range(c.rows):
                for n in range(c.columns):
                    target = sheet.cell(row=top + c.row + r, column=c.column + 1 + n)
                    target.font = Font(bold=True)
                    target.fill = HEADER_FILL
                    target.border = GRID
                    target.alignment = Alignment(
                        wrap_text=True, vertical="center", horizontal="center"
                    )
    for r, row in enumerate(table.rows):
        for c, value in enumerate(row):
            _value_cell(sheet, table, body_top + r, r, c, value)
    for row in body_grid(table):
        for c in row:
            if c.rows > 1 or c.columns > 1:
                _put(sheet, body_top + c.row, c)
    for r, kind in table.kinds.items():
        for cell in sheet[body_top + r]:
            cell.font = Font(bold=True)
            if kind == "heading":
                cell.fill = HEADING_FILL
    for index in range(len(table.header)):
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = _width(index, table)
    sheet.freeze_panes = f"{get_column_letter(table.fixed + 1)}{body_top}"
    if table.rows and not table.blocks:  # a filter cannot sort merged cells
        last = get_column_letter(len(table.header))
        sheet.auto_filter.ref = f"A{body_top - 1}:{last}{body_top + len(table.rows) - 1}"
    _print_setup(sheet, table, top, body_top)


def _put(sheet: Worksheet, row: int, c: Spanned) -> None:
    """Write a spanned cell into its top-left cell (unless already there) and merge its range."""
    first = c.column + 1
    target = sheet.cell(row=row, column=first)
    if target.value is None and c.value is not None:
        target.value = _clean(c.value) if isinstance(c.value, str) else c.value
    if c.rows > 1 or c.columns > 1:
        sheet.merge_cells(
            start_row=row, start_column=first, end_row=row + c.rows - 1,
            end_column=first + c.columns - 1,
        )  # fmt: skip


def _value_cell(sheet: Worksheet, table: Table, row: int, r: int, c: int, value: Cell) -> None:
    cell = sheet.cell(row=row, column=c + 1)
    if value is not None:
        cell.value = _clean(value) if isinstance(value, str) else value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever openpyxl guessed
    fmt = table.number_format(r, c)
    if fmt and isinstance(value, int | float):
        cell.number_format = fmt
    wrap = c in table.wide or (isinstance(value, str) and "\n" in value)
    cell.alignment = Alignment(wrap_text=wrap, vertical="top")
    if table.groups:
        cell.border = GRID


def _print_setup(sheet: Worksheet, table: Table, top: int, body_top: int) -> None:
    """A4, landscape for a wide table, fitted to the page width, header on every page."""
    sheet.page_setup.paperSize = A4
    wide = len(table.header) >= LANDSCAPE_FROM
    sheet.page_setup.orientation = "landscape" if wide else "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_title_rows = f"{top}:{body_top - 1}"
    sheet.print_options.gridLines = not table.groups


def _width(index: int, table: Table) -> float:
    """Wide enough for the longest line of the column (labels of headings and totals,
    which span several columns, do not count), within the limits."""
    lengths = [len(str(table.header[index])) * 0.8]
    if table.groups:  # the header's lower row is short ("Target", "Rp"); the flat one is not
        lengths = [8.0]
    for r, row in enumerate(table.rows):
        value = row[index]
        if value is None or (index == 0 and r in table.kinds):
            continue
        if isinstance(value, int | float):
            fmt = table.number_format(r, index) or ""
            text = ("Rp " if "Rp" in fmt else "") + f"{value:,}"
        else:
            text = str(value)
        lengths.append(max((len(line) for line in text.splitlines()), default=0))
    widest = max(lengths) + 2
    limit = (PLAN_WIDE if table.groups else WIDE) if index in table.wide else MAX_WIDTH
    return round(min(limit, max(MIN_WIDTH, widest)), 1)
