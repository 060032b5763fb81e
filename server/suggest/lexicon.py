"""The sector lexicon: loading ``lexicon.json``, checking it, and placing a card in a sector.

A sector scores one point per card word its terms cover, words like "desa" or "rusak" (the
lexicon's filler) aside, and half a point more per term of two or more telling words found
whole (so "air bersih" outweighs a bare "jalan"). A word that neither the lexicon nor
Sastrawi's dictionary knows is looked up once more with one letter added, dropped or
changed, so a typo ("kesehtan", "imunisasi" as "imunisai") still finds its sector.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from server.suggest.text import Normaliser, roots

LEXICON_PATH = Path(__file__).with_name("lexicon.json")
_SECTOR_FIELDS = ("key", "label_id", "label_en", "agency", "terms")
_MIN_FUZZY = 6  # shorter words have too many one-letter neighbours ("dolor" ~ "donor")
WEAK = 0.5  # a weak term is a word with an everyday sense besides the sector's ("jalan")
PHRASE_BONUS = 0.5  # a term of two telling words found whole says more than the two apart


class LexiconError(ValueError):
    """The lexicon file is not well-formed: a field missing, empty, or a key repeated."""


@dataclass(frozen=True)
class Sector:
    """One government affair: its labels, leading agency, and its terms as stem tuples."""

    key: str
    label_id: str
    label_en: str
    agency: str
    agency_en: str
    terms: tuple[tuple[str, ...], ...]
    weak_terms: tuple[tuple[str, ...], ...] = ()

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_id

    def agency_for(self, language: str) -> str:
        return self.agency_en if language == "en" else self.agency


class Lexicon:
    """Sectors plus the normaliser built from the same file."""

    def __init__(self, data: dict) -> None:
        check(data)
        self.normaliser = Normaliser(
            shorthand={k.lower(): v.lower() for k, v in data.get("shorthand", {}).items()},
            function_words=frozenset(w.lower() for w in data.get("function_words", [])),
            overrides={k.lower(): v.lower() for k, v in data.get("stem_overrides", {}).items()},
        )
        words = (w for text in data.get("filler", []) for w in self.normaliser.words(text))
        self.filler = frozenset(self.normaliser.stem(w) for w in words)
        self._spelled: dict[str, str] = {}  # every word the terms are written with -> its stem
        self.sectors: tuple[Sector, ...] = tuple(self._sector(raw) for raw in data["sectors"])
        self._index: dict[str, list[tuple[int, tuple[str, ...], bool]]] = {}
        for number, sector in enumerate(self.sectors):
            for weak, terms in ((False, sector.terms), (True, sector.weak_terms)):
                for term in terms:
                    for stem in set(term):
                        self._index.setdefault(stem, []).append((number, term, weak))
        self._synonyms: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for entry in data.get("synonyms", []):
            variants = [self._stems(text) for text in entry]
            concept = "~" + "_".join(variants[0])
            for stems in filter(None, variants):
                self._synonyms.setdefault(stems[0], []).append((stems, concept))
        vocabulary = set(self._index) | {
            s for v in self._synonyms.values() for t, _ in v for s in t
        }
        self._vocabulary = frozenset(vocabulary)
        for stem in vocabulary:
            self._spelled.setdefault(stem, stem)
        self._near = _one_edit_index(w for w in self._spelled if len(w) >= _MIN_FUZZY)

    def _stems(self, text: str) -> tuple[str, ...]:
        tokens = self.normaliser.tokens(text)
        for token in tokens:
            self._spelled.setdefault(token.surface, token.stem)
        return tuple(dict.fromkeys(t.stem for t in tokens))

    def _sector(self, raw: dict) -> Sector:
        terms: dict[tuple[str, ...], None] = {}
        for text in raw["terms"]:
            stems = self._stems(text)
            if stems:
                terms[stems] = None
        weak: dict[tuple[str, ...], None] = {}
        for text in raw.get("weak_terms", []):
            stems = self._stems(text)
            if stems and stems not in terms:
                weak[stems] = None
        return Sector(
            key=raw["key"],
            label_id=raw["label_id"],
            label_en=raw["label_en"],
            agency=raw["agency"],
            agency_en=raw.get("agency_en", raw["agency"]),
            terms=tuple(terms),
            weak_terms=tuple(weak),
        )

    def known(self, stems: Iterable[str]) -> list[str]:
        """The stems with typos mapped to the lexicon's nearest word where there is one."""
        dictionary = roots()
        out = []
        for stem in stems:
            if stem in self._vocabulary or stem in dictionary or len(stem) < _MIN_FUZZY:
                out.append(stem)
            else:
                near = _nearest(stem, self._near)
                out.append(self._spelled[near] if near else stem)
        return out

    def concepts(self, stems: Iterable[str]) -> list[str]:
        """Concept tokens ("~rtlh") for the synonym sets whose words all occur in the card.

        "RTLH" and "rumah tidak layak huni" share no word; the concept token they both get
        is what makes the two cards similar.
        """
        present = set(stems)
        found = {
            concept
            for stem in present
            for variant, concept in self._synonyms.get(stem, ())
            if all(part in present for part in variant)
        }
        return sorted(found)

    def scores(self, stems: Iterable[str]) -> dict[int, float]:
        """Sector number -> score for a card's stems (typos already mapped by ``known``)."""
        present = set(stems)
        strong: dict[int, set[str]] = {}
        weak: dict[int, set[str]] = {}
        phrases: dict[int, int] = {}
        for stem in present:
            for number, term, is_weak in self._index.get(stem, ()):
                if stem != term[0] or not all(part in present for part in term):
                    continue  # each term once, found whole
                words = [part for part in term if part not in self.filler] or list(term)
                (weak if is_weak else strong).setdefault(number, set()).update(words)
                if len(words) > 1:
                    phrases[number] = phrases.get(number, 0) + 1
        totals = {}
        for number in strong.keys() | weak.keys():
            sure = strong.get(number, set())
            maybe = weak.get(number, set()) - sure
            totals[number] = len(sure) + WEAK * len(maybe) + PHRASE_BONUS * phrases.get(number, 0)
        return totals


def check(data: dict) -> None:
    """Raise ``LexiconError`` unless every sector has its fields, non-empty, and a unique key."""
    sectors = data.get("sectors")
    if not isinstance(sectors, list) or not sectors:
        raise LexiconError("lexicon has no sectors")
    seen: set[str] = set()
    for number, sector in enumerate(sectors):
        for field in _SECTOR_FIELDS:
            value = sector.get(field)
            if not value:
                raise LexiconError(f"sector {number} ({sector.get('key')}): {field} missing")
        if not all(isinstance(t, str) and t.strip() for t in sector["terms"]):
            raise LexiconError(f"sector {sector['key']}: a term is not a non-empty string")
        if sector["key"] in seen:
            raise LexiconError(f"sector key {sector['key']} repeated")
        seen.add(sector["key"])


@lru_cache(maxsize=1)
def load(path: Path = LEXICON_PATH) -> Lexicon:
    """The lexicon from ``path``, read and compiled once per process."""
    return Lexicon(json.loads(path.read_text(encoding="utf-8")))


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit_index(words: Iterable[str]) -> dict[str, list[str]]:
    """Symmetric-delete index: each word and its one-letter deletions -> the words."""
    index: dict[str, list[str]] = {}
    for word in sorted(words):
        for key in {word} | _deletions(word):
            index.setdefault(key, []).append(word)
    return index


def _nearest(word: str, index: dict[str, list[str]]) -> str | None:
    """A lexicon word one edit from ``word`` (added, dropped, changed or swapped letter)."""
    candidates: set[str] = set()
    for key in {word} | _deletions(word):
        candidates.update(index.get(key, ()))
    candidates.discard(word)
    return min(candidates) if candidates else None
