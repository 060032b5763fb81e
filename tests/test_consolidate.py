"""One regional plan from three regencies' records: matching, conflicts, shares, golden files
(JSON, HTML, and the workbook read back with openpyxl), ``POST /api/consolidate`` and
``spwt consolidate``."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.cli import main
from server.export.consolidated import render_plan
from server.planning.consolidate import consolidate, similarity
from server.planning.records import RecordError, read_record
from server.settings import Settings

from .fixtures.golden import assert_golden
from .fixtures.region import region_records

MAPPING = {"BNA234/p31": "wisata", "BMS456/p23": "wisata"}


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return region_records()


@pytest.fixture(scope="module")
def plan(records: list[dict[str, Any]]) -> dict[str, Any]:
    return consolidate([read_record(r) for r in records], MAPPING)


def _program(plan: dict[str, Any], key: str) -> dict[str, Any]:
    return next(p for p in plan["programs"] if p["key"] == key)


def test_programs_match_by_code_then_by_title(records: list[dict[str, Any]]) -> None:
    plan = consolidate([read_record(r) for r in records])
    road = _program(plan, "code:1.03.10")
    assert [m["match"]["by"] for m in road["members"]] == ["code"] * 3
    assert road["proposed_by"] == ["BNA234", "PBG345", "BMS456"]
    water = _program(plan, "code:1.03.03")
    # Purbalingga gave no code: its title matched Banjarnegara's coded program.
    assert [(m["source"], m["match"]["by"]) for m in water["members"]] == [
        ("BNA234", "code"),
        ("PBG345", "title"),
    ]
    assert water["members"][1]["match"]["score"] >= 0.5
    # Two tourism programs under different titles stay apart until a mapping joins them.
    assert {"title:BNA234/p31", "title:BMS456/p23"} <= {p["key"] for p in plan["programs"]}
    assert plan["mapping"]["PBG345/p23"] == "code:1.03.03"


def test_a_mapping_joins_and_separates(records: list[dict[str, Any]], plan: Any) -> None:
    tourism = _program(plan, "wisata")
    assert [m["ref"] for m in tourism["members"]] == ["BNA234/p31", "BMS456/p23"]
    assert {m["match"]["by"] for m in tourism["members"]} == {"mapping"}
    apart = consolidate([read_record(r) for r in records], {"PBG345/p23": None})
    assert [m["ref"] for m in _program(apart, "code:1.03.03")["members"]] == ["BNA234/p25"]
    assert _program(apart, "alone:PBG345/p23")["members"][0]["match"]["by"] == "mapping"
    # The mapping a plan returns gives the same plan back.
    again = consolidate([read_record(r) for r in records], plan["mapping"])
    assert [p["key"] for p in again["programs"]] == [p["key"] for p in plan["programs"]]


def test_a_mapping_naming_no_program_is_refused(records: list[dict[str, Any]]) -> None:
    with pytest.raises(RecordError) as refused:
        consolidate([read_record(r) for r in records], {"BNA234/p999": "x"})
    assert refused.value.path == "mapping.BNA234/p999"


def test_conflicts_leads_and_targets(plan: dict[str, Any]) -> None:
    water = _program(plan, "code:1.03.03")
    kinds = [(c["kind"], c.get("year")) for c in water["conflicts"]]
    # Both agree on 2027 (80 %): only 2031 differs; and the leads differ.
    assert kinds == [("leads", None), ("target", "2031")]
    assert water["conflicts"][0]["values"] == {
        "BNA234": ["Dinas PUPR"],
        "PBG345": ["Perumda Air Minum Tirta Perwira"],
    }
    road = _program(plan, "code:1.03.10")
    assert all(c["kind"] == "target" for c in road["conflicts"])  # one lead agency everywhere


def test_side_by_side_totals_and_shares(plan: dict[str, Any]) -> None:
    road = _program(plan, "code:1.03.10")
    assert road["pagu"] == sum(m["pagu"] for m in road["members"]) == 144_500_000_000
    assert sum(m["share"] for m in road["members"]) == pytest.approx(1, abs=1e-3)
    assert road["members"][0]["location"] == "Kec. Wanadadi, Kec. Punggelan"
    # Who raised it in each regency: the organisations whose cards made its cluster.
    assert road["members"][0]["proposers"] == ["Pemerintah Desa", "Bappeda"]
    first = road["members"][1]
    assert first["rank"] == 1 and first["quadrant"] == "priority" and first["leads"]
    assert first["scores"]["urgency"] == 4
    assert plan["totals"]["pagu"] == sum(s["pagu"] for s in plan["sources"])
    assert plan["totals"]["budget"]["2027"] == 38_500_000_000


def test_similarity_reads_titles_as_the_assistant_does() -> None:
    assert similarity("Penyediaan air minum perdesaan", "Penyediaan Air Minum di Perdesaan") == 1
    assert similarity("Peningkatan jalan desa", "Desa wisata") < 0.5


@pytest.mark.parametrize("language", ["id", "en"])
def test_golden_json_and_html(plan: dict[str, Any], language: str) -> None:
    if language == "id":
        assert_golden("region-plan.json", render_plan(plan, "json").body)
    html = render_plan(plan, "html", language).body
    assert_golden(f"region-plan-{language}.html", html)
    assert_golden(f"region-plan-{language}.md", render_plan(plan, "md", language).body)


def test_golden_workbook_read_back(plan: dict[str, Any]) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(render_plan(plan, "xlsx").body))
    assert workbook.sheetnames == ["Sumber", "Program", "Target", "Perbedaan"]
    cells = {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in workbook.worksheets
    }
    program = workbook["Program"]
    amount = program.cell(row=2, column=11)
    assert isinstance(amount.value, int) and amount.number_format == "#,##0"
    body = json.dumps(cells, ensure_ascii=False, indent=1).encode() + b"\n"
    assert_golden("region-plan-xlsx.json", body)


def test_formula_like_titles_are_neutralised(records: list[dict[str, Any]]) -> None:
    edited = copy.deepcopy(records)
    edited[0]["programs"][0]["title"] = '=HYPERLINK("http://x")'
    plan = consolidate([read_record(r) for r in edited])
    sheet = openpyxl.load_workbook(io.BytesIO(render_plan(plan, "xlsx").body))["Program"]
    assert sheet.cell(row=2, column=1).value.startswith("'=")
    assert (
        "<script>"
        not in render_plan(
            consolidate([read_record(r) for r in edited], title="<script>x</script>"), "html"
        ).body.decode()
    )


# --- over HTTP ------------------------------------------------------------------------


def test_post_consolidate_in_every_format(client: TestClient, records: Any) -> None:
    for fmt, media in (("json", "application/json"), ("html", "text/html"),
                       ("md", "text/markdown"), ("xlsx", "application/vnd.openxml")):  # fmt: skip
        response = client.post(
            "/api/consolidate", json={"records": records, "format": fmt, "mapping": MAPPING}
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(media)
        assert "attachment" in response.headers["content-disposition"]
    assert response.status_code == 200
    plan = client.post("/api/consolidate", json={"records": records}).json()
    assert plan["schema"] == "spwt.consolidated/1" and len(plan["sources"]) == 3


def test_post_consolidate_names_the_bad_record(client: TestClient, records: Any) -> None:
    bad = [records[0], {**records[1], "schema": "other/1"}]
    response = client.post("/api/consolidate", json={"records": bad})
    assert response.status_code == 422
    assert response.json()["error"]["path"] == "records.1.schema"
    response = client.post("/api/consolidate", json={"records": [records[0], 5]})
    assert response.json()["error"] == {
        "code": "not_a_record", "path": "records.1",
        "message": "records.1: this is not a scenario record (schema, room …)",
    }  # fmt: skip
    response = client.post("/api/consolidate", json={"records": records, "format": "pdf"})
    assert response.status_code == 400 and response.json()["error"]["path"] == "format"
    response = client.post(
        "/api/consolidate", json={"records": records, "mapping": {"NOPE/p1": "x"}}
    )
    assert response.status_code == 422


def test_post_consolidate_is_limited(tmp_path: Path, records: Any) -> None:
    settings = Settings(data=str(tmp_path), consolidations_per_ip_per_hour=3, max_record=30_000)
    with TestClient(create_app(settings)) as client:
        big = copy.deepcopy(records[0])
        big["programs"][0]["policies"] = ["x" * 40_000]
        response = client.post("/api/consolidate", json={"records": [big]})
        assert response.status_code == 413 and response.json()["error"]["path"] == "records.0"
        assert client.post("/api/consolidate", json={"records": records}).status_code == 200
        preview = {"title": "x", "from": records[0], "preview": True}
        assert client.post("/api/rooms", json=preview).status_code == 200
        response = client.post("/api/consolidate", json={"records": records})
        assert response.status_code == 429
        assert client.post("/api/rooms", json=preview).status_code == 429


# --- spwt consolidate -----------------------------------------------------------------


def test_cli_consolidates_files_with_a_mapping(tmp_path: Path, records: Any, plan: Any) -> None:
    files = []
    for n, record in enumerate(records):
        path = tmp_path / f"r{n}.json"
        path.write_text(json.dumps(record))
        files.append(str(path))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MAPPING))
    out = tmp_path / "plan.xlsx"
    assert main(["consolidate", *files, "--mapping", str(mapping), "-o", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames[0] == "Sumber"
    out = tmp_path / "plan.json"
    assert main(["consolidate", *files, "--mapping", str(mapping), "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == plan


def test_cli_says_which_file_is_wrong(
    tmp_path: Path, records: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(records[0]))
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    assert main(["consolidate", str(good), str(bad), "-o", str(tmp_path / "x.md")]) == 1
    assert "bad.json: the file is not JSON" in capsys.readouterr().err
    assert main(["consolidate", str(good), "-o", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.md").exists()


def test_an_anonymous_room_names_no_proposers(records: list[dict[str, Any]]) -> None:
    anonymous = copy.deepcopy(records[0])
    for note in anonymous["notes"]:
        del note["author"]  # as the record of an anonymous room has it
    plan = consolidate([read_record(anonymous)])
    assert all(m["proposers"] == [] for p in plan["programs"] for m in p["members"])
