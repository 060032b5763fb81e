"""The berita acara kesepakatan: the minutes of what a workshop agreed, ready to be signed.

An Indonesian government workshop ends with minutes that the heads of the agencies sign and
an attendance list (daftar hadir) that every participant signs. Both come from the record
alone, so the minutes of a frozen snapshot read exactly as they did when it was taken, and
they print the record's fingerprint, which ties the paper to one JSON record.

``render_minutes(record, fmt)`` gives HTML (A4 portrait), Markdown or DOCX (``minutes_docx``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from typing import Any

from . import Rendered, filename
from .formats import MINUTES, Options, check
from .i18n import Catalogue, catalogue
from .people import Attendee, Followup, People, people_view

FORMATS: tuple[str, ...] = tuple(MINUTES)


@dataclass(frozen=True)
class AgreedProgram:
    rank: int | None
    title: str
    quadrant: str  # its name in the room's language, or ""
    lead: str  # the lead agency's name(s)
    commitments: tuple[tuple[str, str], ...]  # (actor name, text)


@dataclass(frozen=True)
class Signatory:
    actor: str
    programs: tuple[str, ...]  # the titles of the programs it leads


@dataclass(frozen=True)
class Minutes:
    t: Catalogue
    title: str  # the room's title
    region: str
    venue: str
    day: str  # "Selasa, 10 Maret 2026", or "" when the record gives no date
    date: str  # "10 Maret 2026"
    place: str  # where the minutes are signed: the region's first part ("Kabupaten Sikka")
    facilitators: tuple[Attendee, ...]
    vision: str
    missions: tuple[str, ...]
    programs: tuple[AgreedProgram, ...]
    followups: tuple[Followup, ...]
    attendees: tuple[Attendee, ...]
    signatories: tuple[Signatory, ...]
    missing: tuple[str, ...]
    fingerprint: str
    code: str
    seq: int
    taken_at: str  # the record's time (ISO, UTC)
    people: People

    def say(self, key: str, **values: object) -> str:
        """A sentence of the minutes in the room's language (catalogue group ``minutes``)."""
        text: str = self.t.data["minutes"][key]
        return text.format(**values) if values else text

    @property
    def participant_count(self) -> int:
        return sum(1 for a in self.attendees if a.role == "participant")


def build_minutes(record: dict[str, Any]) -> Minutes:
    room = record["room"]
    t = catalogue(room.get("language"), room.get("timezone", "UTC"))
    people = people_view(record, t)
    actors = {a["id"]: a["name"] for a in record["actors"]}
    programs = []
    leads: dict[str, list[str]] = {}
    for p in record["programs"]:
        mine = [r["actor"] for r in p["roles"] if r["role"] == "lead" and r["actor"] in actors]
        for actor in mine:
            leads.setdefault(actor, []).append(p["title"])
        programs.append(
            AgreedProgram(
                rank=p["rank"],
                title=p["title"],
                quadrant=t.name("quadrants", p["quadrant"]),
                lead=", ".join(actors[a] for a in mine),
                commitments=tuple(
                    (actors[c["actor"]], c["text"])
                    for c in p.get("commitments", ())
                    if c["actor"] in actors
                ),
            )
        )
    return Minutes(
        t=t,
        title=room["title"],
        region=room.get("region", ""),
        venue=room.get("venue", ""),
        **_day(t, room.get("date", ""), record["snapshot"].get("taken_at", "")),
        place=(room.get("region", "") or room.get("venue", "")).split(",")[0].strip(),
        facilitators=tuple(a for a in people.attendees if a.role == "facilitator"),
        vision=record["vision"]["statement"],
        missions=tuple(record["vision"]["missions"]),
        programs=tuple(programs),
        followups=people.followups,
        attendees=people.attendees,
        signatories=tuple(
            Signatory(actors[a], tuple(titles)) for a in actors if (titles := leads.get(a))
        ),
        missing=people.missing,
        fingerprint=people.fingerprint,
        code=room["code"],
        seq=record["snapshot"]["seq"],
        taken_at=record["snapshot"].get("taken_at", ""),
        people=people,
    )


def _day(t: Catalogue, given: str, taken_at: str) -> dict[str, str]:
    """The workshop's day, with and without its weekday: the room's ``date``, else the
    record's day."""
    try:
        day = Date.fromisoformat(given) if given else None
    except ValueError:
        day = None
    if day is None:
        moment = t.local(taken_at)
        if moment is None:
            return {"day": "", "date": ""}
        day = moment.date()
    date = f"{day.day} {t.data['months'][day.month - 1]} {day.year}"
    return {"day": f"{t.data['weekdays'][day.weekday()]}, {date}", "date": date}


def render_minutes(record: dict[str, Any], fmt: str) -> Rendered:
    """The berita acara in ``fmt``; ValueError for a format it does not come in."""
    spec = check(MINUTES, fmt, None, None)
    name = filename(record, spec.suffix).replace("spwt-", "berita-acara-", 1)
    return Rendered(spec.render(record, Options()), spec.media_type, name)


# The renderers of ``formats.MINUTES`` (the Word one is ``minutes_docx.docx``).


def html(record: dict[str, Any], options: Options) -> bytes:
    return _text(build_minutes(record), "html")


def markdown(record: dict[str, Any], options: Options) -> bytes:
    return _text(build_minutes(record), "md")


def _text(minutes: Minutes, kind: str) -> bytes:
    from .documents import _environment

    template = _environment(kind).get_template(f"minutes.{kind}.j2")
    return template.render(m=minutes, t=minutes.t).encode("utf-8")
