"""The program matrix rules (``rules/plans.py``): numbers are numbers, years are the plan's."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from server.state import Entry, parse_logged_op, replay
from server.state.models import plan_years
from server.state.ops import InvalidOp
from server.state.plan_models import YearRange
from server.state.record import build_record

from .asgi import event_where, hello, new_room, next_of, op
from .board import Board


@pytest.fixture
def b() -> Board:
    board = Board()  # created in November 2023: a PWTJM room plans 2024-2028
    board.phase("roles")
    return board


def update(b: Board, program: str, **fields: object) -> None:
    b.do(b.facilitator, "program.update", program=program, **fields)


def invalid(b: Board, **fields: object) -> str:
    """The message of a program.update the protocol refuses before any rule sees it."""
    with pytest.raises(InvalidOp) as refused:
        b.attempt(b.facilitator, "program.update", **fields)
    return str(refused.value)


def test_indicator_values_are_numbers_or_short_texts(b: Board) -> None:
    program = b.program()
    indicator = {
        "name": "Jalan kabupaten mantap", "unit": "%", "kind": "outcome", "baseline": 62.5,
        "baseline_year": 2023, "targets": {"2024": 65, "2028": 80.25}, "final": 80.25,
        "source": "Dinas PUPR",
    }  # fmt: skip
    qualitative = {"name": "Perda RTRW", "unit": "dokumen", "baseline": "Belum ada",
                   "targets": {"2025": "Tersedia"}, "final": "Tersedia"}  # fmt: skip
    update(b, program, indicators=[indicator, qualitative])
    first, second = b.state.programs[program].indicators
    assert (first.baseline, first.targets, first.final) == (
        62.5,
        {"2024": 65, "2028": 80.25},
        80.25,
    )
    assert first.kind == "outcome" and first.baseline_year == 2023 and first.source == "Dinas PUPR"
    assert second.targets == {"2025": "Tersedia"} and second.final == "Tersedia"


def test_wrong_types_are_invalid_and_name_the_field(b: Board) -> None:
    program = b.program()
    row = {"name": "Cakupan air minum", "targets": {"2024": [1]}}
    assert invalid(b, program=program, indicators=[row]).startswith("indicators.0.targets.2024")
    assert invalid(b, program=program, indicators=[{"name": "x", "kind": "impact"}]).startswith(
        "indicators.0.kind"
    )
    line = {"year": "2025", "amount": 10}
    assert invalid(b, program=program, budget=[line]).startswith("budget.0.year")
    for amount in (1.5e9, "12.500.000.000", -1, 10**15 + 1, True):
        message = invalid(b, program=program, budget=[{"year": 2025, "amount": amount}])
        assert message.startswith("budget.0.amount"), (amount, message)
    assert b.state.programs[program].budget == ()


def test_years_outside_the_plan_are_refused(b: Board) -> None:
    program = b.program()

    def refused(**fields: object) -> str:
        return b.refused(b.facilitator, "program.update", program=program, **fields)

    assert refused(budget=[{"year": 2030, "amount": 1}]) == "invalid"
    assert refused(indicators=[{"name": "x", "targets": {"2023": 1}}]) == "invalid"
    assert refused(indicators=[{"name": "x", "targets": {"tahun 1": 1}}]) == "invalid"
    update(b, program, budget=[{"year": 2024, "amount": 0}, {"year": 2028, "amount": 10**15}])
    assert [line.amount for line in b.state.programs[program].budget] == [0, 10**15]


def test_room_years_follow_the_horizon_until_configured(b: Board) -> None:
    assert plan_years(b.state) == YearRange(from_=2024, to=2028)
    event = b.do(b.facilitator, "room.configure", horizon="PWTJP")
    assert plan_years(b.state) == YearRange(from_=2024, to=2043)
    assert event["op"]["years"] == {"from": 2024, "to": 2043}  # pages never recompute them
    b.do(b.facilitator, "room.configure", horizon="annual")
    assert plan_years(b.state).years() == (2024,)
    b.do(b.facilitator, "room.configure", years={"from": 2025, "to": 2029})
    assert plan_years(b.state).years() == (2025, 2026, 2027, 2028, 2029)
    event = b.do(b.facilitator, "room.configure", years={"from": 2026, "to": 2030})
    assert event["op"]["years"] == {"from": 2026, "to": 2030}
    for years in (
        {"from": 2030, "to": 2026},
        {"from": 2026, "to": 2060},
        {"from": 1990, "to": 1995},
    ):
        assert b.refused(b.facilitator, "room.configure", years=years) == "invalid"


def test_room_level_venue_and_date(b: Board) -> None:
    b.do(b.facilitator, "room.configure", level="provinsi", venue="Aula Bappeda", date="2026-03-10")
    settings = b.state.settings
    assert (settings.level, settings.venue, settings.date) == (
        "provinsi",
        "Aula Bappeda",
        "2026-03-10",
    )
    with pytest.raises(InvalidOp):
        b.attempt(b.facilitator, "room.configure", level="desa")
    with pytest.raises(InvalidOp):
        b.attempt(b.facilitator, "room.configure", date="10 Maret 2026")


def test_programs_sit_under_a_mission_with_goal_and_target(b: Board) -> None:
    program = b.program()
    b.do(b.facilitator, "vision.set", text="Maju", missions=["Infrastruktur", "SDM"])
    update(b, program, mission=1, goal="Konektivitas", target="Jalan mantap")
    details = b.state.programs[program]
    assert (details.mission, details.goal, details.target) == (1, "Konektivitas", "Jalan mantap")
    assert b.refused(b.facilitator, "program.update", program=program, mission=2) == "invalid"
    update(b, program, mission=None)
    assert b.state.programs[program].mission is None
    update(b, program, goal="")  # what was not given stays; an empty text clears
    assert b.state.programs[program].goal == "" and b.state.programs[program].target


def test_partial_update_keeps_what_was_not_given(b: Board) -> None:
    program = b.program()
    update(b, program, budget=[{"year": 2025, "amount": 5}], location="Topoyo")
    event = b.do(b.facilitator, "program.update", program=program, goal="Tujuan")
    assert set(event["op"]) == {"kind", "program", "goal"}
    assert b.state.programs[program].budget[0].amount == 5


def test_logs_before_numbers_still_replay(b: Board) -> None:
    """Budget lines once had text years and float amounts; indicators had text values."""
    program = b.program()
    old = {
        "kind": "program.update", "program": program,
        "indicators": [{"name": "Jalan", "unit": "%", "baseline": "40",
                        "targets": {"2025": "60"}, "final": "80"}],
        "budget": [{"year": "2025", "amount": 1500000000.0, "source": "APBD"}],
    }  # fmt: skip
    entry = Entry(seq=b.state.seq + 1, at=b.clock + 1, by=b.facilitator, op=parse_logged_op(old))
    state = replay([*b.log, entry])
    details = state.programs[program]
    assert details.indicators[0].targets == {"2025": "60"} and details.indicators[0].final == "80"
    assert details.budget[0].year == 2025 and details.budget[0].amount == 1_500_000_000


def test_codes_come_from_the_national_nomenclature_at_the_rooms_level(b: Board) -> None:
    program = b.program()
    update(b, program, code=" 1.03.10 ")
    assert b.state.programs[program].code == "1.03.10"
    record = build_record(b.state).to_json_dict()["programs"][0]
    assert record["nomenclature"] == "PROGRAM PENYELENGGARAAN JALAN"
    assert record["bidang"]["code"] == "1.03" and record["urusan"]["code"] == "1"
    assert b.refused(b.facilitator, "program.update", program=program, code="9.99.99") == "invalid"
    # 7.01 (kecamatan) belongs to kabupaten and kota; a province has no such program.
    update(b, program, code="7.01.02")
    b.do(b.facilitator, "room.configure", level="provinsi")
    assert b.refused(b.facilitator, "program.update", program=program, code="7.01.02") == "invalid"
    update(b, program, code=None)
    assert build_record(b.state).to_json_dict()["programs"][0]["code"] is None


def test_program_details() -> None:
    b = Board()  # from the lobby, not the fixture's roles phase
    alice = b.join("Alice")
    program = b.program()
    b.phase("roles")
    indicator = {"name": "Jalan mantap", "unit": "%", "baseline": 40, "targets": {"2027": 60}}
    b.do(
        alice, "program.update", program=program, location="Kec. Topoyo", policies=["Prioritas"],
        indicators=[indicator], budget=[{"year": 2027, "amount": 1_500_000_000, "source": "APBD"}],
    )  # fmt: skip
    details = b.state.programs[program]
    assert details.location == "Kec. Topoyo" and details.policies == ("Prioritas",)
    assert details.indicators[0].targets == {"2027": 60}
    assert b.refused(alice, "program.update", program=program, policies=["x"] * 51) == "too_long"
    assert b.refused(alice, "program.update", program=program, location="x" * 121) == "too_long"


def test_numbers_over_the_socket_are_kept_and_wrong_types_refused_by_name(
    client: TestClient,
) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "c", "cluster.add", title="Jalan")
        cluster = event_where(f, op_id="c")["op"]["cluster"]
        op(f, "p", "program.promote", cluster=cluster)
        program = event_where(f, op_id="p")["op"]["program"]
        years = client.get(
            f"/api/rooms/{room}/scenario", headers={"Authorization": f"Bearer {key}"}
        )
        first = years.json()["room"]["years"]["from"]
        indicator = {"name": "Jalan mantap", "unit": "%", "baseline": 62.5,
                     "targets": {str(first): 70}}  # fmt: skip
        budget = [{"year": first, "amount": 12_500_000_000, "source": "APBD Kabupaten/Kota"}]
        op(f, "ok", "program.update", program=program, indicators=[indicator], budget=budget)
        saved = event_where(f, op_id="ok")["op"]
        assert saved["budget"][0]["amount"] == 12_500_000_000
        assert saved["indicators"][0]["targets"] == {str(first): 70}
        op(f, "bad", "program.update", program=program,
           budget=[{"year": str(first), "amount": "12.500.000.000"}])  # fmt: skip
        refused = next_of(f, "rejected", "error")
        assert refused["code"] == "invalid" and "budget.0.year" in refused["message"]
    record = client.get(
        f"/api/rooms/{room}/scenario", headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert record["programs"][0]["budget"][0]["amount"] == 12_500_000_000  # unchanged
