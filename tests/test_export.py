"""The renderers on the fixed Sikka workshop: golden files of every format, the JSON Schema,
the workbook read back with openpyxl, file names and the interface the API calls."""

from __future__ import annotations

import csv
import io
import json

import jsonschema
import openpyxl
import orjson
import pytest

from server.export import FORMATS, render
from server.export.i18n import catalogue
from server.state.record import build_record, record_schema

from .fixtures.golden import assert_golden
from .fixtures.workshop import Workshop, record

GOLDEN_CASES = [
    ("md", None, {}, "sikka.md"),
    ("html", None, {}, "sikka.html"),
    ("csv", None, {}, "sikka-programs.csv"),
    ("csv", "matrix", {}, "sikka-matrix.csv"),
    ("csv", "plan", {}, "sikka-plan.csv"),
    ("csv", "plan", {"language": "en"}, "sikka-plan-en.csv"),
    ("json", None, {}, "sikka.json"),
    ("md", None, {"language": "en"}, "sikka-en.md"),
    ("html", None, {"language": "en"}, "sikka-en.html"),
    ("md", None, {"reveal": False}, "sikka-unrevealed.md"),
]


@pytest.mark.parametrize(("fmt", "table", "variant", "name"), GOLDEN_CASES)
def test_golden(fmt: str, table: str | None, variant: dict[str, object], name: str) -> None:
    assert_golden(name, render(record(**variant), fmt, table=table).body)


def test_the_example_is_the_workshop_the_issue_asks_for() -> None:
    r = record()
    assert len(r["notes"]) >= 40
    assert len(r["programs"]) == 6
    assert len(r["actors"]) == 8
    assert r["voting"]["revealed"] is True
    assert {p["quadrant"] for p in r["programs"]} == {"priority", "enable", "later", "drop"}


@pytest.mark.parametrize(
    "variant",
    [{}, {"language": "en"}, {"anonymous": True}, {"reveal": False}, {"hostile": True}],
)
@pytest.mark.parametrize("pretty", [True, False])
def test_json_output_is_the_record_and_fits_the_schema(
    variant: dict[str, object], pretty: bool
) -> None:
    r = record(**variant)
    out = render(r, "json", pretty=pretty)
    assert out.media_type == "application/json"
    assert orjson.loads(out.body) == r
    assert (b"\n  " in out.body) is pretty
    schema = record_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(out.body), schema, cls=jsonschema.Draft202012Validator)


def _workbook(variant: dict[str, object] | None = None) -> openpyxl.Workbook:
    body = render(record(**(variant or {})), "xlsx").body
    return openpyxl.load_workbook(io.BytesIO(body))


def _rows(sheet: object) -> list[tuple[object, ...]]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def test_xlsx_sheets_headers_and_values() -> None:
    book = _workbook()
    assert book.sheetnames == [
        "Ringkasan", "Program", "Matriks peran", "Rencana program", "Kartu", "Peserta",
    ]  # fmt: skip
    for sheet in book.worksheets[:3] + book.worksheets[4:]:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(8 <= w <= 60 for w in widths), (sheet.title, widths)
    programs = _rows(book["Program"])
    assert programs[0][:5] == ("Peringkat", "Program", "Kelompok", "Kelayakan", "Kemendesakan")
    assert programs[1][:8] == (
        1, "Percepatan penurunan stunting", "Kesehatan ibu dan anak", 13, 15, 28, 11, "Prioritas",
    )  # fmt: skip
    assert programs[1][8] == "Dinas Kesehatan"
    assert [row[0] for row in programs[1:]] == [1, 2, 3, 4, 5, 6]
    matrix = _rows(book["Matriks peran"])
    assert matrix[0][2] == "Bappeda Kabupaten Sikka"
    assert matrix[1][1] == "Percepatan penurunan stunting"
    assert "penanggung jawab" in matrix[1]
    assert matrix[6][-1] == "lebih dari satu penanggung jawab"
    plan = _rows(book["Rencana program"])
    assert plan[0][0] == "Indikasi rencana program prioritas yang disertai kebutuhan pendanaan"
    assert plan[2][:5] == (
        "Kode", "Urusan / bidang urusan / program", "Indikator kinerja (tolok ukur)", "Satuan",
        "Kondisi awal",
    )  # fmt: skip
    assert plan[2][6:16:2] == tuple(str(y) for y in range(2025, 2030))
    assert plan[3][4:8] == ("Capaian", "Tahun", "Target", "Rp")
    cards = _rows(book["Kartu"])
    assert cards[0][:2] == ("Isi kartu", "Penulis")
    assert len(cards) - 1 == len(record()["notes"])
    assert cards[1][:2] == ("Sikka sehat dan bebas stunting", "Agustina Wero")
    people = _rows(book["Peserta"])
    assert people[0][4:] == ("Jabatan", "Unsur", "Jenis kelamin")
    assert people[1][:4] == (
        "Maria Goreti Da Silva", "Bappeda Kabupaten Sikka", "Fasilitator", "10 Maret 2026 08.30",
    )  # fmt: skip
    assert people[2][4:] == ("Kepala Bidang Bina Marga", "Pemerintah (OPD)", "Laki-laki")
    assert "Layar proyektor" not in {row[0] for row in people}  # observers are not participants
    summary = dict(row[:2] for row in _rows(book["Ringkasan"]))
    assert summary["Dokumen hasil S-PWT"].startswith("Lokakarya S-PWT")


def test_xlsx_speaks_english_in_an_english_room() -> None:
    book = _workbook({"language": "en"})
    assert book.sheetnames == [
        "Summary", "Programs", "Role matrix", "Program plan", "Cards", "Participants",
    ]  # fmt: skip
    programs = _rows(book["Programs"])
    assert programs[0][:5] == ("Rank", "Program", "Cluster", "Feasibility", "Urgency")
    assert programs[1][7] == "Priority"
    assert "lead" in _rows(book["Role matrix"])[1]


def test_csv_is_excel_friendly_utf8_with_the_ranked_programs() -> None:
    out = render(record(), "csv")
    assert out.media_type == "text/csv; charset=utf-8"
    assert out.body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(out.body.decode("utf-8-sig")), delimiter=";"))
    assert b"\r\n" in out.body
    assert rows[0][0] == "Peringkat"
    assert [r[1] for r in rows[1:3]] == [
        "Percepatan penurunan stunting",
        "Penyediaan air minum dan sanitasi perdesaan",
    ]
    body = render(record(), "csv", table="matrix").body.decode("utf-8-sig")
    matrix = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert matrix[0][2:10] == [a["name"] for a in record()["actors"]]


def test_file_names_come_from_title_and_date() -> None:
    r = record()
    names = {fmt: render(r, fmt).filename for fmt in FORMATS}
    assert (
        names["md"]
        == "spwt-lokakarya-s-pwt-penyusunan-rpjmd-2025-2029-kabupaten-sikka-2026-03-10.md"
    )
    assert {n.rsplit(".", 1)[1] for n in names.values()} == set(FORMATS)
    assert render(r, "csv", table="matrix").filename.endswith("-2026-03-10-matrix.csv")
    r["room"]["title"] = 'Rapat "Ñusa" / ../../etc\r\nX: y'
    assert render(r, "md").filename == "spwt-rapat-nusa-etc-x-y-2026-03-10.md"
    r["room"]["title"] = "渋谷"
    r["snapshot"]["taken_at"] = ""
    assert render(r, "json").filename == "spwt-ska7q2-undated.json"


def test_media_types() -> None:
    r = record()
    assert render(r, "md").media_type == "text/markdown; charset=utf-8"
    assert render(r, "html").media_type == "text/html; charset=utf-8"
    assert render(r, "xlsx").media_type.endswith("spreadsheetml.sheet")


@pytest.mark.parametrize(
    ("fmt", "table"), [("pdf", None), ("", None), ("csv", "cards"), ("md", "x")]
)
def test_unknown_format_or_table_is_a_value_error(fmt: str, table: str | None) -> None:
    with pytest.raises(ValueError):
        render(record(), fmt, table=table)


def test_both_catalogues_have_the_same_keys() -> None:
    def keys(data: dict[str, object], prefix: str = "") -> set[str]:
        found = set()
        for key, value in data.items():
            found.add(prefix + key)
            if isinstance(value, dict):
                found |= keys(value, f"{prefix}{key}.")
        return found

    assert keys(catalogue("id").data) == keys(catalogue("en").data)
    assert catalogue("xx").language == "id"


def test_local_number_and_date_formats() -> None:
    id_, en = catalogue("id"), catalogue("en")
    assert (id_.money(15_600_000_000), en.money(15_600_000_000)) == (
        "15.600.000.000",
        "15,600,000,000",
    )
    assert (id_.number(4.5), en.number(4.5), id_.number(12.0)) == ("4,5", "4.5", "12")
    assert id_.datetime("2026-03-10T03:19:25Z") == "10 Maret 2026 03.19"
    assert en.datetime("2026-03-10T03:19:25Z") == "10 March 2026 03:19"
    assert id_.duration("2026-03-10T00:30:00Z", "2026-03-10T02:05:00Z") == "1 j 35 mnt"
    assert id_.date("not a date") == ""


def test_an_empty_room_renders_in_every_format() -> None:
    w = Workshop()
    r = build_record(w.state).to_json_dict()
    for fmt in FORMATS:
        assert render(r, fmt).body
    md = render(r, "md").body.decode()
    assert "Belum ada program." in md and "Tidak ada kartu." in md
    assert "Pernyataan visi belum ditetapkan." in md
    book = openpyxl.load_workbook(io.BytesIO(render(r, "xlsx").body))
    assert book["Program"].max_row == 1  # the header alone


def test_score_mode_with_usg_criteria_and_the_final_snapshot() -> None:
    """No feasibility/urgency pair: no quadrant chart, bars stacked by weighted criterion."""
    w = Workshop(language="en")
    f = w.join("Fasilitator", "Bappeda", role="facilitator")
    alice, bob = w.join("Alice", "Dinkes"), w.join("Bob", "PUPR")
    criteria = [
        {"key": "urgency", "weight": 2},
        {"key": "seriousness", "label": "Keseriusan (S)"},
        {"key": "growth"},
    ]
    w.do(f, "room.configure", voting={"mode": "score", "criteria": criteria})
    w.do(f, "phase.set", phase="cluster")
    programs = []
    for title in ("Air bersih", "Jalan desa"):
        cluster = w.do(f, "cluster.add", title=title)["cluster"]
        programs.append(w.do(f, "program.promote", cluster=cluster)["program"])
    w.do(f, "phase.set", phase="vote")
    for who, value in ((alice, 5), (bob, 4)):
        for key in ("urgency", "seriousness", "growth"):
            w.do(who, "vote.score", program=programs[0], criterion=key, value=value)
            w.do(who, "vote.score", program=programs[1], criterion=key, value=6 - value)
    w.do(f, "votes.reveal")
    w.do(f, "phase.set", phase="closed")
    r = build_record(w.state, w.state.snapshots[-1]).to_json_dict()
    assert r["snapshot"]["final"] is True

    html = render(r, "html").body.decode()
    assert "The quadrant chart needs the feasibility and urgency criteria." in html
    assert html.count("<svg") == 1
    assert "Urgency (\u00d7 2)" in html  # the weight is shown in the bar chart legend
    assert "Keseriusan (S)" in html and "Growth" in html
    assert "<dt>Record version</dt><dd><bdi>final record</bdi></dd>" in html
    md = render(r, "md").body.decode()
    assert "| 1 | Air bersih | 4.5 | 4.5 | 4.5 | 18 |" in md
    assert "| 2 | Jalan desa | 1.5 | 1.5 | 1.5 | 6 |" in md


def test_times_are_shown_in_the_rooms_zone() -> None:
    moment = "2026-03-10T20:30:00Z"
    assert catalogue("id", "UTC").datetime(moment) == "10 Maret 2026 20.30"
    assert catalogue("id", "WIB").datetime(moment) == "11 Maret 2026 03.30"  # the next day
    assert catalogue("en", "WITA").datetime(moment) == "11 March 2026 04:30"
    assert catalogue("id", "WIT").zone_label == "WIT (UTC+9)"
    assert catalogue("id", "Mars").zone == "UTC"  # unknown: as before zones existed


def test_file_names_carry_the_day_on_the_rooms_clock() -> None:
    r = record()
    r["snapshot"]["taken_at"] = "2026-03-10T20:30:00Z"
    assert render(r, "json").filename.endswith("-2026-03-11.json")  # WITA: 04.30 next day
    r["room"]["timezone"] = "UTC"
    assert render(r, "json").filename.endswith("-2026-03-10.json")
