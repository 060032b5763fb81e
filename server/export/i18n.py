"""The report catalogues (Bahasa Indonesia first, English second) and local number/date formats.

A report speaks the room's language throughout: headings, column names, role and quadrant
names, month names and the digit grouping of Rupiah amounts (``1.250.000`` in Indonesian,
``1,250,000`` in English). Strings live in ``catalogue/<language>.json`` so that a translator
edits data, not code; both catalogues have the same keys (a test checks).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from functools import cache
from importlib import resources
from typing import Any

from server.state.models import UTC_OFFSETS

LANGUAGES: tuple[str, ...] = ("id", "en")
# C0 controls other than tab and line breaks, DEL and C1 controls: invisible in a report,
# invalid in XML (SVG, XLSX), and never meant by a person typing a card.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
DEFAULT_LANGUAGE = "id"


class Catalogue:
    """The strings and formats of one language. ``t("vision")`` reads a ``text`` entry."""

    def __init__(self, data: dict[str, Any], zone: str = "UTC") -> None:
        self.data = data
        self.language: str = data["language"]
        #: The room's time zone (WIB, WITA, WIT or UTC): every time is shown in it.
        self.zone = zone if zone in UTC_OFFSETS else "UTC"

    def __call__(self, key: str, **values: object) -> str:
        text: str = self.data["text"][key]
        return text.format(**values) if values else text

    def col(self, key: str, **values: object) -> str:
        text: str = self.data["columns"][key]
        return text.format(**values) if values else text

    def name(self, group: str, key: str | None) -> str:
        """A named value (a role, quadrant, phase …); an unknown key is shown as it is."""
        if key is None:
            return ""
        return str(self.data[group].get(key, key))

    def number(self, value: float | None, decimals: int = 2) -> str:
        """``value`` with the local decimal mark, without trailing zeros (12, 3,25)."""
        if value is None:
            return ""
        if float(value).is_integer():
            return self.grouped(int(value))
        text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
        return self._localise(text)

    def value(self, value: float | str | None, decimals: int | None = None) -> str:
        """An indicator's value: a number in the local format, a text as it is; with
        ``decimals``, always that many (a row or column of values reads alike)."""
        if isinstance(value, str):
            return value
        return self.number(value) if decimals is None else self.fixed(value, decimals)

    def fixed(self, value: float | None, decimals: int) -> str:
        """``value`` grouped, with exactly ``decimals`` decimals (``23,0`` beside ``20,5``)."""
        if value is None:
            return ""
        return self._localise(f"{value:,.{decimals}f}")

    def formatted(self, value: float | str | None, fmt: str | None) -> str:
        """A cell as a spreadsheet with number format ``fmt`` would show it in this language:
        ``#,##0.0`` gives one decimal, ``0`` no digit grouping (years)."""
        if value is None or isinstance(value, str):
            return value or ""
        if fmt is None:
            return self.number(value)
        places = len(fmt.split(".", 1)[1].rstrip(";")) if "." in fmt else 0
        text = f"{value:,.{places}f}" if "," in fmt else f"{value:.{places}f}"
        return self._localise(text)

    def grouped(self, value: int) -> str:
        return self._localise(f"{value:,}")

    def money(self, value: float | None) -> str:
        """A Rupiah amount, grouped, rounded to whole rupiah (no currency sign: columns say Rp)."""
        return "" if value is None else self.grouped(round(value))

    def _localise(self, text: str) -> str:
        swap = {",": self.data["thousands"], ".": self.data["decimal"]}
        return "".join(swap.get(ch, ch) for ch in text)

    @property
    def zone_label(self) -> str:
        """``WITA (UTC+8)``, or ``UTC``."""
        hours = UTC_OFFSETS[self.zone]
        return f"{self.zone} (UTC+{hours})" if hours else self.zone

    def local(self, iso: str | None) -> datetime | None:
        return local_time(iso, self.zone)

    def date(self, iso: str | None) -> str:
        """``14 November 2026`` from an ISO time; empty for a missing or unreadable one."""
        moment = self.local(iso)
        if moment is None:
            return ""
        return f"{moment.day} {self.data['months'][moment.month - 1]} {moment.year}"

    def time(self, iso: str | None) -> str:
        moment = self.local(iso)
        if moment is None:
            return ""
        separator = "." if self.language == "id" else ":"
        return f"{moment.hour:02d}{separator}{moment.minute:02d}"

    def datetime(self, iso: str | None) -> str:
        if parse_time(iso) is None:
            return ""
        return f"{self.date(iso)} {self.time(iso)}"

    def duration(self, start: str | None, end: str | None) -> str:
        """``1 j 05 m`` / ``1 h 05 min`` between two ISO times; empty while still open."""
        begun, ended = parse_time(start), parse_time(end)
        if begun is None or ended is None:
            return ""
        minutes = max(0, round((ended - begun).total_seconds() / 60))
        hours, minutes = divmod(minutes, 60)
        h, m = ("j", "mnt") if self.language == "id" else ("h", "min")
        return f"{hours} {h} {minutes:02d} {m}" if hours else f"{minutes} {m}"


def decimals(values: object, most: int = 2) -> int:
    """How many decimals a set of numbers needs to be shown alike: the most any of them has
    (at most ``most``); texts and whole numbers need none."""
    needed = 0
    for value in values:  # type: ignore[attr-defined]
        if isinstance(value, float) and not value.is_integer():
            text = f"{value:.{most}f}".rstrip("0")
            needed = max(needed, len(text.split(".")[1]))
    return needed


def number_format(places: int, grouped: bool = True) -> str:
    """The spreadsheet number format of ``places`` decimals: ``#,##0``, ``#,##0.0`` …"""
    base = "#,##0" if grouped else "0"
    return base + ("." + "0" * places if places else "")


def printable(text: str) -> str:
    return CONTROL.sub("", text)


def parse_time(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None


def local_time(iso: str | None, zone: str) -> datetime | None:
    """An ISO time (the record's are UTC) as the clocks of ``zone`` showed it (unknown: UTC)."""
    moment = parse_time(iso)
    if moment is None:
        return None
    return moment.astimezone(timezone(timedelta(hours=UTC_OFFSETS.get(zone, 0))))


@cache
def catalogue(language: str | None, zone: str = "UTC") -> Catalogue:
    """The catalogue of ``language``, showing times in ``zone``; an unknown language falls
    back to Bahasa Indonesia, an unknown zone (a record from before zones) to UTC."""
    chosen = language if language in LANGUAGES else DEFAULT_LANGUAGE
    text = resources.files(__package__).joinpath("catalogue", f"{chosen}.json").read_text("utf-8")
    return Catalogue(json.loads(text), zone)
