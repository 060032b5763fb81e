"""Word building blocks: an A4 document in the room's language, portrait and landscape
sections, and real Word tables from the ``Table`` objects of ``tables.py``.

python-docx writes the OOXML; this module adds what it has no single call for: A4 pages,
section orientation, header rows that repeat on every page, merged cells (``layout.py``'s
spanned cells, as the HTML and XLSX writers draw them; column widths from
``wordwidths.py``), the document's
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
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
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
from .layout import Spanned, body_grid, body_parts, header_grid
from .tables import Table
from .wordwidths import CELL_PADDING, FITS, upper_height, widths_for

A4_SHORT, A4_LONG = Cm(21.0), Cm(29.7)
MARGINS = {False: Cm(2.0), True: Cm(1.5)}  # portrait, landscape (room for wide tables)
LANGUAGE_TAGS = {"id": "id-ID", "en": "en-GB"}
HEADER_FILL = "DCE6F1"  # the XLSX header colour
KIND_FILLS = {"heading": "EEF2F7", "total": HEADER_FILL}  # a mission's heading, a total row
# Besides printable's controls, what XML 1.0 cannot hold at all (lxml refuses them).
NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
FONT = "Arial"  # the font of Indonesian official documents; Liberation Sans elsewhere


def clean(value: str) -> str:
    """User text as a Word document can hold it."""
    return NOT_XML.sub("", printable(value))


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
        """``table`` as a Word table, drawn from ``layout``'s spanned cells as the HTML and
        XLSX writers draw it: header rows bold, shaded and repeated on each page (a group
        over its columns centred), cells merged over their rows and columns, heading and
        total rows bold and shaded, numbers in their cell's format aligned right. A body
        cell whose text is a key of ``fills`` gets that background (the role matrix's roles);
        ``size`` fixes the letters' size, otherwise the largest of TABLE_SIZES that fits,
        with narrow cell margins when no size fits with Word's (the plan table's 20 columns)."""
        head, body = header_grid(table), body_grid(table)
        _keep_last_paragraph(self.doc)  # a caption or an intro stays with its table
        texts = [[self._text(table, c) for c in row] for row in body]
        grid = self.doc.add_table(rows=len(head) + len(table.rows), cols=len(table.header))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        tries = [(CELL_PADDING, Pt(size))] if size else FITS
        for padding, points in tries:  # the largest letters that fit, at the widest margins
            widths, fits = widths_for(table, head, body, texts, self.text_width, points, padding)
            if fits:
                break
        if padding != CELL_PADDING:
            _cell_margins(grid, padding // 2)
        cells = [row.cells for row in grid.rows]
        for column, width in enumerate(widths):
            grid.columns[column].width = width
            for row in cells:
                row[column].width = width
        for r, row in enumerate(grid.rows):
            _row_flag(row, "w:tblHeader" if r < len(head) else "w:cantSplit")
        if len(head) > 1:  # LibreOffice clips a two-row header cell where the header repeats
            grid.rows[0].height = upper_height(head, widths, points, padding)
            grid.rows[0].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for c in (c for row in head for c in row):
            cell = _span(cells, c)
            _write(cell, self._text(table, c), points, bold=True)
            if c.columns > 1 or table.groups:  # a year over its target and Rp, as in HTML
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _shade(cell, HEADER_FILL)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        top = len(head)
        for row, row_texts in zip(body, texts, strict=True):
            kind = table.kinds.get(row[0].row, "") if row else ""
            for c, text in zip(row, row_texts, strict=True):
                cell = _span(cells, c, top)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
                _write(cell, text, points, bold=bool(c.kind), right=c.right)
                if kind:
                    _shade(cell, KIND_FILLS[kind])
                elif fills and text in fills:
                    _shade(cell, fills[text])
        for part in body_parts(table):  # a program with its indicators; a heading with them
            first = part[0][0].row
            together = len(part) - 1 if len(part) > 1 else int(first in table.kinds)
            for r in range(first, first + together):
                if table.kinds.get(r) != "total":
                    _keep_with_next(grid.rows[top + r])
        self.doc.add_paragraph()  # Word joins two tables that touch; keep them apart
        return grid

    def _text(self, table: Table, cell: Spanned) -> str:
        """A cell's text; a body number in its cell's format, in the room's language
        (12.500.000.000 and 4,5 in Indonesian, a year as 2024)."""
        value = cell.value
        if value is None:
            return ""
        if isinstance(value, str):
            return clean(value)
        return self.t.formatted(value, table.number_format(cell.row, cell.column))

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


def _cell_margins(grid: DocxTable, side: int) -> None:
    """Every cell's left and right margin (``side``, EMU) instead of Word's 0.19 cm."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(Emu(side).twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties = grid._tbl.tblPr
    look = properties.find(qn("w:tblLook"))  # the schema's order: tblCellMar before tblLook
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)


def _page(section: Section, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    section.page_width, section.page_height = width, height
    margin = MARGINS[landscape]
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin


def _span(cells: list[list[_Cell]], c: Spanned, top: int = 0) -> _Cell:
    """The Word cell of ``c``, merged over its rows and columns (``top``: the body's first row)."""
    first = cells[top + c.row][c.column]
    if c.rows == c.columns == 1:
        return first
    return first.merge(cells[top + c.row + c.rows - 1][c.column + c.columns - 1])


def _keep_last_paragraph(doc: DocxDocument) -> None:
    last = doc.element.body.findall(qn("w:p"))
    if last:
        last[-1].get_or_add_pPr().keepNext_val = True


def _keep_with_next(row: _Row) -> None:
    """Word keeps a row whose paragraphs say "keep with next" on the page of the next row."""
    for p in row._tr.iter(qn("w:p")):
        p.get_or_add_pPr().keepNext_val = True


def _write(cell: _Cell, text: str, size: Pt, *, bold: bool, right: bool = False) -> None:
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
