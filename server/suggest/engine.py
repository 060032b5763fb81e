"""Suggested groups and duplicates for a room's cards: sectors first, similarity for the rest.

1. Each card is placed in the lexicon sector with the highest score; a tie goes to the tied
   sector whose placed cards the card most resembles.
2. A card no sector claims joins the sector group it resembles most on average, if it
   resembles it enough (``attach``).
3. The cards still left are clustered by similarity alone (average linkage, ``cluster``);
   a cluster of one is no suggestion and is left for the facilitator.
4. A card is a duplicate of the most similar earlier card of the same sector when their
   similarity (the mean of the similarity with and without filler words) is at least
   ``duplicate``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from server.suggest.cluster import average_linkage
from server.suggest.lexicon import Lexicon, load
from server.suggest.text import Token
from server.suggest.vectors import combined, cosine

Card = tuple[str, str]


@dataclass(frozen=True)
class Settings:
    """Thresholds, tuned on bench/suggest/tuning.json only."""

    min_score: float = 0.5
    attach: float = 0.20
    cluster: float = 0.30
    duplicate: float = 0.50
    stem_weight: float = 0.75


DEFAULT = Settings()


@dataclass
class _Analysis:
    tokens: list[list[Token]]
    stems: list[list[str]]
    content: list[list[str]]


def suggest(
    cards: list[Card],
    language: str = "id",
    settings: Settings = DEFAULT,
    lexicon: Lexicon | None = None,
) -> dict:
    """``{"groups": [...], "duplicates": [[id, id], ...]}`` for ``(note id, text)`` pairs.

    Pure and deterministic: the same cards in the same order give the same answer.
    """
    lexicon = lexicon or load()
    language = "en" if language == "en" else "id"
    if not cards:
        return {"groups": [], "duplicates": []}
    analysis = _analyse(lexicon, cards)
    similar = cosine(combined(analysis.content, settings.stem_weight))
    sectors = _place(lexicon, analysis, similar, settings)
    groups = _groups(lexicon, cards, analysis, similar, sectors, settings, language)
    # Duplicates: every word counts ("rusak" vs "bagus"), but so does what is left without
    # the filler, so that two cards sharing only "jalan rusak di desa" are not the same point.
    every_word = cosine(combined(analysis.stems, settings.stem_weight))
    duplicates = _duplicates(cards, (every_word + similar) / 2, sectors, settings.duplicate)
    return {"groups": groups, "duplicates": duplicates}


def _analyse(lexicon: Lexicon, cards: list[Card]) -> _Analysis:
    tokens = [lexicon.normaliser.tokens(text) for _, text in cards]
    stems = [lexicon.known(t.stem for t in card) for card in tokens]
    stems = [card + lexicon.concepts(card) for card in stems]
    content = [[s for s in card if s not in lexicon.filler] for card in stems]
    return _Analysis(tokens, stems, content)


def _place(
    lexicon: Lexicon, analysis: _Analysis, similar: np.ndarray, settings: Settings
) -> list[int | None]:
    """Sector number per card, or None where no sector scores at least ``min_score``."""
    placed: list[int | None] = []
    tied: dict[int, list[int]] = {}
    for number, stems in enumerate(analysis.stems):
        scores = lexicon.scores(stems)
        best = max(scores.values(), default=0.0)
        leaders = sorted(s for s, v in scores.items() if v == best)
        if best < settings.min_score:
            placed.append(None)
        elif len(leaders) == 1:
            placed.append(leaders[0])
        else:
            placed.append(None)
            tied[number] = leaders
    clear = list(placed)
    affinity, has_members = _affinities(similar, clear, len(lexicon.sectors))
    for number, leaders in tied.items():
        placed[number] = max(leaders, key=lambda s: (affinity[number, s], -s))
    if has_members.any():
        for number, sector in enumerate(clear):
            if sector is None and number not in tied:
                row = np.where(has_members, affinity[number], -np.inf)
                nearest = int(np.argmax(row))  # ties: the lexicon's first sector
                if row[nearest] >= settings.attach:
                    placed[number] = nearest
    return placed


def _affinities(
    similar: np.ndarray, placed: list[int | None], sectors: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean similarity of every card to each sector's placed cards, and which sectors have any.

    One matrix product instead of a loop per card and sector, so a room of thousands of
    cards stays fast.
    """
    members = np.zeros((len(placed), sectors))
    for number, sector in enumerate(placed):
        if sector is not None:
            members[number, sector] = 1.0
    counts = members.sum(axis=0)
    sums = similar.astype(np.float64) @ members
    return sums / np.maximum(counts, 1.0), counts > 0


def _groups(
    lexicon: Lexicon,
    cards: list[Card],
    analysis: _Analysis,
    similar: np.ndarray,
    sectors: list[int | None],
    settings: Settings,
    language: str,
) -> list[dict]:
    by_sector: dict[int, list[int]] = {}
    for number, sector in enumerate(sectors):
        if sector is not None:
            by_sector.setdefault(sector, []).append(number)
    members = [(numbers, lexicon.sectors[s]) for s, numbers in by_sector.items()]
    rest = [n for n, s in enumerate(sectors) if s is None]
    if len(rest) > 1:
        for cluster in average_linkage(similar[np.ix_(rest, rest)], settings.cluster):
            if len(cluster) > 1:
                members.append(([rest[i] for i in cluster], None))
    members.sort(key=lambda m: (-len(m[0]), m[0][0]))
    groups = []
    for numbers, sector in members:
        groups.append(
            {
                "title": sector.label(language) if sector else _title(analysis, numbers),
                "notes": [cards[n][0] for n in numbers],
                "sector": sector.key if sector else None,
                "agency": sector.agency_for(language) if sector else None,
            }
        )
    return groups


def _title(analysis: _Analysis, numbers: list[int]) -> str:
    """The group's most shared content words, as the cards spell them."""
    inside = Counter(s for n in numbers for s in set(analysis.content[n]))
    everywhere = Counter(s for card in analysis.content for s in set(card))
    total = len(analysis.content)
    ranked = sorted(
        inside, key=lambda s: (-inside[s] * np.log((1 + total) / (1 + everywhere[s])), s)
    )
    shared = [s for s in ranked if inside[s] > 1] or ranked
    reading = [s for n in numbers for s in analysis.content[n]]
    chosen = sorted(shared[:2], key=reading.index)  # in the order the cards say them
    words = [_spelling(analysis, numbers, stem) for stem in chosen]
    title = ", ".join(words)
    return title[:1].upper() + title[1:]


def _spelling(analysis: _Analysis, numbers: list[int], stem: str) -> str:
    forms = Counter(t.surface for n in numbers for t in analysis.tokens[n] if t.stem == stem)
    if not forms:
        return stem
    return min(forms, key=lambda f: (-forms[f], len(f), f))


def _duplicates(
    cards: list[Card], similar: np.ndarray, sectors: list[int | None], threshold: float
) -> list[list[str]]:
    """Each card paired with its most similar earlier card in the same sector, if similar enough.

    Same sector (or none for both), because cards that share a place name but not a topic
    ("stunting di Sumba Timur" / "promosi wisata Sumba Timur") are not the same point.
    """
    pairs = []
    sector = np.array([-1 if s is None else s for s in sectors])
    for later in range(1, len(cards)):
        row = np.where(sector[:later] == sector[later], similar[later, :later], -1.0)
        earlier = int(np.argmax(row))
        if row[earlier] >= threshold:
            pairs.append([cards[earlier][0], cards[later][0]])
    return pairs
