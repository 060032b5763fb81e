"""Word building blocks: an A4 document in the room's language, portrait and landscape
sections, and real Word tables from the ``Table`` objects of ``tables.py``.

python-docx writes the OOXML; this module adds what it has no single call for: A4 pages,
section orientation, header rows that repeat on every page, merged cells, the document's
language (Word's spelling checker then reads Indonesian), numbers in the room's format,
aligned right, and a zip whose bytes depend on the record alone. Every text passes
``clean`` (no control characters, as in the other renderers).

Adding a table is one call: ``doc.table(some_table(report))``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Cm, Emu, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .i18n import Catalogue, printable
from .tables import Cell, Table

A4_SHORT, A4_LONG = Cm(21.0), Cm(29.7)
MARGINS = {False: Cm(2.0), True: Cm(1.5)}  # portrait, landscape (room for wide tables)
LANGUAGE_TAGS = {"id": "id-ID", "en": "en-GB"}
HEADER_FILL = "DCE6F1"  # the XLSX header colour
# Besides printable's controls, what XML 1.0 cannot hold at all (lxml refuses them).
NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
FONT = "Arial"  # the font of Indonesian official documents; Liberation Sans elsewhere
CHAR_WIDTH, BOLD = 0.56, 1.15  # an average letter of FONT in ems, a little wide; bold wider
TABLE_SIZES = (Pt(9), Pt(8), Pt(7))
CELL_PADDING = int(Cm(0.4))  # Word's default cell margins, left and right
Block = tuple[int, int, int, int]  # first row, first column, last row, last column


def clean(value: str) -> str:
    """User text as a Word document can hold it."""
    return NOT_XML.sub("", printable(value))


def header_blocks(rows: tuple[tuple[str, ...], ...]) -> list[Block]:
    """The merged cells of a header: equal neighbours in a row above the last are one cell,
    and a cell equal to every cell below it extends down (``Kode`` over two header rows)."""
    last, covered, blocks = len(rows) - 1, set[tuple[int, int]](), []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            c1 = c
            while r < last and c1 + 1 < len(row) and row[c1 + 1] == text:
                c1 += 1
            r1 = r
            while r1 < last and all(rows[r1 + 1][x] == text for x in range(c, c1 + 1)):
                r1 += 1
            covered |= {(y, x) for y in range(r, r1 + 1) for x in range(c, c1 + 1)}
            blocks.append((r, c, r1, c1))
    return blocks


def body_spans(table: Table) -> dict[int, list[tuple[int, int]]]:
    """Per merged column, the (first, last) body rows of each cell spanning several rows.

    See ``Table.merge``: the key column merges equal cells; the others, inside a key run,
    also take in the empty cells below a value.
    """
    if not table.merge or not table.rows:
        return {}
    key = table.merge[0]
    runs: list[tuple[int, int]] = []
    for i, row in enumerate(table.rows):
        if runs and row[key] == table.rows[runs[-1][0]][key]:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    spans: dict[int, list[tuple[int, int]]] = {key: [s for s in runs if s[1] > s[0]]}
    for column in table.merge[1:]:
        found = []
        for first, last in runs:
            start = first
            for i in range(first + 1, last + 1):
                if table.rows[i][column] not in (None, "", table.rows[start][column]):
                    if i - 1 > start:
                        found.append((start, i - 1))
                    start = i
            if last > start:
                found.append((start, last))
        spans[column] = found
    return spans


class WordDocument:
    """A report being written: blocks go to the end, in the current page orientation."""

    def __init__(self, t: Catalogue) -> None:
        self.t = t
        self.doc = Document()
        self.landscape = False
        self._styles: dict[str, str] = {}  # style name -> id
        _page(self.doc.sections[0], landscape=False)
        styles = self.doc.styles.element
        for lang in styles.iter(qn("w:lang")):  # the defaults, and any style that names one
            lang.set(qn("w:val"), LANGUAGE_TAGS.get(t.language, "id-ID"))
        self.doc.styles["Normal"].font.size = Pt(10)
        for fonts in styles.iter(qn("w:rFonts")):  # the template names theme fonts (Calibri)
            for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                fonts.attrib.pop(qn(f"w:{theme}"), None)
            for side in ("ascii", "hAnsi", "eastAsia", "cs"):
                fonts.set(qn(f"w:{side}"), FONT)

    # -- pages ------------------------------------------------------------------------------

    def orientation(self, landscape: bool) -> None:
        """Go on in ``landscape`` (or portrait) pages: a new section, unless already so."""
        if landscape == self.landscape:
            return
        body = self.doc.element.body
        blank = all(child.tag == qn("w:sectPr") for child in body)  # nothing written yet
        _page(
            self.doc.sections[-1] if blank else self.doc.add_section(WD_SECTION.NEW_PAGE), landscape
        )
        self.landscape = landscape

    @property
    def text_width(self) -> int:
        section = self.doc.sections[-1]
        width, left, right = section.page_width, section.left_margin, section.right_margin
        return int((width or 0) - (left or 0) - (right or 0))  # _page set all three

    def footer(self, text: str) -> None:
        """A footer on every page (later sections inherit it): ``text`` and the page number."""
        paragraph = self.doc.sections[0].footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(clean(text) + " — ")
        run.font.size = Pt(8)
        _page_number(paragraph.add_run())

    # -- text -------------------------------------------------------------------------------

    def _add(self, text: str, style: str | None = None) -> Paragraph:
        """A paragraph in ``style``, found once by name: python-docx looks a style up by
        scanning every style, which made a third of a report's time."""
        paragraph = self.doc.add_paragraph(text)
        if style is not None:
            if style not in self._styles:
                self._styles[style] = self.doc.styles[style].style_id
            paragraph._p.style = self._styles[style]
        return paragraph

    def heading(self, text: str, level: int = 1) -> None:
        self._add(clean(text), "Title" if level == 0 else f"Heading {level}")

    def paragraph(self, text: str = "", style: str | None = None, *, italic: bool = False) -> None:
        run = self._add("", style).add_run(clean(text))
        run.italic = italic or None

    def facts(self, pairs: Iterable[tuple[str, str]]) -> None:
        """``label: value`` lines with the label in bold (the title page's facts)."""
        for label, value in pairs:
            paragraph = self.doc.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(2)
            paragraph.add_run(clean(label) + ": ").bold = True
            paragraph.add_run(clean(value))

    def lines(self, texts: Iterable[str]) -> None:
        """Short paragraphs close together (a list of contents)."""
        for text in texts:
            self.doc.add_paragraph(clean(text)).paragraph_format.space_after = Pt(2)

    def items(self, texts: Iterable[str], *, numbered: bool = False) -> None:
        style = "List Number" if numbered else "List Bullet"
        for text in texts:
            self._add(clean(text), style)

    def image(self, png: bytes, caption: str, alt: str, width: int | None = None) -> None:
        """A picture as wide as the text (or ``width``), its caption above it as in the HTML."""
        self._add(clean(caption), "Caption").paragraph_format.keep_with_next = True
        shape = self.doc.add_picture(io.BytesIO(png), width=Emu(width or self.text_width))
        shape._inline.docPr.set("descr", clean(alt))  # read aloud by screen readers

    # -- tables -----------------------------------------------------------------------------

    def table(
        self, table: Table, *, size: float | None = None, fills: Mapping[str, str] | None = None
    ) -> DocxTable:
        """``table`` as a Word table: header rows bold, shaded and repeated on each page,
        numbers in the room's format aligned right, cells merged as ``Table`` says. A body
        cell whose text is a key of ``fills`` gets that background (the role matrix's roles);
        ``size`` fixes the letters' size, otherwise the largest of TABLE_SIZES that fits."""
        head = (*table.head, table.header)
        texts = [[self._text(v) for v in row] for row in table.rows]
        count = len(table.header)
        grid = self.doc.add_table(rows=len(head) + len(texts), cols=count)
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        for points in [Pt(size)] if size else TABLE_SIZES:  # the largest letters that fit
            widths, fits = _widths(head, texts, table, self.text_width, points)
            if fits:
                break
        cells = [row.cells for row in grid.rows]
        for column, width in enumerate(widths):
            grid.columns[column].width = width
            for row in cells:
                row[column].width = width
        for r, row in enumerate(grid.rows):
            _row_flag(row, "w:tblHeader" if r < len(head) else "w:cantSplit")
        for r0, c0, r1, c1 in header_blocks(head):
            cell = cells[r0][c0].merge(cells[r1][c1]) if (r1, c1) != (r0, c0) else cells[r0][c0]
            _write(cell, head[r0][c0], points, bold=True, right=False)
            if c1 > c0:  # a group over its columns (a year over target and Rp)
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _shade(cell, HEADER_FILL)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        continued = set()
        for column, spans in body_spans(table).items():
            for first, last in spans:
                cells[len(head) + first][column].merge(cells[len(head) + last][column])
                continued |= {(i, column) for i in range(first + 1, last + 1)}
        for i, (values, row_texts) in enumerate(zip(table.rows, texts, strict=True)):
            for column, (value, text) in enumerate(zip(values, row_texts, strict=True)):
                cell = cells[len(head) + i][column]
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
                if (i, column) not in continued:
                    right = column in table.right or _is_number(value)
                    _write(cell, text, points, bold=False, right=right)
                    if fills and text in fills:
                        _shade(cell, fills[text])
        self.doc.add_paragraph()  # Word joins two tables that touch; keep them apart
        return grid

    def _text(self, value: Cell) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return clean(value)
        return self.t.number(value)  # 12.500.000.000 and 4,5 in Indonesian

    # -- the file ---------------------------------------------------------------------------

    def to_bytes(self, title: str, taken: datetime | None) -> bytes:
        """The .docx, its document properties and zip entries dated ``taken`` (the record's
        time), so that one record always gives the same bytes."""
        when = (taken or datetime(2000, 1, 1)).replace(tzinfo=None)
        props = self.doc.core_properties
        props.title, props.author, props.last_modified_by = clean(title), "S-PWT Board", ""
        props.created = props.modified = when
        props.revision = 1
        props.language = LANGUAGE_TAGS.get(self.t.language, "id-ID")
        out = io.BytesIO()
        self.doc.save(out)
        return _stable_zip(out.getvalue(), when)


def _is_number(value: Cell) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _page(section: Section, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    section.page_width, section.page_height = width, height
    margin = MARGINS[landscape]
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin


def _widths(
    head: tuple[tuple[str, ...], ...], texts: list[list[str]], table: Table, total: int, size: Pt
) -> tuple[list[int], bool]:
    """Column widths that fill the text width, and whether they fit: each column at least as
    wide as what must not break (a header word, a number), the rest shared by how much text
    a column holds (capped: long text wraps). Word keeps these widths; LibreOffice too."""
    char = int(size * CHAR_WIDTH)
    least, wanted = [], []
    for column in range(len(table.header)):
        words = [len(w) * BOLD for w in head[-1][column].split()]
        lines = [len(line) for row in texts for line in row[column].splitlines()]
        tokens = [len(w) for row in texts for w in row[column].split()]
        numbers = [len(row[column]) for row, values in zip(texts, table.rows, strict=True)
                   if _is_number(values[column]) or column in table.right]  # fmt: skip
        floor = max([3, *words, *numbers, *(min(t, 15) for t in tokens)])
        cap = 40 if column in table.wide else 18
        least.append(int(floor * char) + CELL_PADDING)
        wanted.append(int(max(floor, min(cap, max(lines, default=0))) * char) + CELL_PADDING)
    if sum(least) >= total:
        return [int(w * total / sum(least)) for w in least], False
    if sum(wanted) <= total:
        return [int(w * total / sum(wanted)) for w in wanted], True
    share = (total - sum(least)) / (sum(wanted) - sum(least))
    return [int(lo + (hi - lo) * share) for lo, hi in zip(least, wanted, strict=True)], True


def _write(cell: _Cell, text: str, size: Pt, *, bold: bool, right: bool) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if text:
        run = paragraph.add_run(text)  # python-docx turns "\n" into a line break
        run.font.size = size
        run.bold = bold or None


def _row_flag(row: _Row, tag: str) -> None:
    """``w:tblHeader`` (repeat on each page) or ``w:cantSplit`` (keep a row on one page)."""
    row._tr.get_or_add_trPr().append(OxmlElement(tag))


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _page_number(run: Run) -> None:
    """A PAGE field: Word and LibreOffice put the page's number in its place."""
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            part = OxmlElement("w:fldChar")
            part.set(qn("w:fldCharType"), kind)
        else:
            part = OxmlElement("w:instrText")
            part.set(qn("xml:space"), "preserve")
            part.text = text
        run._r.append(part)
    run.font.size = Pt(8)


def _stable_zip(blob: bytes, when: datetime) -> bytes:
    """The same package with every entry dated ``when`` (zip times start in 1980)."""
    stamp = max(when, datetime(1980, 1, 1)).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
