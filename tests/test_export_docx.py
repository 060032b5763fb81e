"""The Word report on the fixed Sikka workshop, read back with python-docx: its headings in
both languages, real tables with the right names and numbers, landscape sections for the
wide tables, header rows that repeat, merged cells, pictures, and the generic table writer
on a plan-like table with grouped header rows."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table as DocxTable

from server.cli import parser
from server.export import MEDIA_TYPES, render
from server.export.i18n import catalogue
from server.export.tables import Table
from server.export.wordkit import WordDocument, body_spans, header_blocks
from server.state.record import build_record

from .fixtures.golden import assert_golden
from .fixtures.workshop import Workshop, record

HEADINGS_ID = [
    "1. Visi bersama",
    "2. Peringkat program",
    "3. Grafik prioritas",
    "4. Matriks peran pelaku",
    "5. Matriks program, indikator kinerja dan pagu indikatif",
    "6. Kebijakan dan strategi",
    "7. Peserta",
    "8. Tahapan lokakarya",
    "Lampiran: kartu kebutuhan dan potensi",
]
HEADINGS_EN = [
    "1. Shared vision",
    "2. Program ranking",
    "3. Priority charts",
    "4. Role matrix",
    "5. Programs, performance indicators and indicative budget",
    "6. Policies and strategies",
    "7. Participants",
    "8. Workshop phases",
    "Annex: needs and potentials cards",
]


@cache
def _body(variant: tuple[tuple[str, Any], ...]) -> bytes:
    return render(record(**dict(variant)), "docx").body


def _docx(**variant: Any) -> Document:
    return docx.Document(io.BytesIO(_body(tuple(sorted(variant.items())))))


def _headings(document: Document, level: int = 1) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def _table(document: Document, first_header: str, column: str) -> DocxTable:
    """The table whose header starts with ``first_header`` and has ``column``."""
    for table in document.tables:
        header = [c.text for c in table.rows[0].cells]
        if header[0] == first_header and column in header:
            return table
    raise AssertionError(f"no table with {first_header!r} … {column!r}")


def _orientation_of(document: Document, table: DocxTable) -> WD_ORIENT:
    """The orientation of the section holding ``table`` (a section ends at a sectPr)."""
    index = 0
    for element in document.element.body.iterchildren():
        if element is table._tbl:
            return document.sections[index].orientation
        if element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            index += 1
    raise AssertionError("table not in the body")


def test_the_document_opens_and_is_a_word_file() -> None:
    out = render(record(), "docx")
    assert (
        out.media_type
        == MEDIA_TYPES["docx"]
        == ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    )
    assert out.filename.endswith("-2026-03-10.docx")
    with zipfile.ZipFile(io.BytesIO(out.body)) as package:
        assert package.testzip() is None
        assert "word/document.xml" in package.namelist()
    document = docx.Document(io.BytesIO(out.body))
    assert document.core_properties.title.startswith("Lokakarya S-PWT Penyusunan RPJMD")
    assert document.core_properties.language == "id-ID"
    assert _body(()) == out.body  # a function of the record alone


def _text(element: Any) -> str:
    """The text of a paragraph or cell, a line break shown as `` / ``."""
    parts = element.iter(qn("w:t"), qn("w:br"), qn("w:p"))
    return "".join(p.text or "" if p.tag == qn("w:t") else " / " for p in parts).strip(" /")


def _outline(document: Document) -> str:
    """The document as text, in body order: each paragraph with its style, each table row
    with its cells (a merged cell once), each section break with its orientation."""
    lines = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            for tr in element.iterchildren(qn("w:tr")):
                cells = []
                for tc in tr.iterchildren(qn("w:tc")):
                    merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                    continued = merge is not None and merge.get(qn("w:val")) != "restart"
                    cells.append("^" if continued else _text(tc))
                lines.append("| " + " | ".join(cells) + " |")
        elif element.tag == qn("w:p"):
            style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            text = _text(element)
            if element.find(f".//{qn('w:drawing')}") is not None:
                text += "[picture]"
            if text:
                lines.append(f"[{style.get(qn('w:val')) if style is not None else ''}] {text}")
            if element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                lines.append("---- section break ----")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("language", "name"), [("id", "sikka-docx.txt"), ("en", "sikka-en-docx.txt")]
)
def test_golden_outline(language: str, name: str) -> None:
    assert_golden(name, _outline(_docx(language=language)).encode("utf-8"))


@pytest.mark.parametrize(("language", "headings"), [("id", HEADINGS_ID), ("en", HEADINGS_EN)])
def test_headings_in_the_rooms_language(language: str, headings: list[str]) -> None:
    document = _docx(language=language)
    assert _headings(document) == headings
    title = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert title == [record()["room"]["title"]]
    styles = document.styles.element
    assert {e.get(qn("w:val")) for e in styles.iter(qn("w:lang"))} == {
        {"id": "id-ID", "en": "en-GB"}[language]
    }  # Word's spelling checker reads the room's language


def test_the_program_table_is_a_real_table_with_names_and_numbers() -> None:
    document = _docx()
    table = _table(document, "Peringkat", "Pagu indikatif (Rp)")
    header = [c.text for c in table.rows[0].cells]
    assert header == [
        "Peringkat", "Program", "Kelayakan", "Kemendesakan", "Skor total", "Kuadran",
        "Perangkat daerah penanggung jawab", "Pagu indikatif (Rp)",
    ]  # fmt: skip
    programs = record()["programs"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[1].split("\n")[0] for r in rows] == [p["title"] for p in programs]
    assert rows[0][:6] == ["1", rows[0][1], "13", "15", "28", "Prioritas"]
    assert rows[0][6] == "Dinas Kesehatan"
    for row, program in zip(rows, programs, strict=True):
        total = sum(b["amount"] for b in program["budget"])
        assert row[-1] == catalogue("id").money(total)
    assert rows[0][-1] == "15.600.000.000"  # Indonesian digit grouping
    budget_cell = table.rows[1].cells[-1].paragraphs[0]
    assert budget_cell.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[1].cells[1].paragraphs[0].alignment is None  # text stays left
    assert _orientation_of(document, table) == WD_ORIENT.LANDSCAPE


def test_english_numbers_and_names() -> None:
    document = _docx(language="en")
    table = _table(document, "Rank", "Indicative budget (Rp)")
    assert table.rows[1].cells[-1].text == "15,600,000,000"
    assert table.rows[1].cells[5].text == "Priority"


def test_wide_tables_sit_in_landscape_sections_and_the_rest_in_portrait() -> None:
    document = _docx()
    orientations = [s.orientation for s in document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    for section in document.sections:
        short, long = sorted((section.page_width.cm, section.page_height.cm))
        assert (round(short, 1), round(long, 1)) == (21.0, 29.7)  # A4 both ways
    matrix = _table(document, "Peringkat", "Bappeda Kabupaten Sikka")
    indicators = _table(document, "Peringkat", "Indikator kinerja (tolok ukur)")
    people = _table(document, "Nama", "Organisasi")
    assert _orientation_of(document, matrix) == WD_ORIENT.LANDSCAPE
    assert _orientation_of(document, indicators) == WD_ORIENT.LANDSCAPE
    assert _orientation_of(document, people) == WD_ORIENT.PORTRAIT


def test_every_table_repeats_its_header_row_on_each_page() -> None:
    document = _docx()
    assert len(document.tables) == 5
    for table in document.tables:
        first = table.rows[0]._tr.trPr
        assert first is not None and first.find(qn("w:tblHeader")) is not None
        body = table.rows[1]._tr.trPr
        assert body.find(qn("w:tblHeader")) is None
        assert body.find(qn("w:cantSplit")) is not None  # a row is never cut in two


def test_role_matrix_cells_carry_the_reports_role_colours() -> None:
    table = _table(_docx(), "Peringkat", "Bappeda Kabupaten Sikka")
    row = table.rows[1].cells  # stunting: Dinas Kesehatan leads, Bappeda is consulted
    fill = {c.text: c._tc.tcPr.find(qn("w:shd")) for c in row}
    assert fill["penanggung jawab"].get(qn("w:fill")) == "8DB3E2"
    assert fill["dikonsultasikan"].get(qn("w:fill")) == "FDF0C4"
    assert fill[""] is None and fill["Percepatan penurunan stunting"] is None


def test_indicator_rows_of_one_program_share_merged_program_cells() -> None:
    document = _docx()
    table = _table(document, "Peringkat", "Indikator kinerja (tolok ukur)")
    header = [c.text for c in table.rows[0].cells]
    assert header[5:10] == [f"Target {y}" for y in range(2025, 2030)]
    first, second = table.rows[1].cells, table.rows[2].cells
    program, budget = header.index("Program"), header.index("Pagu indikatif (Rp)")
    assert first[program].text == "Percepatan penurunan stunting"
    for column in (0, program, budget, header.index("Lokasi")):
        assert first[column]._tc is second[column]._tc  # one cell over both rows
    assert first[2]._tc is not second[2]._tc  # each indicator its own row
    assert first[2].text == "Prevalensi balita stunting"
    assert [c.text for c in first[4:11]] == ["25,6", "23", "20,5", "18", "16", "14", "14"]
    assert first[budget].text == "15.600.000.000"
    third = table.rows[3].cells  # the next program starts its own cells
    assert third[program]._tc is not second[program]._tc
    assert third[program].text == "Penyediaan air minum dan sanitasi perdesaan"
    assert first[6].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT  # targets as numbers


def test_the_charts_are_pictures_when_revealed_and_a_note_when_not() -> None:
    document = _docx()
    assert len(document.inline_shapes) == 2
    descriptions = {s._inline.docPr.get("descr") for s in document.inline_shapes}
    assert descriptions == {
        catalogue("id")("chart_quadrant_alt"),
        catalogue("id")("chart_bars_alt"),
    }
    blobs = [part.blob for part in document.part.package.parts if part.partname.ext == "png"]
    assert len(blobs) == 2 and all(b.startswith(b"\x89PNG\r\n\x1a\n") for b in blobs)
    hidden = _docx(reveal=False)
    assert len(hidden.inline_shapes) == 0
    texts = [p.text for p in hidden.paragraphs]
    assert texts.count(catalogue("id")("not_revealed_long")) == 2  # programs and charts


def test_control_characters_are_dropped_and_hostile_text_stays_text() -> None:
    document = _docx(hostile=True)
    title = next(p.text for p in document.paragraphs if p.style.name == "Title")
    assert title.startswith("<script>alert('judul')</script>")
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert any(b.startswith("Airbersih dengan karakter kendali") for b in bullets)
    assert not any("\x07" in p.text for p in document.paragraphs)
    matrix = _table(document, "Peringkat", "=cmd|' /C calc'!A0")
    assert matrix is not None  # what people typed, shown as typed: Word runs no formula


def test_an_empty_room_and_score_mode() -> None:
    w = Workshop(language="en")
    document = docx.Document(io.BytesIO(render(build_record(w.state).to_json_dict(), "docx").body))
    assert "No programs yet." in [p.text for p in document.paragraphs]
    assert [t.rows[0].cells[0].text for t in document.tables] == ["Name", "Phase"]


def test_the_cli_offers_docx() -> None:
    args = parser().parse_args(["export", "SKA7Q2", "--format", "docx"])
    assert args.format == "docx"


# -- the generic table writer, on a table laid out like the RPJMD plan table ---------------

PLAN = Table(
    key="plan",
    head=(("Kode", "Program", "Indikator", "2026", "2026", "Perangkat daerah"),),
    header=("Kode", "Program", "Indikator", "Target", "Rp", "Perangkat daerah"),
    rows=[
        ("1.03.10", "Jalan", "Jalan mantap", 70, 12_500_000_000, "Dinas PUPR"),
        ("1.03.10", "Jalan", "Jembatan", 4.5, None, "Dinas PUPR"),
        ("1.03.03", "Air minum", "Rumah tangga", 80, 2_000_000_000, "Dinas PUPR"),
    ],
    merge=(1, 0, 4, 5),
    right=frozenset({3}),
)


def test_header_blocks_merge_across_and_down() -> None:
    rows = (*PLAN.head, PLAN.header)
    assert header_blocks(rows) == [
        (0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 4), (0, 5, 1, 5), (1, 3, 1, 3),
        (1, 4, 1, 4),
    ]  # fmt: skip
    # Equal neighbours in the last header row stay apart (two actors of the same name).
    assert header_blocks((("A", "A"),)) == [(0, 0, 0, 0), (0, 1, 0, 1)]


def test_body_spans_follow_the_key_column() -> None:
    spans = body_spans(PLAN)
    assert spans[1] == [(0, 1)] and spans[0] == [(0, 1)]
    assert spans[4] == [(0, 1)]  # the empty Rp below the program's amount joins it
    # Same agency in consecutive programs: merged only inside each program.
    assert spans[5] == [(0, 1)]
    assert body_spans(Table(key="x", header=("a",), rows=[("1",), ("1",)])) == {}
    rows = [("p", "A"), ("p", None), ("p", "B"), ("p", "B"), ("q", "B")]
    inner = body_spans(Table(key="x", header=("k", "v"), rows=rows, merge=(0, 1)))
    assert inner == {0: [(0, 3)], 1: [(0, 1), (2, 3)]}  # "q" starts afresh


def test_the_plan_like_table_is_one_call_with_grouped_header_and_merged_program() -> None:
    doc = WordDocument(catalogue("id"))
    doc.orientation(landscape=True)
    doc.table(PLAN)
    document = docx.Document(io.BytesIO(doc.to_bytes("Uji", None)))
    (table,) = document.tables
    top, second = table.rows[0].cells, table.rows[1].cells
    assert [c.text for c in top] == [
        "Kode", "Program", "Indikator", "2026", "2026", "Perangkat daerah",
    ]  # fmt: skip
    assert top[3]._tc is top[4]._tc  # "2026" spans its Target and Rp columns
    assert top[0]._tc is second[0]._tc  # "Kode" spans both header rows
    assert [c.text for c in second[3:5]] == ["Target", "Rp"]
    for row in table.rows[:2]:
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None
    body = [row.cells for row in table.rows[2:]]
    assert [c.text for c in body[0]] == [
        "1.03.10", "Jalan", "Jalan mantap", "70", "12.500.000.000", "Dinas PUPR",
    ]  # fmt: skip
    assert body[1][3].text == "4,5"
    assert body[0][1]._tc is body[1][1]._tc and body[1][1]._tc is not body[2][1]._tc
    assert body[0][5]._tc is body[1][5]._tc and body[1][5]._tc is not body[2][5]._tc
    assert body[0][3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert top[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [s.orientation for s in document.sections] == [WD_ORIENT.LANDSCAPE]  # no blank page
