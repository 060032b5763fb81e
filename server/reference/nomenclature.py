"""The national nomenclature of regional programs: urusan, bidang urusan and program codes.

The data is ``nomenclature.json`` beside this module, compiled from Kepmendagri 050-5889
Tahun 2021 and its change, Kepmendagri 900.1.15.5-3406 Tahun 2024 (its ``source``, ``notes``
and ``copies`` say how). Pure: the file is read once, then every call is a lookup. Provinsi
and kabupaten/kota lists differ (a program may exist at one level only, or carry another
name there), so every lookup takes a ``level`` of :data:`LEVELS`; kabupaten and kota share
the kabupaten/kota list.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_PATH = Path(__file__).with_name("nomenclature.json")
LEVELS = ("kabupaten", "kota", "provinsi")
_CODE_QUERY = re.compile(r"^\d+(\.\d*)*$")  # "1.03", "1.03.1": the picker also takes codes
_NOT_WORD = re.compile(r"[^0-9a-z]+")


class LevelError(ValueError):
    """A level that is not one of :data:`LEVELS`."""


@dataclass(frozen=True)
class Heading:
    """An urusan or a bidang urusan: its code and official name."""

    code: str
    name: str


@dataclass(frozen=True)
class ProgramCode:
    """A program of the nomenclature as one level's list writes it."""

    code: str
    name: str
    urusan: Heading
    bidang: Heading
    levels: tuple[str, ...]

    def as_record(self) -> dict[str, object]:
        """The fields the scenario record's program carries: code, nomenclature, urusan, bidang."""
        return {
            "code": self.code,
            "nomenclature": self.name,
            "urusan": {"code": self.urusan.code, "name": self.urusan.name},
            "bidang": {"code": self.bidang.code, "name": self.bidang.name},
        }


@dataclass(frozen=True)
class _Entry:
    """A program with its folded words, so a search does no text work per program."""

    program: ProgramCode
    name_words: tuple[str, ...]
    bidang_words: tuple[str, ...]
    phrase: str  # " " + folded name, for a word-start phrase match
    squashed: str  # name and bidang without spaces, for "airminum"


def fold(text: str) -> str:
    """Lower case, accents and punctuation dropped, single spaces: the form searches compare."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return _NOT_WORD.sub(" ", plain).strip()


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    """The packaged file as it is (source, notes, urusan, bidang, programs)."""
    loaded: dict[str, Any] = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    return loaded


def _check(level: str) -> str:
    if level not in LEVELS:
        raise LevelError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    return level


@lru_cache(maxsize=len(LEVELS))
def _catalogue(level: str) -> dict[str, _Entry]:
    raw = data()
    urusan = {u["code"]: Heading(u["code"], u["name"]) for u in raw["urusan"]}
    bidang = {b["code"]: Heading(b["code"], b["name"]) for b in raw["bidang"]}
    key = "provinsi" if level == "provinsi" else "kabupaten"
    entries: dict[str, _Entry] = {}
    for row in raw["programs"]:
        if level not in row["levels"]:
            continue
        code = row["code"]
        field = bidang[code[:4]]
        name = row.get("names", {}).get(key, row["name"])
        found = ProgramCode(code, name, urusan[code[0]], field, tuple(row["levels"]))
        name, heading = fold(found.name), fold(field.name)
        squashed = (name + heading).replace(" ", "")
        entries[code] = _Entry(
            found, tuple(name.split()), tuple(heading.split()), " " + name, squashed
        )
    return entries


def program(code: str, level: str = "kabupaten") -> ProgramCode | None:
    """The program with this code in the level's list, or None where the list has none."""
    entries = _catalogue(_check(level))
    found = entries.get(code.strip()) if isinstance(code, str) else None
    return found.program if found else None


def programs(level: str = "kabupaten") -> tuple[ProgramCode, ...]:
    """Every program of the level's list, in code order."""
    return tuple(entry.program for entry in _catalogue(_check(level)).values())


def _starts(words: list[str], among: tuple[str, ...]) -> bool:
    return all(any(w.startswith(q) for w in among) for q in words)


def _rank(entry: _Entry, code_query: str, words: list[str]) -> int | None:
    """0 best: code prefix, phrase at a word start, all words start name words, name or
    bidang words, then the squashed query inside the squashed text; None: no match."""
    if code_query:
        return 0 if entry.program.code.startswith(code_query) else None
    if (" " + " ".join(words)) in entry.phrase:
        return 1
    if _starts(words, entry.name_words):
        return 2
    if _starts(words, entry.name_words + entry.bidang_words):
        return 3
    return 4 if "".join(words) in entry.squashed else None


def search(query: str, level: str = "kabupaten", limit: int = 20) -> list[ProgramCode]:
    """Programs whose name or bidang holds the query's words, best first.

    Case, accents and spacing do not matter ("Air  Minum", "airminum"); whole-word prefix
    matches in the program's own name come before matches in its bidang or inside words;
    within a rank, names using the query's words whole come first, then programs whose
    bidang holds them too ("kesehatan": the health programs before the koperasi one), then
    shorter names. A code or its start ("1.03") lists that code's programs in code order.
    """
    entries = _catalogue(_check(level))
    code_query = query.strip() if _CODE_QUERY.match(query.strip()) else ""
    words = fold(query).split()
    if limit < 1 or not words:
        return []
    scored = []
    for entry in entries.values():
        rank = _rank(entry, code_query, words)
        if rank == 0:
            scored.append((0, 0, 0, 0, entry.program.code, entry))
        elif rank is not None:
            exact = sum(q in entry.name_words for q in words)
            in_bidang = _starts(words, entry.bidang_words)
            size = len(entry.name_words)
            scored.append((rank, -exact, not in_bidang, size, entry.program.code, entry))
    scored.sort(key=lambda row: row[:5])
    return [row[-1].program for row in scored[:limit]]


def source() -> str:
    """The citation to show beside a code: the regulation, its change, and the version."""
    raw = data()
    base, change = raw["source"][0], raw["source"][1]
    return (
        f"{base['number']} Tahun {base['year']} tentang {base['title']}, sebagaimana diubah "
        f"dengan {change['number']} Tahun {change['year']} (tingkat program; disusun "
        f"{raw['compiled']})"
    )
