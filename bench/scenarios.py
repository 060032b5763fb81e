"""The scenarios of issue 6, and how a smaller or shorter run is derived from them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Kind = Literal["load", "idle", "storm"]


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    kind: Kind
    rooms: int
    clients: int  # per room
    rate: float = 0.0  # ops per second per room
    duration: float = 12.0  # seconds of sending (load)
    what: str = ""

    @property
    def connections(self) -> int:
        return self.rooms * self.clients

    def scaled(self, scale: float, duration: float | None) -> Scenario:
        """Fewer clients (``scale`` < 1) and another length, for smoke runs and quick looks."""
        clients = max(2, round(self.clients * scale))
        return replace(self, clients=clients, duration=duration or self.duration)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("workshop", "load", 1, 300, 30.0, what="1 room, 300 clients, 30 ops/s"),
        Scenario("plenary", "load", 1, 1000, 20.0, what="1 room, 1000 clients, 20 ops/s"),
        Scenario("fleet", "load", 100, 30, 3.0, what="100 rooms x 30 clients, 3 ops/s each"),
        # Our server admits 2,000 participants a room: 5,000 idle sockets span 50 rooms.
        Scenario("idle", "idle", 50, 100, what="5,000 idle connections in 50 rooms"),
        Scenario("storm", "storm", 1, 300, what="300 clients resume at once after a restart"),
    )
}
