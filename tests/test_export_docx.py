"""The Word report on the fixed Sikka workshop, read back with python-docx: its headings in
both languages, real tables with the right names and numbers, landscape sections for the
wide tables, header rows that repeat, the RPJMD/Renstra plan table laid out as in the HTML
report (grouped header, merged program cells, mission headings, totals), pictures, and the
generic table writer on a small plan-like table."""

from __future__ import annotations

import html
import io
import re
import zipfile
from functools import cache
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table as DocxTable

from server.cli import parser
from server.export import MEDIA_TYPES, render
from server.export.i18n import catalogue
from server.export.layout import body_grid
from server.export.tables import Group, Table
from server.export.wordkit import WordDocument
from server.state.record import build_record

from .fixtures.golden import assert_golden
from .fixtures.workshop import Workshop, record

HEADINGS_ID = [
    "1. Visi bersama",
    "2. Peringkat program",
    "3. Grafik prioritas",
    "4. Matriks peran pelaku",
    "5. Indikasi rencana program prioritas yang disertai kebutuhan pendanaan",
    "6. Kebijakan dan strategi",
    "7. Peserta",
    "8. Tahapan lokakarya",
    "9. Komitmen pelaku",
    "10. Rencana tindak lanjut",
    "Lampiran: kartu kebutuhan dan potensi",
]
HEADINGS_EN = [
    "1. Shared vision",
    "2. Program ranking",
    "3. Priority charts",
    "4. Role matrix",
    "5. Indicative plan of priority programs with their funding needs",
    "6. Policies and strategies",
    "7. Participants",
    "8. Workshop phases",
    "9. Commitments of the actors",
    "10. Follow-up plan",
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


@pytest.mark.parametrize("language", ["id", "en"])
def test_chapter_titles_are_the_html_reports(language: str) -> None:
    page = render(record(language=language), "html").body.decode()
    chapters = [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", page)]
    contents = catalogue(language)("contents")
    assert _headings(_docx(language=language)) == [h for h in chapters if h != contents]


def test_the_program_table_is_a_real_table_with_names_and_numbers() -> None:
    document = _docx()
    table = _table(document, "Peringkat", "Pagu indikatif (Rp)")
    header = [c.text for c in table.rows[0].cells]
    assert header == [
        "Peringkat", "Program", "Kelayakan", "Kemendesakan", "Skor total", "Kuadran",
        "Perangkat daerah penanggung jawab", "Pagu indikatif (Rp)",
    ]  # fmt: skip
    programs = record()["programs"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:] if not _heading(row)]
    assert [r[1].split("\n")[0] for r in rows] == [p["title"] for p in programs]
    assert rows[0][:6] == ["1", rows[0][1], "13", "15", "28", "Prioritas"]
    assert rows[0][6] == "Dinas Kesehatan"
    for row, program in zip(rows, programs, strict=True):
        total = sum(b["amount"] for b in program["budget"])
        assert row[-1] == catalogue("id").money(total)
    assert rows[0][-1] == "15.600.000.000"  # Indonesian digit grouping
    budget_cell = table.rows[2].cells[-1].paragraphs[0]
    assert budget_cell.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert table.rows[2].cells[1].paragraphs[0].alignment is None  # text stays left
    assert _orientation_of(document, table) == WD_ORIENT.LANDSCAPE


def test_english_numbers_and_names() -> None:
    document = _docx(language="en")
    table = _table(document, "Rank", "Indicative budget (Rp)")
    assert table.rows[2].cells[-1].text == "15,600,000,000"
    assert table.rows[2].cells[5].text == "Priority"


def _heading(row: Any) -> bool:
    """A row that is one cell over the table's width (a mission's heading)."""
    return len(row._tr.findall(qn("w:tc"))) == 1


def test_the_program_table_groups_programs_under_their_missions_as_the_html_does() -> None:
    table = _table(_docx(), "Peringkat", "Pagu indikatif (Rp)")
    headings = [row.cells[0].text for row in table.rows if _heading(row)]
    page = render(record(), "html").body.decode()
    programs = page[page.index('<table class="programs">') : page.index("</table>")]
    missions = re.findall(r'<tr class="mission"><th colspan="\d+">(.*?)</th>', programs)
    assert headings == [html.unescape(m) for m in missions] and len(headings) == 4
    assert table.rows[1].cells[0].paragraphs[0].runs[0].bold


def test_the_program_table_marks_shared_ranks_and_formats_scores_alike() -> None:
    room = record()
    second, third = room["programs"][1], room["programs"][2]
    second["scores"] = {**second["scores"], "feasibility": 9.375, "urgency": 2.5, "total": 11.875}
    third["scores"] = {**third["scores"], "feasibility": 9.0, "urgency": 2.875, "total": 11.875}
    third["rank"] = 2  # tied, as the server ranks
    document = docx.Document(io.BytesIO(render(room, "docx").body))
    table = _table(document, "Peringkat", "Pagu indikatif (Rp)")
    rows = [[c.text for c in row.cells] for row in table.rows[1:] if not _heading(row)]
    assert rows[0][:5] == ["1", rows[0][1], "13,00", "15,00", "28,00"]  # beside 9,38
    assert rows[1][:5] == ["2=", rows[1][1], "9,38", "2,50", "11,88"]
    assert rows[2][:5] == ["2=", rows[2][1], "9,00", "2,88", "11,88"]
    assert _right(table.rows[4].cells[0])  # "2=" aligned with the ranks
    assert catalogue("id")("tie_note") in [p.text for p in document.paragraphs]


def test_score_mode_has_no_quadrant_column_and_the_plain_intro() -> None:
    room = record()
    room["voting"]["criteria"] = [
        {"key": "urgency", "label": "Urgensi", "weight": 1.0},
        {"key": "seriousness", "label": "Keseriusan", "weight": 1.0},
    ]
    for p in room["programs"]:
        p["quadrant"] = None
        p["scores"] = {"urgency": 4.5, "seriousness": 3, "total": 7.5, "voters": 3}
    document = docx.Document(io.BytesIO(render(room, "docx").body))
    table = _table(document, "Peringkat", "Pagu indikatif (Rp)")
    assert "Kuadran" not in [c.text for c in table.rows[0].cells]
    assert catalogue("id")("programs_intro_plain") in [p.text for p in document.paragraphs]


def test_wide_tables_sit_in_landscape_sections_and_the_rest_in_portrait() -> None:
    document = _docx()
    orientations = [s.orientation for s in document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    for section in document.sections:
        short, long = sorted((section.page_width.cm, section.page_height.cm))
        assert (round(short, 1), round(long, 1)) == (21.0, 29.7)  # A4 both ways
    matrix = _table(document, "Peringkat", "Bappeda Kabupaten Sikka")
    indicators = _table(document, "Kode", "Indikator kinerja (tolok ukur)")
    people = _table(document, "Nama", "Organisasi")
    assert _orientation_of(document, matrix) == WD_ORIENT.LANDSCAPE
    assert _orientation_of(document, indicators) == WD_ORIENT.LANDSCAPE
    assert _orientation_of(document, people) == WD_ORIENT.PORTRAIT


def test_every_table_repeats_its_header_row_on_each_page() -> None:
    document = _docx()
    assert len(document.tables) == 6  # ranking, matrix, plan, people, phases, follow-ups
    plan = _table(document, "Kode", "Indikator kinerja (tolok ukur)")
    for table in document.tables:
        head = 2 if table._tbl is plan._tbl else 1  # the plan table's year over its target and Rp
        for row in table.rows[:head]:
            assert row._tr.trPr.find(qn("w:tblHeader")) is not None
        body = table.rows[head]._tr.trPr
        assert body.find(qn("w:tblHeader")) is None
        assert body.find(qn("w:cantSplit")) is not None  # a row is never cut in two


def test_role_matrix_cells_carry_the_reports_role_colours() -> None:
    table = _table(_docx(), "Peringkat", "Bappeda Kabupaten Sikka")
    row = table.rows[1].cells  # stunting: Dinas Kesehatan leads, Bappeda is consulted
    fill = {c.text: c._tc.tcPr.find(qn("w:shd")) for c in row}
    assert fill["penanggung jawab"].get(qn("w:fill")) == "8DB3E2"
    assert fill["dikonsultasikan"].get(qn("w:fill")) == "FDF0C4"
    assert fill[""] is None and fill["Percepatan penurunan stunting"] is None


def _right(cell: Any) -> bool:
    return cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_the_plan_table_has_the_grouped_header_of_the_html_report() -> None:
    table = _table(_docx(), "Kode", "Indikator kinerja (tolok ukur)")
    top, lower = table.rows[0].cells, table.rows[1].cells
    assert [c.text for c in top[:6]] == [
        "Kode", "Urusan / bidang urusan / program", "Indikator kinerja (tolok ukur)", "Satuan",
        "Kondisi awal", "Kondisi awal",
    ]  # fmt: skip
    assert top[0]._tc is lower[0]._tc  # "Kode" over both header rows
    assert [c.text for c in lower[4:6]] == ["Capaian", "Tahun"]
    assert [c.text for c in top[6:18:2]] == [
        "2025",
        "2026",
        "2027",
        "2028",
        "2029",
        "Kondisi akhir",
    ]
    for column in range(6, 18, 2):  # a year (and the final condition) over target and Rp
        assert top[column]._tc is top[column + 1]._tc
        assert top[column].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert [c.text for c in lower[column : column + 2]] == ["Target", "Rp"]
    assert [c.text for c in top[-2:]] == ["Perangkat daerah penanggung jawab", "Lokasi"]
    assert top[-1]._tc is lower[-1]._tc


def test_the_plan_table_merges_program_cells_over_their_indicator_rows() -> None:
    table = _table(_docx(), "Kode", "Indikator kinerja (tolok ukur)")
    mission, first, second = (table.rows[n].cells for n in (2, 3, 4))
    assert all(c._tc is mission[0]._tc for c in mission)  # the mission's heading, full width
    assert mission[0].text == "Misi 1: " + record()["vision"]["missions"][0]
    assert mission[0].paragraphs[0].runs[0].bold
    assert first[0].text == "1.02.02"
    assert first[1].text.split("\n")[-1] == "(Percepatan penurunan stunting)"
    for column in (0, 1, 7, 9, 11, 13, 15, 17, 18, 19):  # kode, program, Rp, lead, lokasi
        assert first[column]._tc is second[column]._tc  # one cell over both indicator rows
    for column in (2, 3, 4, 5, 6, 8, 16):  # each indicator its own values
        assert first[column]._tc is not second[column]._tc
    assert first[2].text.startswith("Prevalensi balita stunting")
    assert second[2].text.startswith("Desa dengan posyandu aktif")
    # One number format per indicator row (23,0 beside 20,5), a year never grouped.
    assert [c.text for c in first[4:7]] == ["25,6", "2024", "23,0"]
    assert [c.text for c in second[4:7]] == ["98", "2024", "110"]
    assert first[7].text == "2.500.000.000" and first[17].text == "15.600.000.000"
    assert all(_right(c) for c in (first[4], first[5], first[6], first[7], first[17]))
    assert not _right(first[1]) and not _right(first[18])
    third = table.rows[5].cells  # the next mission's heading ends the block
    assert third[0]._tc is not second[0]._tc and third[0].text.startswith("Misi 2: ")


def test_the_plan_table_ends_with_jumlah_and_a_total_per_source() -> None:
    table = _table(_docx(), "Kode", "Indikator kinerja (tolok ukur)")
    labels = [row.cells[0].text for row in table.rows if row.cells[0].text.startswith("Jumlah")]
    assert labels == [
        "Jumlah", "Jumlah sumber dana: APBD Kabupaten/Kota", "Jumlah sumber dana: DAK",
        "Jumlah sumber dana: CSR/swasta",
    ]  # fmt: skip
    total = table.rows[-4].cells
    assert all(c._tc is total[0]._tc for c in total[:7])  # the label up to the first Rp
    assert total[7].text == "23.400.000.000" and total[17].text == "142.600.000.000"
    assert _right(total[7]) and total[0].paragraphs[0].runs[0].bold
    fill = total[7]._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert fill == "DCE6F1"  # shaded like the header, as in the HTML report


# Arial's (and Liberation Sans's) advance widths in em: digits, separators and capitals.
ARIAL = {
    **dict.fromkeys("0123456789", 0.556), ".": 0.278, ",": 0.278,
    **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
        0.667, 0.667, 0.722, 0.722, 0.667, 0.611, 0.778, 0.722, 0.278, 0.5, 0.667, 0.556, 0.833,
        0.722, 0.778, 0.667, 0.778, 0.722, 0.667, 0.611, 0.722, 0.667, 0.944, 0.667, 0.667, 0.611,
    ), strict=True)),
}  # fmt: skip


def test_the_plan_tables_numbers_and_capital_words_fit_their_columns() -> None:
    """Measured with the font's real widths, not the writer's estimate: an amount never
    wraps and a nomenclature word (PENYELENGGARAAN) is never cut."""
    table = _table(_docx(), "Kode", "Indikator kinerja (tolok ukur)")
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    side = sum(int(m.get(qn("w:w"))) for m in margins) / 20  # twips to points
    widths = [column.width.pt for column in table.columns]
    assert sum(widths) == pytest.approx((29.7 - 3.0) / 2.54 * 72, abs=1)  # the text width
    checked = 0
    for tc in table._tbl.iter(qn("w:tc")):
        if tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}") is not None:
            continue  # a heading or a total's label
        width = tc.width.pt
        for run in tc.iter(qn("w:r")):
            size = int(run.find(f"{qn('w:rPr')}/{qn('w:sz')}").get(qn("w:val"))) / 2
            for word in " ".join(t.text for t in run.iter(qn("w:t"))).split():  # w:br between
                if set(word) <= ARIAL.keys() and len(word) > 3:
                    em = sum(ARIAL[ch] for ch in word)
                    assert em * size <= width - side, word
                    checked += 1
    assert checked > 100


def test_the_plan_tables_upper_header_row_holds_the_cells_over_both_rows() -> None:
    """LibreOffice gives a repeated header row only its own cells' height, clipping a cell
    over both rows ("Perangkat daerah penanggung jawab", three lines and more)."""
    document = _docx()
    plan = _table(document, "Kode", "Indikator kinerja (tolok ukur)")
    upper = plan.rows[0]
    assert upper.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST
    lead = upper.cells[-2]
    size = lead.paragraphs[0].runs[0].font.size.pt
    words = len(lead.text.split())
    assert lead.width.pt < 10 * size  # narrower than the label: it wraps…
    assert upper.height.pt >= (words - 2) * size * 1.15  # …above the lower row's one line
    ranking = _table(document, "Peringkat", "Pagu indikatif (Rp)")
    assert ranking.rows[0].height is None  # a one-row header sizes itself


def test_a_tables_caption_stays_with_it_and_totals_bold_only_their_label() -> None:
    document = _docx()
    table = _table(document, "Kode", "Indikator kinerja (tolok ukur)")
    before = table._tbl.getprevious()
    assert _text(before) == catalogue("id")("plan_intro")
    assert before.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None
    total = table.rows[-1].cells
    assert total[0].paragraphs[0].runs[0].bold
    assert total[7].paragraphs[0].runs[0].bold is None  # as in the HTML report


def test_the_plan_table_keeps_a_program_with_its_indicators_on_one_page() -> None:
    table = _table(_docx(), "Kode", "Indikator kinerja (tolok ukur)")

    def kept(n: int) -> bool:
        pPr = table.rows[n]._tr.find(f".//{qn('w:pPr')}")
        return pPr is not None and pPr.find(qn("w:keepNext")) is not None

    # The heading with its first program, a program's first indicator with its second,
    # but the last row of a program may end a page.
    assert [kept(n) for n in (2, 3, 4)] == [True, True, False]


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
    header=("Kode", "Program", "Indikator", "Target 2026", "Rp 2026", "Perangkat daerah"),
    groups=(
        Group("Kode"),
        Group("Program"),
        Group("Indikator"),
        Group("2026", 2, ("Target", "Rp")),
        Group("Perangkat daerah"),
    ),
    rows=[
        ("Misi 1: Konektivitas", None, None, None, None, None),
        ("1.03.10", "Jalan", "Jalan mantap", 70, 12_500_000_000, "Dinas PUPR"),
        (None, None, "Jembatan", 4.5, None, None),
        ("1.03.03", "Air minum", "Rumah tangga", "70 (2024)", 2_000_000_000, "Dinas PUPR"),
        ("Jumlah", None, None, None, 14_500_000_000, None),
    ],
    numeric={4: "#,##0"},
    blocks=((1, 2), (3, 1)),
    merge=frozenset({0, 1, 4, 5}),
    kinds={0: "heading", 4: "total"},
    right=frozenset({5}),
)


def test_layout_aligns_numbers_and_the_right_columns() -> None:
    grid = body_grid(PLAN)
    (heading,) = grid[0]
    assert (heading.columns, heading.kind, heading.right) == (6, "heading", False)
    assert [c.right for c in grid[1]] == [False, False, False, True, True, True]
    assert [c.right for c in grid[3]][3] is False  # a target in words stays left
    assert [(c.column, c.columns, c.right) for c in grid[4]] == [
        (0, 4, False), (4, 1, True), (5, 1, True),
    ]  # fmt: skip


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
    assert all(c._tc is body[0][0]._tc for c in body[0])  # the heading over every column
    assert body[0][0].text == "Misi 1: Konektivitas"
    assert [c.text for c in body[1]] == [
        "1.03.10", "Jalan", "Jalan mantap", "70", "12.500.000.000", "Dinas PUPR",
    ]  # fmt: skip
    assert body[2][3].text == "4,5"
    for column in (0, 1, 4, 5):  # merged over the program's two rows, not into the next
        assert body[1][column]._tc is body[2][column]._tc
        assert body[2][column]._tc is not body[3][column]._tc
    assert body[1][2]._tc is not body[2][2]._tc
    assert _right(body[1][3]) and _right(body[1][4]) and _right(body[1][5])
    assert not _right(body[3][3]) and not _right(body[1][1])
    assert body[4][0]._tc is body[4][3]._tc and body[4][4].text == "14.500.000.000"
    assert top[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert [s.orientation for s in document.sections] == [WD_ORIENT.LANDSCAPE]  # no blank page


def test_a_table_too_wide_for_words_margins_gets_narrow_ones() -> None:
    doc = WordDocument(catalogue("id"))
    doc.orientation(landscape=True)
    narrow = doc.table(Table(key="x", header=("a", "b"), rows=[("1", "2")]))
    wide = doc.table(
        Table(key="y", header=tuple(f"k{n}" for n in range(20)), rows=[(10**11,) * 20])
    )
    assert narrow._tbl.tblPr.find(qn("w:tblCellMar")) is None
    margins = wide._tbl.tblPr.find(qn("w:tblCellMar"))
    assert margins is not None and margins.getnext().tag == qn("w:tblLook")
