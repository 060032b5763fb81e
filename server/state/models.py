"""The room state: what every replica of a room agrees on after applying the same log.

All models are frozen. The reducer never changes a model in place; it builds new ones
with ``model_copy(update=...)`` and shares everything it did not touch, so a state handed
out once (to a snapshot, a test, a renderer) never changes under its holder.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from . import counts
from .plan_models import BudgetLine, Indicator, Origin, Source, YearRange

PHASES: tuple[str, ...] = (
    "lobby",
    "vision",
    "issues",
    "cluster",
    "vote",
    "roles",
    "review",
    "closed",
)
ROLES_IN_MATRIX: tuple[str, ...] = ("lead", "support", "consult", "inform")
ACTOR_CATEGORIES: tuple[str, ...] = ("agency", "dprd", "ngo", "private", "community", "other")
# The elements Indonesian planning counts among participants (keterwakilan): the pentahelix
# (government, academia, business, community, media) plus the legislature (DPRD).
PARTICIPANT_CATEGORIES: tuple[str, ...] = (
    "government",
    "legislature",
    "academia",
    "business",
    "community",
    "media",
    "other",
)
GENDERS: tuple[str, ...] = ("female", "male")
HORIZONS: tuple[str, ...] = ("PWTJP", "PWTJM", "annual")
LANGUAGES: tuple[str, ...] = ("id", "en")
COLORS: tuple[str, ...] = ("yellow", "orange", "pink", "green", "blue", "purple", "white")

Role = Literal["facilitator", "participant", "observer"]
Horizon = Literal["PWTJP", "PWTJM", "annual"]
Language = Literal["id", "en"]
# Indonesia's three zones keep no daylight saving: a fixed offset each, in hours from UTC.
TimeZone = Literal["WIB", "WITA", "WIT", "UTC"]
UTC_OFFSETS: dict[str, int] = {"WIB": 7, "WITA": 8, "WIT": 9, "UTC": 0}
VotingMode = Literal["dots", "score"]
Category = Literal[
    "government", "legislature", "academia", "business", "community", "media", "other"
]
Gender = Literal["female", "male"]
Level = Literal["kabupaten", "kota", "provinsi"]
# How many years a horizon spans by default, counted from the year after the room's creation.
HORIZON_YEARS: dict[str, int] = {"PWTJP": 20, "PWTJM": 5, "annual": 1}


NO_FIELDS: set[str] = set()


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def model_post_init(self, context: Any, /) -> None:
        # Nothing asks a state model which of its fields were given, yet pydantic keeps that
        # set on every instance: 728 bytes for five fields, more than a participant's data.
        # One empty set serves them all: pydantic changes it only on copies it made itself.
        object.__setattr__(self, "__pydantic_fields_set__", NO_FIELDS)


class Limits(Frozen):
    """Per-room limits, fixed when the room is created from the server settings."""

    text: int = 500
    title: int = 120
    cards_per_person: int = 200


class Criterion(Frozen):
    key: str
    label: str
    weight: float = 1.0


DEFAULT_CRITERIA: tuple[Criterion, ...] = (
    Criterion(key="feasibility", label="Kelayakan (layak)", weight=1.0),
    Criterion(key="urgency", label="Kemendesakan (mendesak)", weight=1.0),
)


class Voting(Frozen):
    mode: VotingMode = "dots"
    criteria: tuple[Criterion, ...] = DEFAULT_CRITERIA


class Settings(Frozen):
    title: str
    region: str = ""
    horizon: Horizon = "PWTJM"
    language: Language = "id"
    # How reports show times (the log and the record keep UTC). New rooms get WIB from the
    # API; UTC here keeps the clock of rooms logged before rooms had a zone.
    timezone: TimeZone = "UTC"
    dots: int = 5
    max_per_item: int = 3
    anonymous: bool = False
    private_writing: bool = False
    phases: tuple[str, ...] = PHASES
    voting: Voting = Voting()
    years: YearRange | None = None  # set by the reducer; None only in states stored before
    level: Level = "kabupaten"
    venue: str = ""
    date: str = ""  # the workshop's day as people write it in the minutes (YYYY-MM-DD)
    # Working groups: in a grouped phase each participant writes and clusters in their group.
    self_select_groups: bool = False
    grouped_phases: tuple[str, ...] = ("issues", "cluster")
    groups_visible: bool = False


class Participant(Frozen):
    id: str
    name: str
    org: str = ""
    role: Role = "participant"
    joined_at: int
    removed: bool = False
    category: Category | None = None
    position: str = ""  # jabatan
    gender: Gender | None = None
    paper: bool = False  # added by the facilitator: no device, acts through ``on_behalf``


class Note(Frozen):
    id: str
    text: str
    author: str
    color: str = "yellow"
    x: float = 0.0
    y: float = 0.0
    cluster: str | None = None
    phase: str
    created_at: int
    group: str | None = None  # the working group it was written in; None: the plenary


class Cluster(Frozen):
    id: str
    title: str
    created_at: int
    group: str | None = None


class Group(Frozen):
    """A working group (kelompok kerja): a table of the room that writes and clusters apart."""

    id: str
    name: str
    rapporteur: str | None = None
    created_at: int


class Program(Frozen):
    id: str
    title: str
    cluster: str | None
    indicators: tuple[Indicator, ...] = ()
    policies: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    location: str = ""
    timeframe: str = ""
    budget: tuple[BudgetLine, ...] = ()
    code: str | None = None  # national nomenclature (Kepmendagri 050-5889/2021), e.g. 1.03.10
    mission: int | None = None  # index into the vision's missions
    goal: str = ""  # tujuan
    target: str = ""  # sasaran
    created_at: int


class Actor(Frozen):
    id: str
    name: str
    category: str = "agency"


class Followup(Frozen):
    """One line of the follow-up plan (rencana tindak lanjut)."""

    id: str
    text: str
    actor: str | None = None  # an actor id
    due: str = ""  # when, as people write it ("2027-03-31", "Triwulan I 2027")
    created_at: int


class Vision(Frozen):
    statement: str = ""
    missions: tuple[str, ...] = ()


class PhaseSpan(Frozen):
    key: str
    started_at: int
    ended_at: int | None = None


class Timer(Frozen):
    started_at: int
    seconds: int
    ends_at: int


class SnapshotInfo(Frozen):
    n: int
    seq: int
    label: str
    taken_at: int
    phase: str
    final: bool = False


UndoableKind = Literal["cluster.merge", "cluster.delete", "note.delete", "program.drop"]


class Undoable(Frozen):
    seq: int  # the op's own seq: ``op.undo`` names it
    kind: UndoableKind
    title: str  # what the console names: the cluster's or program's title, the card's text
    # cluster.merge and cluster.delete: the cluster, where its cards and program went
    # (``into``: None for a deletion) and the group the merged-into cluster had before.
    cluster: Cluster | None = None
    into: str | None = None
    into_group: str | None = None
    notes: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    # note.delete: the card.
    note: Note | None = None
    # program.drop: the program, its rows and the votes on it, under the voting they were
    # cast in (votes from before a change of the voting would break its budget).
    program: Program | None = None
    matrix: dict[str, str] = Field(default_factory=dict)
    commitments: dict[str, str] = Field(default_factory=dict)
    votes: dict[str, dict[str, int]] = Field(default_factory=dict)
    voting: Voting | None = None
    # The focus was on what the op removed (or moved off it).
    had_focus: bool = False


class RoomState(Frozen):
    """Everything a room agrees on. Times are epoch milliseconds taken from log entries."""

    code: str
    created_at: int
    seq: int = 0
    at: int = 0  # time of the last applied entry
    settings: Settings
    limits: Limits = Limits()
    phase: str = "lobby"
    phase_log: tuple[PhaseSpan, ...] = ()
    participants: dict[str, Participant] = Field(default_factory=dict)
    notes: dict[str, Note] = Field(default_factory=dict)
    # Cards deleted, kept (the last ``DELETED_KEPT``) so that their author or the
    # facilitator can restore one deleted by mistake (``note.restore``).
    deleted: dict[str, Note] = Field(default_factory=dict)
    clusters: dict[str, Cluster] = Field(default_factory=dict)
    programs: dict[str, Program] = Field(default_factory=dict)
    actors: dict[str, Actor] = Field(default_factory=dict)
    # program id -> actor id -> role
    matrix: dict[str, dict[str, str]] = Field(default_factory=dict)
    # program id -> actor id -> what the actor commits to
    commitments: dict[str, dict[str, str]] = Field(default_factory=dict)
    followups: dict[str, Followup] = Field(default_factory=dict)
    # participant id -> "program/criterion" -> dots used (dots mode) or score 1-5 (score mode)
    votes: dict[str, dict[str, int]] = Field(default_factory=dict)
    votes_revealed: bool = False
    notes_revealed: bool = False  # the current phase's cards are revealed
    # Private writing: the phases whose cards a reveal opened. A reveal holds for the cards
    # written so far; a later writing phase starts hidden again.
    revealed_phases: frozenset[str] = frozenset()
    locked: bool = False
    vision: Vision = Vision()
    focus: str | None = None
    timer: Timer | None = None
    ready: frozenset[str] = frozenset()
    snapshots: tuple[SnapshotInfo, ...] = ()
    # The records the room was started from, and the origin of each carried item by its id
    # here (notes, clusters, programs, actors): written once by the server (room.seed).
    sources: tuple[Source, ...] = ()
    origins: dict[str, Origin] = Field(default_factory=dict)
    groups: dict[str, Group] = Field(default_factory=dict)
    membership: dict[str, str] = Field(default_factory=dict)  # participant id -> group id
    undo: tuple[Undoable, ...] = ()  # the facilitator's last destructive ops (rules/undo.py)
    # Kept by the reducer from ``notes`` and ``votes`` (see counts.py); never sent to clients.
    cards_by_author: dict[str, int] = Field(default_factory=dict)
    vote_totals: dict[str, int] = Field(
        default_factory=lambda: {"voters": 0, "dots": 0, "entries": 0}
    )

    @model_validator(mode="before")
    @classmethod
    def _derive_counts(cls, data: Any) -> Any:
        """A state stored before the counts existed (or built by hand) derives them."""
        if isinstance(data, dict) and not ("cards_by_author" in data and "vote_totals" in data):
            data = {
                "cards_by_author": counts.cards_by_author(data.get("notes") or {}),
                "vote_totals": counts.vote_totals(data.get("votes") or {}),
                **data,
            }
        return data

    def role_of(self, participant: str) -> Role | None:
        who = self.participants.get(participant)
        return None if who is None or who.removed else who.role

    @property
    def grouped(self) -> bool:
        """Whether the room works in groups now: groups exist and the phase is a grouped one."""
        return bool(self.groups) and self.phase in self.settings.grouped_phases


def horizon_years(created_at: int, horizon: str) -> YearRange:
    """The default years of a horizon, counted from the year after the room was created."""
    start = datetime.fromtimestamp(created_at / 1000, UTC).year + 1
    return YearRange(from_=start, to=start + HORIZON_YEARS[horizon] - 1)


def plan_years(s: RoomState) -> YearRange:
    """The room's years. Rooms get them when created (or when the horizon changes); a state
    stored before rooms had years falls back to its horizon's."""
    return s.settings.years or horizon_years(s.created_at, s.settings.horizon)


def vote_key(program: str, criterion: str) -> str:
    return f"{program}/{criterion}"


def split_vote_key(key: str) -> tuple[str, str]:
    program, _, criterion = key.partition("/")
    return program, criterion
