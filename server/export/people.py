"""Who took part and what they agreed to, as the report and the berita acara show it.

From the record: the attendance list (daftar hadir) with each person's category, position
and organisation; the participation summary and the categories nobody represents; each
actor's commitments per program; the follow-up plan; and, once the votes are revealed,
each program's votes per participant category. A category's scores are compared as shares
of what that category gave all programs, so that a group of 30 officials and a group of 5
citizens can be set side by side: where the shares differ, the groups disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .i18n import Catalogue


@dataclass(frozen=True)
class Attendee:
    name: str
    position: str
    org: str
    category: str  # the category's name in the report's language, or ""
    gender: str
    role: str  # facilitator or participant
    paper: bool


@dataclass(frozen=True)
class Commitment:
    program: str  # its title
    text: str


@dataclass(frozen=True)
class ActorCommitments:
    actor: str  # its name
    items: tuple[Commitment, ...]


@dataclass(frozen=True)
class Followup:
    text: str
    actor: str  # a name, or ""
    due: str


@dataclass(frozen=True)
class GroupScore:
    """One category's votes on one program: ``share`` is its weighted total as a part of the
    category's totals over all programs (0 to 1). None when suppressed: fewer than 3 voters
    in an anonymous room."""

    category: str
    key: str
    total: float | None
    voters: int | None
    share: float | None

    @property
    def suppressed(self) -> bool:
        return self.total is None


@dataclass(frozen=True)
class People:
    attendees: tuple[Attendee, ...]
    by_category: tuple[tuple[str, int], ...]  # (name, count), every category
    by_gender: tuple[tuple[str, int], ...]
    voters: int
    missing: tuple[str, ...]  # names of the categories nobody represents
    commitments: tuple[ActorCommitments, ...]
    followups: tuple[Followup, ...]
    split: tuple[tuple[str, tuple[GroupScore, ...]], ...]  # (program title, groups), ranked
    fingerprint: str

    @property
    def has_split(self) -> bool:
        """Whether there are groups to compare: two or more categories of voters."""
        return len({g.key for _, groups in self.split for g in groups}) > 1

    @property
    def has_suppressed(self) -> bool:
        return any(g.suppressed for _, groups in self.split for g in groups)

    @property
    def has_paper(self) -> bool:
        return any(a.paper for a in self.attendees)


def people_view(record: dict[str, Any], t: Catalogue) -> People:
    """The people, commitments and group scores of ``record``, named in ``t``'s language."""
    actors = {a["id"]: a["name"] for a in record["actors"]}
    attendees = tuple(
        Attendee(
            name=p["name"],
            position=p.get("position", ""),
            org=p["org"],
            category=t.name("participant_categories", p.get("category")),
            gender=t.name("genders", p.get("gender")),
            role=p["role"],
            paper=bool(p.get("paper")),
        )
        for p in record["participants"]
        if p["role"] != "observer"
    )
    part = record.get("participation") or {}
    return People(
        attendees=attendees,
        by_category=_named(t, "participant_categories", part.get("by_category", {})),
        by_gender=_named(t, "genders", part.get("by_gender", {})),
        voters=int(part.get("voters", 0)),
        missing=tuple(t.name("participant_categories", c) for c in part.get("missing", ())),
        commitments=_commitments(record, actors),
        followups=tuple(
            Followup(text=f["text"], actor=actors.get(f.get("actor") or "", ""), due=f["due"])
            for f in record.get("followups", ())
        ),
        split=_split(t, record["programs"]),
        fingerprint=record.get("fingerprint") or "",
    )


def _named(t: Catalogue, group: str, counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple((t.name(group, key), n) for key, n in counts.items())


def _commitments(record: dict[str, Any], actors: dict[str, str]) -> tuple[ActorCommitments, ...]:
    """Per actor, in the order of the actors, what it committed to for each program."""
    per_actor: dict[str, list[Commitment]] = {a: [] for a in actors}
    for program in record["programs"]:
        for row in program.get("commitments", ()):
            if row["actor"] in per_actor:
                per_actor[row["actor"]].append(Commitment(program["title"], row["text"]))
    return tuple(
        ActorCommitments(actors[a], tuple(items)) for a, items in per_actor.items() if items
    )


def _split(
    t: Catalogue, programs: list[dict[str, Any]]
) -> tuple[tuple[str, tuple[GroupScore, ...]], ...]:
    scored = [(p["title"], (p.get("scores") or {}).get("by_category") or {}) for p in programs]
    given: dict[str, float] = {}
    for _, split in scored:
        for key, row in split.items():
            if not row.get("suppressed"):
                given[key] = given.get(key, 0.0) + float(row.get("total", 0))
    result = []
    for title, split in scored:
        groups = []
        for key, row in split.items():
            name = t.name("participant_categories", key)
            if row.get("suppressed"):
                groups.append(GroupScore(name, key, None, None, None))
                continue
            total = float(row.get("total", 0))
            share = total / given[key] if given.get(key) else 0.0
            groups.append(GroupScore(name, key, total, int(row.get("voters", 0)), share))
        result.append((title, tuple(groups)))
    return tuple(result) if any(groups for _, groups in result) else ()
