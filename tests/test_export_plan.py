"""The plan table ("Indikasi rencana program prioritas yang disertai kebutuhan pendanaan") in
every format, the CSV's separator and decimal mark, and the report's fixes of issue #15 §5:
shared ranks, one number format per column, mission groups, wrapped chart labels, words."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from server.export import render
from server.export.charts import bars_svg
from server.export.plan import plan_table
from server.export.tables import RUPIAH
from server.export.view import build_report

from .fixtures.workshop import record

ROOT = Path(__file__).resolve().parent.parent
YEARS = range(2025, 2030)
FIRST_AMOUNT = 7  # column of "Rp 2025": kode, program, indikator, satuan, awal, tahun, target
TOTAL = FIRST_AMOUNT + 2 * len(YEARS)  # "Rp kondisi akhir (jumlah)"


def _sheet(variant: dict[str, Any] | None = None) -> Any:
    body = render(record(**(variant or {})), "xlsx").body
    return openpyxl.load_workbook(io.BytesIO(body))["Rencana program"]


def _csv(r: dict[str, Any], **options: Any) -> tuple[bytes, list[list[str]]]:
    body = render(r, "csv", **options).body
    text = body.decode("utf-8-sig")
    sep = ";" if text.split("\r\n", 1)[0].count(";") > text.split("\r\n", 1)[0].count(",") else ","
    return body, list(csv.reader(io.StringIO(text), delimiter=sep))


def test_plan_sheet_holds_numbers_in_their_formats() -> None:
    sheet = _sheet()
    body = list(sheet.iter_rows(min_row=5))
    stunting = body[1]  # under the heading of mission 1
    assert stunting[0].value == "1.02.02"
    assert stunting[4].value == 25.6 and stunting[4].number_format == "#,##0.0"
    assert stunting[5].value == 2024 and stunting[5].number_format == "0"  # a year, ungrouped
    assert stunting[6].value == 23 and stunting[6].number_format == "#,##0.0"  # like 20,5
    for cell in stunting[FIRST_AMOUNT : TOTAL + 1 : 2]:
        assert isinstance(cell.value, int) and cell.number_format == RUPIAH
    assert stunting[TOTAL].value == 15_600_000_000
    posyandu = body[2]
    assert posyandu[6].value == 110 and posyandu[6].number_format == "#,##0"
    values = [c.value for row in body for c in row[4 : TOTAL + 1] if c.value is not None]
    texts = [v for v in values if isinstance(v, str) and not v.startswith(("Misi", "Jumlah"))]
    assert texts == ["1 (2019)"]  # only the qualitative baseline is text; numbers are numbers


def test_plan_sheet_totals_are_the_sums_of_the_program_rows() -> None:
    sheet = _sheet()
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=5)]
    labels = [row[0] for row in rows]
    jumlah = labels.index("Jumlah")
    programs, totals = rows[:jumlah], rows[jumlah:]
    for column in range(FIRST_AMOUNT, TOTAL + 1, 2):
        summed = sum(row[column] or 0 for row in programs if isinstance(row[column], int))
        assert totals[0][column] == summed
        assert sum(row[column] for row in totals[1:]) == summed  # sources add up to Jumlah
    budget = sum(b["amount"] for p in record()["programs"] for b in p["budget"])
    assert totals[0][TOTAL] == budget == 142_600_000_000
    assert [row[0] for row in totals[1:]] == [
        "Jumlah sumber dana: APBD Kabupaten/Kota",
        "Jumlah sumber dana: DAK",
        "Jumlah sumber dana: CSR/swasta",
    ]


def test_plan_sheet_merges_prints_and_freezes() -> None:
    sheet = _sheet()
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A3:A4", "B3:B4", "E3:F3", "G3:H3"} <= merged  # the two-level header
    assert {"A6:A7", "B6:B7", "H6:H7", "R6:R7", "S6:S7", "T6:T7"} <= merged  # stunting's cells
    assert "A5:T5" in merged  # the mission heading spans the table
    assert sheet["A5"].value.startswith("Misi 1: ")
    assert "C6:C7" not in merged  # indicators are rows of their own
    assert sheet.freeze_panes == "C5"  # below the header, right of kode and program
    assert sheet.print_title_rows == "$3:$4"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape", 9, 1, 0,
    )  # fmt: skip
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    widths = [sheet.column_dimensions[chr(65 + n)].width for n in range(20)]
    assert all(8 <= w <= 45 for w in widths), widths
    assert widths[7] >= len("Rp 2.500.000.000")  # an amount fits its column


def test_program_sheet_and_csv_carry_the_yearly_budget() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render(record(), "xlsx").body))
    rows = list(book["Program"].iter_rows(values_only=True))
    header = rows[0]
    first = header.index("Pagu 2025 (Rp)")
    assert header[first - 1 : first + 5] == (
        "Pagu indikatif (Rp)", *(f"Pagu {y} (Rp)" for y in YEARS),
    )  # fmt: skip
    for row in rows[1:]:
        assert sum(row[first : first + 5]) == row[first - 1]
    assert book["Program"].cell(row=2, column=first + 1).number_format == RUPIAH
    _, table = _csv(record())
    assert table[0][first : first + 5] == [f"Pagu {y} (Rp)" for y in YEARS]
    assert table[1][first] == "2500000000"


def test_indonesian_csv_is_semicolons_with_a_decimal_comma_and_a_bom() -> None:
    body, rows = _csv(record(), table="plan")
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.split(b"\r\n", 1)[0].count(b";") == 19
    stunting = rows[2]
    assert stunting[4:8] == ["25,6", "2024", "23", "2500000000"]  # no thousands separator
    assert stunting[8] == "20,5"
    assert rows[1][0].startswith("Misi 1: ") and not any(rows[1][1:])
    assert render(record(), "csv", table="plan").filename.endswith("-plan.csv")


def test_english_csv_and_the_sep_override() -> None:
    _, english = _csv(record(language="en"), table="plan")
    assert english[2][4] == "25.6"
    comma = render(record(), "csv", table="plan", sep=",").body.decode("utf-8-sig")
    assert "25.6" in comma and "25,6" not in comma  # the decimal mark follows the separator
    semicolon = render(record(language="en"), "csv", sep=";").body.decode("utf-8-sig")
    assert semicolon.startswith("Rank;Program;")
    with pytest.raises(ValueError, match="sep"):
        render(record(), "csv", sep="|")


def test_plan_table_without_codes_names_the_workshop_title() -> None:
    r = record()
    for p in r["programs"]:
        p.update(code=None, nomenclature=None, urusan=None, bidang=None)
    table = plan_table(build_report(r))
    coded = [row for row in table.rows if row[1]]
    assert coded[0][:2] == (None, "Percepatan penurunan stunting")


def test_plan_table_shows_a_code_the_record_has() -> None:
    """The official name, under its bidang, with the workshop's own title beside it."""
    r = record()
    kakao = next(p for p in r["programs"] if p["title"].startswith("Hilirisasi"))
    kakao.update(
        code="3.27.03",
        nomenclature="PROGRAM PENYULUHAN PERTANIAN",
        urusan={"code": "3", "name": "URUSAN PEMERINTAHAN PILIHAN"},
        bidang={"code": "3.27", "name": "URUSAN PEMERINTAHAN BIDANG PERTANIAN"},
    )
    row = next(row for row in plan_table(build_report(r)).rows if row[0] == "3.27.03")
    assert row[1] == (
        "3.27 URUSAN PEMERINTAHAN BIDANG PERTANIAN\nPROGRAM PENYULUHAN PERTANIAN\n"
        "(Hilirisasi kakao, kopi dan mete)"
    )
    kakao["title"] = "Program Penyuluhan Pertanian"  # the same name: said once
    row = next(row for row in plan_table(build_report(r)).rows if row[0] == "3.27.03")
    assert row[1].splitlines() == [
        "3.27 URUSAN PEMERINTAHAN BIDANG PERTANIAN", "PROGRAM PENYULUHAN PERTANIAN",
    ]  # fmt: skip
    assert '<td rowspan="2">3.27.03</td>' in render(r, "html").body.decode()


def test_programs_are_grouped_under_missions_in_order() -> None:
    r = record()
    for p in r["programs"]:
        if p["title"].startswith("Percepatan"):
            p["mission"] = 3  # the last mission: its group comes after the others
        if p["title"].startswith("Pariwisata"):
            p["mission"] = 9  # no such mission any more: counted as without one
    groups = build_report(r).by_mission()
    assert [heading.split(":")[0] for heading, _ in groups] == [
        "Misi 2", "Misi 3", "Misi 4", "Program yang belum dikaitkan dengan misi",
    ]  # fmt: skip
    assert [p.rank for p in groups[-1][1]] == [5, 6]  # by rank within
    md = render(r, "md").body.decode()
    assert md.index("**Misi 2: ") < md.index("**Misi 4: ") < md.index("Program yang belum")
    without = record()
    for p in without["programs"]:
        p["mission"] = None
    assert "Misi 1:" not in render(without, "html").body.decode()  # no heading at all


def _tied() -> dict[str, Any]:
    """The Sikka record with programs 2 and 3 on an equal total, ranked as the server does."""
    r = record()
    second, third = r["programs"][1], r["programs"][2]
    second["scores"] = {**second["scores"], "feasibility": 8.7, "urgency": 2.74, "total": 11.44}
    third["scores"] = {**third["scores"], "feasibility": 9.38, "urgency": 2.06, "total": 11.44}
    third["rank"] = 2
    return r


def test_shared_ranks_are_marked_everywhere() -> None:
    r = _tied()
    md = render(r, "md").body.decode()
    assert "| 2= | Penyediaan air minum" in md and "| 2= | Peningkatan jalan" in md
    assert "Tanda = pada peringkat" in md
    html = render(r, "html").body.decode()
    assert '<td class="num rank">2=</td>' in html
    svg = bars_svg(build_report(r))
    assert "2=. Penyediaan air minum" in svg and "2=. Peningkatan jalan" in svg
    assert "Tanda = pada peringkat" not in render(record(), "md").body.decode()


def test_one_number_format_per_column() -> None:
    md = render(_tied(), "md").body.decode()
    assert "| 13,00 | 15,00 | 28,00 |" in md  # stunting beside 9,38 and 11,44
    assert "| 8,70 | 2,74 | 11,44 |" in md
    r = record()
    assert "| 13 | 15 | 28 |" in render(r, "md").body.decode()  # whole numbers stay whole
    plan = render(r, "md").body.decode()
    assert "| 25,6 | 2024 | 23,0 |" in plan and "| 14,0 | 3.500.000.000 | 14,0 |" in plan


def test_final_targets_align_like_the_targets() -> None:
    md = render(record(), "md").body.decode()
    lines = md.splitlines()
    rule = lines[next(n for n, line in enumerate(lines) if line.startswith("| Kode |")) + 1]
    cells = rule.strip("|").split("|")
    assert cells[4:18] == ["---:"] * 14  # awal, tahun, each year, akhir: right-aligned
    html = render(record(), "html").body.decode()
    assert '<td class="num">14,0</td><td rowspan="2" class="num">15.600.000.000</td>' in html


def test_the_cover_title_keeps_its_year_span_together() -> None:
    html = render(record(), "html").body.decode()
    title = '<h1><bdi>Lokakarya S-PWT Penyusunan RPJMD <span class="nowrap">2025\u20132029</span>'
    assert title in html
    assert ".nowrap { white-space: nowrap; }" in html


def test_print_css_puts_the_wide_sections_on_a4_landscape() -> None:
    html = render(record(), "html").body.decode()
    assert "@page wide { size: A4 landscape;" in html
    assert '<section id="indicators" class="wide">' in html
    widths = [float(w) for w in re.findall(r'<col style="width: ([\d.]+)%">', html)]
    assert len(widths) == 20 and abs(sum(widths) - 100) < 0.1


def test_bar_chart_wraps_long_titles_and_keeps_the_rank() -> None:
    r = record()
    long = "Peningkatan kualitas dan jangkauan layanan air minum perpipaan di desa rawan kekeringan"
    r["programs"][1]["title"] = long
    svg = bars_svg(build_report(r))
    lines = re.findall(r"<tspan [^>]*>([^<]*)</tspan>", svg)
    assert "…" not in svg
    joined = " ".join(lines)
    assert f"2. {long}" in joined
    assert any(line.startswith("2. Peningkatan") for line in lines)
    assert all(len(line) <= 46 for line in lines)


def test_usg_score_mode_has_no_empty_quadrant_column() -> None:
    r = record()
    r["voting"]["criteria"] = [
        {"key": "urgency", "label": "Urgensi", "weight": 1.0},
        {"key": "seriousness", "label": "Keseriusan", "weight": 1.0},
        {"key": "growth", "label": "growth", "weight": 1.0},
    ]
    for p in r["programs"]:
        p["quadrant"] = None
        p["scores"] = {"urgency": 4.5, "seriousness": 3, "growth": 2.25, "total": 9.75, "voters": 3}
    md = render(r, "md").body.decode()
    assert "Kuadran" not in md and "kuadran menempatkan" not in md
    assert "| Urgensi | Keseriusan | Pertumbuhan (growth) | Skor total |" in md
    assert "| 4,5 | 3 | 2,25 | 9,75 |" in md  # each column in its own format
    assert "Kuadran" not in render(r, "html").body.decode().split('id="charts"')[0]


@pytest.mark.parametrize("language", ["id", "en"])
def test_quadrant_names_are_the_same_on_screen_and_in_the_report(language: str) -> None:
    pages = json.loads((ROOT / "web" / "i18n" / f"{language}.json").read_text("utf-8"))
    report = json.loads(
        (ROOT / "server" / "export" / "catalogue" / f"{language}.json").read_text("utf-8")
    )
    for key, name in report["quadrants"].items():
        assert pages[f"quadrant.{key}"] == name
    assert pages["usg.growth"] == report["criteria"]["growth"]
    assert pages["phase.vote"] == report["phases"]["vote"] or language == "en"


def test_indonesian_report_uses_the_facilitators_words() -> None:
    text = render(record(), "md").body.decode() + render(record(), "html").body.decode()
    text = re.sub(r"data:image[^)\"]+", "", text)
    for word in ("rekaman", "Rekaman", "pemungutan", "Pemungutan", "Pemilih", "pemilih",
                 " titik", "Prioritisasi", "Perkembangan", "Kode ruang", " log "):  # fmt: skip
        assert word not in text, word
    for word in ("Dokumen Hasil", "Kode lokakarya", "Penilaian", "5 suara per kriteria"):
        assert word in text, word


def test_the_cli_passes_sep_and_the_plan_table() -> None:
    from server.cli import parser

    args = parser().parse_args(["export", "SKA7Q2", "--format", "csv", "--table", "plan",
                                "--sep", ","])  # fmt: skip
    assert (args.table, args.sep) == ("plan", ",")
    assert parser().parse_args(["export", "SKA7Q2"]).sep is None  # by the room's language
    with pytest.raises(SystemExit):
        parser().parse_args(["export", "SKA7Q2", "--sep", "|"])
