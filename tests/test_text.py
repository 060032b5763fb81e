"""Text that lies: NUL and bidirectional controls are stripped from every text field.

One rule (``server/state/text.py``): client ops are cleaned as they are parsed, so the event
everyone is sent holds the same text as the state; the reducer's text checks clean again, for
logs written before the rule and for the server's own ops (joins, the room's creation).
"""

from __future__ import annotations

import typing
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from server.state import Entry, parse_client_op, parse_logged_op, replay
from server.state.ops import CLIENT_OPS
from server.state.text import UNSAFE, clean, clean_tree

from .asgi import hello, new_room
from .board import Board

LIES = "\x00\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
SPOOF = "\u202egnp.exe"  # reads "exe.png"


def lying(text: str) -> str:
    """``text`` with every unsafe character in it, before, inside and after."""
    return f"{LIES}{text[:1]}{SPOOF[0]}{text[1:]}\u2066"


def test_clean_strips_exactly_the_unsafe_characters() -> None:
    assert clean(SPOOF) == "gnp.exe"
    assert clean(LIES) == ""
    assert all(UNSAFE.fullmatch(c) for c in LIES)
    kept = "Jalan desa rusak\t\n — مرحبا 路 ✓ \u200d"  # tabs, other scripts, joiners stay
    assert clean(kept) == kept
    assert clean_tree({"a\u202e": [SPOOF, 1, None, {"b": "\x00c"}]}) == {
        "a": ["gnp.exe", 1, None, {"b": "c"}]
    }


def _has_text(annotation: Any) -> bool:
    if annotation is str:
        return True
    fields = getattr(annotation, "model_fields", None)
    if fields is not None:
        return any(_has_text(f.annotation) for f in fields.values())
    return any(_has_text(a) for a in typing.get_args(annotation))


def _text_ops(
    b: Board, program: str, cluster: str, note: str, group: str, actor: str
) -> dict[str, dict[str, Any]]:
    """One op per client kind with free text, every text field of it lying."""
    x = lying
    indicator = {
        "name": x("Cakupan air"), "unit": x("%"), "baseline": x("40"),
        "targets": {x("2027"): x("60")}, "final": x("80"),
    }  # fmt: skip
    return {
        "note.add": {"text": x("Jalan rusak")},
        "note.edit": {"note": note, "text": x("Jalan desa rusak")},
        "cluster.add": {"title": x("Air bersih")},
        "cluster.rename": {"cluster": cluster, "title": x("Air minum")},
        "program.promote": {"cluster": cluster, "title": x("Program air")},
        "actor.add": {"name": x("Dinas PUPR"), "category": "agency"},
        "program.update": {
            "program": program,
            "title": x("Program jalan"),
            "policies": [x("Prioritas")],
            "strategies": [x("Padat karya")],
            "location": x("Kec. Alok"),
            "timeframe": x("2026-2028"),
            "indicators": [indicator],
            "budget": [{"year": 2027, "amount": 1_000_000_000, "source": x("APBD")}],
        },
        "vision.set": {"text": x("Sikka sehat"), "missions": [x("Air bersih untuk semua")]},
        "room.configure": {
            "title": x("Lokakarya"),
            "region": x("Sikka"),
            "voting": {"mode": "dots", "criteria": [{"key": "urgency", "label": x("Urgensi")}]},
        },
        "snapshot.take": {"label": x("Hasil")},
        "group.add": {"name": x("Kelompok ekonomi")},
        "participant.add": {"name": x("Pak Tani"), "org": x("Poktan"), "position": x("Ketua")},
        "participant.update": {
            "name": x("Fasilitator"),
            "org": x("Bappeda"),
            "position": x("Kabid"),
        },
        "commitment.set": {"program": program, "actor": actor, "text": x("Menyediakan lahan")},
        "followup.add": {"text": x("Rapat lanjutan"), "due": x("Maret 2027")},
        "group.rename": {"group": group, "name": x("Kelompok sosial")},
    }


def test_every_text_field_of_every_op_is_cleaned_in_the_event_and_the_state() -> None:
    b = Board()
    alice = b.join(lying("Alice"), org=lying("Bappeda"))
    b.phase("issues")
    note = b.note(alice, "Kartu")
    program = b.program("Jalan")
    cluster = b.cluster(b.facilitator, "Air")
    group = b.do(b.facilitator, "group.add", name="Kelompok 1")["op"]["group"]
    b.phase("roles")
    actor = b.actor("Yayasan Pesisir", "ngo")
    ops = _text_ops(b, program, cluster, note, group, actor)
    texty = {op.model_fields["kind"].annotation.__args__[0] for op in CLIENT_OPS if _has_text(op)}
    assert texty - {"note.move", "note.delete"} <= set(ops) | _ID_ONLY, "a kind with text untested"
    events = []
    for kind, fields in ops.items():
        b.phase("roles" if kind in ("actor.add", "program.update") else "cluster")
        if kind in ("note.add", "vision.set"):
            b.phase("issues")
        events.append(b.do(b.facilitator if kind != "note.add" else alice, kind, **fields))
    for event in events:
        assert not UNSAFE.search(orjson.dumps(event).decode()), event
    state = orjson.dumps(b.state.model_dump(mode="json")).decode()
    assert not UNSAFE.search(state) and "\\u0000" not in state
    assert b.state.participants[alice].name == "Alice"
    assert b.state.settings.voting.criteria[0].label == "Urgensi"
    assert b.state.programs[program].indicators[0].targets == {"2027": "60"}


# Kinds whose strings are ids or choices from a list, never shown as typed.
_ID_ONLY = {
    "note.cluster", "note.restore", "cluster.delete", "cluster.merge", "program.drop", "vote.cast",
    "vote.retract", "vote.score", "matrix.set", "phase.set", "focus.set", "participant.remove",
    "group.delete", "group.assign", "group.join", "groups.auto", "group.rapporteur",
    "followup.delete",
}  # fmt: skip


def test_text_of_nothing_but_controls_is_empty_and_refused() -> None:
    b = Board()
    alice = b.join("Alice")
    b.phase("issues")
    assert b.refused(alice, "note.add", text=LIES) == "invalid"
    assert b.refused(b.facilitator, "room.configure", title="\u202e\u2066 ") == "invalid"


def test_logs_written_before_the_rule_replay_cleaned() -> None:
    b = Board()
    alice = b.join("Alice")
    b.phase("issues")
    old = parse_logged_op({"kind": "note.add", "text": SPOOF})  # as an old log holds it
    entry = Entry(seq=b.state.seq + 1, at=b.clock + 1, by=alice, op_id="old", op=old)
    state = replay([*b.log, entry])
    assert [n.text for n in state.notes.values()] == ["gnp.exe"]


@pytest.mark.parametrize(("text", "kept"), [(SPOOF, "gnp.exe"), ("a\x00b", "ab")])
def test_parsing_a_client_op_cleans_it(text: str, kept: str) -> None:
    assert parse_client_op({"kind": "note.add", "text": text}).normalised()["text"] == kept


def test_hello_and_room_creation_clean_their_text(client: TestClient) -> None:
    room, _ = new_room(client, title=lying("Musrenbang"), region=lying("Sikka"))
    assert client.get(f"/api/rooms/{room}").json()["title"] == "Musrenbang"
    with client.websocket_connect(f"/ws/{room}") as ws:
        you = hello(ws, name=lying("Budi"), org=lying("Bappeda"))["you"]
        assert (you["name"], you["org"]) == ("Budi", "Bappeda")
    with client.websocket_connect(f"/ws/{room}") as ws:
        assert hello(ws, name=LIES)["you"]["name"] == "Peserta"  # nothing left: the default
