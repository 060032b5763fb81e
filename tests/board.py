"""A tiny driver for the pure reducer, so that reducer tests read like a workshop."""

from __future__ import annotations

from typing import Any

from server.state import Entry, Rejected, RoomState, apply, create, parse_client_op, parse_logged_op
from server.state.ops import RoomCreate


class Board:
    def __init__(
        self, title: str = "Lokakarya S-PWT", start: int = 1_700_000_000_000, **limits: int
    ):
        op = RoomCreate(kind="room.create", code="TEST42", title=title, **limits)
        self.clock = start
        self.state: RoomState = create(Entry(seq=1, at=start, by="", op=op))
        self.log: list[Entry] = [Entry(seq=1, at=start, by="", op=op)]
        self.facilitator = self.join("Fasilitator", role="facilitator")

    def _entry(self, by: str, op: Any, op_id: str = "", via: str = "") -> Entry:
        self.clock += 1000
        return Entry(seq=self.state.seq + 1, at=self.clock, by=by, op_id=op_id, op=op, via=via)

    def attempt(
        self, by: str, kind: str, /, via: str = "", **fields: Any
    ) -> dict[str, Any] | Rejected:
        """``via``: the facilitator sends the op on behalf of ``by`` (a paper participant)."""
        entry = self._entry(
            by, parse_client_op({"kind": kind, **fields}), op_id=f"op{self.state.seq}", via=via
        )
        result = apply(self.state, entry)
        if isinstance(result, Rejected):
            return result
        self.state, event = result
        self.log.append(entry)
        return event

    def do(self, by: str, kind: str, /, via: str = "", **fields: Any) -> dict[str, Any]:
        result = self.attempt(by, kind, via, **fields)
        assert not isinstance(result, Rejected), f"{kind} refused: {result!r}"
        return result

    def refused(self, by: str, kind: str, /, via: str = "", **fields: Any) -> str:
        """The rejection code of an op that must be refused (and must change nothing)."""
        before = self.state
        result = self.attempt(by, kind, via, **fields)
        assert isinstance(result, Rejected), f"{kind} was accepted: {result}"
        assert self.state is before
        return result.code

    def join(self, name: str, org: str = "", role: str = "participant", **who: Any) -> str:
        """``who``: the hello's ``category``, ``position``, ``gender``."""
        op = parse_logged_op(
            {"kind": "participant.join", "name": name, "org": org, "role": role, **who}
        )
        entry = self._entry("", op)
        result = apply(self.state, entry)
        assert not isinstance(result, Rejected), result
        self.state, event = result
        self.log.append(entry)
        return event["op"]["participant"]

    def phase(self, phase: str) -> None:
        self.do(self.facilitator, "phase.set", phase=phase)

    # Shortcuts for the usual path of a workshop.
    def note(self, by: str, text: str = "Jalan desa rusak") -> str:
        return self.do(by, "note.add", text=text)["op"]["note"]

    def cluster(self, by: str, title: str = "Infrastruktur") -> str:
        return self.do(by, "cluster.add", title=title)["op"]["cluster"]

    def program(self, title: str = "Infrastruktur") -> str:
        phase = self.state.phase
        cluster = self.do(self.facilitator, "cluster.add", title=title)["op"]["cluster"]
        program = self.do(self.facilitator, "program.promote", cluster=cluster)["op"]["program"]
        assert self.state.phase == phase
        return program

    def paper(self, name: str = "Pak Karto", **who: Any) -> str:
        """A paper participant, added by the facilitator."""
        event = self.do(self.facilitator, "participant.add", name=name, **who)
        return event["op"]["participant"]

    def actor(self, name: str = "Dinas PUPR", category: str = "agency") -> str:
        return self.do(self.facilitator, "actor.add", name=name, category=category)["op"]["actor"]
