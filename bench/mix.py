"""The op mix of a workshop's busy hour, and the fixed-rate send plan of one worker.

A run is cut into segments that follow the S-PWT flow: ``issues`` (everyone writes
cards), ``cluster`` (cards are moved around and grouped: mostly ``note.move``), ``vote``
(dots cast and taken back, so that no one runs out of dots however long the run). On our
server the facilitator switches the phase between segments; no op is sent in the
``GUARD`` seconds around a switch, so that none is refused for arriving in the wrong phase.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

SEGMENTS = ("issues", "cluster", "vote")
GUARD = 0.15
CRITERIA = ("feasibility", "urgency")
PLACES = ("Kecamatan Ciawi", "Desa Sukamaju", "Kota Bogor", "Kabupaten Sikka", "Pulau Palue")
TOPICS = (
    "jalan desa rusak, perlu perbaikan drainase",
    "air bersih sulit saat kemarau",
    "potensi wisata pantai belum dikelola",
    "harga pupuk mahal bagi petani",
    "puskesmas kekurangan tenaga bidan",
)


@dataclass(frozen=True, slots=True)
class Seeds:
    """Ids that exist in a room before the run: cards to move, clusters, programs."""

    notes: tuple[str, ...]
    clusters: tuple[str, ...]
    programs: tuple[str, ...]

    @classmethod
    def synthetic(cls) -> Seeds:
        """Plausible ids for servers without a board (the payload only has to look alike)."""
        return cls(
            notes=tuple(f"n{i}" for i in range(4, 16)),
            clusters=("c16", "c17", "c18", "c19"),
            programs=("p20", "p21", "p22"),
        )


def segment_at(offset: float, duration: float) -> str:
    return SEGMENTS[min(len(SEGMENTS) - 1, int(offset / duration * len(SEGMENTS)))]


def switch_times(duration: float) -> list[float]:
    return [duration * i / len(SEGMENTS) for i in range(1, len(SEGMENTS))]


def next_op(
    segment: str, voted: tuple[str, str] | None, seeds: Seeds, notes: list[str], rng: random.Random
) -> tuple[dict[str, Any], tuple[str, str] | None]:
    """The op a participant sends in ``segment``, and the dot it has out afterwards."""
    if segment == "issues":
        text = f"{rng.choice(PLACES)}: {rng.choice(TOPICS)}"
        op = {"kind": "note.add", "text": text, "x": rng.randrange(900), "y": rng.randrange(700)}
        return op, voted
    if segment == "cluster":
        note = rng.choice(notes) if notes and rng.random() < 0.5 else rng.choice(seeds.notes)
        if rng.random() < 0.7:
            return {"kind": "note.move", "note": note, "x": rng.randrange(900),
                    "y": rng.randrange(700)}, voted  # fmt: skip
        return {"kind": "note.cluster", "note": note, "cluster": rng.choice(seeds.clusters)}, voted
    if voted is not None:
        return {"kind": "vote.retract", "program": voted[0], "criterion": voted[1]}, None
    dot = (rng.choice(seeds.programs), rng.choice(CRITERIA))
    return {"kind": "vote.cast", "program": dot[0], "criterion": dot[1]}, dot


def plan(
    rooms: dict[int, int], rate: dict[int, float], duration: float, rng: random.Random
) -> list[tuple[float, int, int]]:
    """``(offset s, room, k)``: this worker's sends, ``k`` picking the room's next client.

    ``rooms`` maps a room to how many of its clients live in this worker, ``rate`` to this
    worker's share of the room's ops per second. Each room starts at a random offset within
    its first interval so that a hundred rooms do not fire in lockstep.
    """
    switches = switch_times(duration)
    sends: list[tuple[float, int, int]] = []
    for room, count in rooms.items():
        share = rate.get(room, 0.0)
        if count == 0 or share <= 0:
            continue
        interval = 1.0 / share
        start = rng.random() * interval
        k = 0
        for n in range(int(duration * share)):
            at = start + n * interval
            if at >= duration or any(abs(at - s) < GUARD for s in switches):
                continue
            sends.append((at, room, k))
            k += 1
    sends.sort()
    return sends
