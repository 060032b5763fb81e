"""The likely nomenclature code of a program, from its title and its cluster's cards.

The sector lexicon already places cards in a government affair; each sector maps here to
the programs of the national nomenclature that carry its work, most common first. The
title and the cards pick the sector (the title counts twice: it is the group's own name),
then the words they share with each candidate's official name pick the program; a tie
keeps the sector's usual program. Pure: the lexicon and the nomenclature are read once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from server.reference import nomenclature
from server.suggest.lexicon import Lexicon, load

# Sector key -> programs (codes of server/reference/nomenclature.json), the usual one first.
# Support programs (x.xx.01, "penunjang urusan") never stand for a workshop's program.
SECTOR_PROGRAMS: dict[str, tuple[str, ...]] = {
    "pendidikan": ("1.01.02", "1.01.04", "1.01.03"),
    "kesehatan": ("1.02.02", "1.02.03", "1.02.04", "1.02.05"),
    "jalan_jembatan": ("1.03.10",),
    "air_minum_sanitasi": ("1.03.03", "1.03.05", "1.03.06"),
    "sumber_daya_air": ("1.03.02",),
    "penataan_ruang": ("1.03.12",),
    "perumahan_permukiman": ("1.04.02", "1.04.04", "1.04.03", "1.04.05"),
    "bencana": ("1.05.03", "1.05.04"),
    "trantibum": ("1.05.02", "1.05.04"),
    "sosial": ("1.06.05", "1.06.02", "1.06.04"),
    "tenaga_kerja": ("2.07.03", "2.07.04", "2.07.02"),
    "perempuan_anak": ("2.08.02", "2.08.03", "2.08.06", "2.08.07"),
    "pengendalian_penduduk_kb": ("2.14.03", "2.14.02", "2.14.04"),
    "pangan": ("2.09.03", "2.09.04", "2.09.02", "2.09.05"),
    "pertanahan": ("2.10.04", "2.10.10", "2.10.05"),
    "lingkungan_hidup": ("2.11.11", "2.11.03", "2.11.02"),
    "kependudukan": ("2.12.02", "2.12.03", "2.12.04"),
    "pemberdayaan_desa": ("2.13.05", "2.13.04", "2.13.02", "2.13.03"),
    "perhubungan": ("2.15.02", "2.15.03"),
    "kominfo": ("2.16.03", "2.16.02"),
    "koperasi_umkm": ("2.17.07", "2.17.08", "2.17.06"),
    "perdagangan_perindustrian": ("3.30.03", "3.30.04", "3.31.02"),
    "penanaman_modal": ("2.18.04", "2.18.02", "2.18.03"),
    "pariwisata": ("3.26.02", "3.26.03", "3.26.05"),
    "kebudayaan": ("2.22.02", "2.22.03", "2.22.05"),
    "kepemudaan_olahraga": ("2.19.03", "2.19.02"),
    "pertanian": ("3.27.02", "3.27.03", "3.27.07", "3.27.04"),
    "kelautan_perikanan": ("3.25.03", "3.25.04", "3.25.06"),
    "energi": ("3.29.05", "3.29.06"),
    "perencanaan": ("5.01.02", "5.01.03"),
    "keuangan": ("5.02.02", "5.02.04", "5.02.03"),
    "kepegawaian": ("5.03.02", "5.04.02"),
}
TITLE_WEIGHT = 2.0
# Words of official names that say nothing about the subject ("PROGRAM PENGELOLAAN ...").
_GENERIC = frozenset(
    [
        "program",
        "kelola",
        "kembang",
        "sistem",
        "tingkat",
        "selenggara",
        "penuh",
        "daerah",
        "bidang",
        "layan",
        "bina",
    ]
)


@dataclass(frozen=True)
class CodeSuggestion:
    """A proposed code, the sector it came from, and how strongly the words point to it."""

    program: nomenclature.ProgramCode
    sector: str
    score: float

    def as_json(self) -> dict[str, object]:
        return {**self.program.as_record(), "sector": self.sector, "score": self.score}


def _stems(lexicon: Lexicon, text: str) -> list[str]:
    stems = lexicon.known(t.stem for t in lexicon.normaliser.tokens(text))
    return stems + lexicon.concepts(stems)


def suggest_codes(
    title: str, cards: Iterable[str], level: str = "kabupaten", limit: int = 3
) -> list[CodeSuggestion]:
    """Likely codes for a program, best first; empty when no sector claims its words."""
    lexicon = load()
    texts = [(title, TITLE_WEIGHT), *((c, 1.0) for c in cards)]
    totals: dict[int, float] = {}
    words: set[str] = set()
    for text, weight in texts:
        stems = _stems(lexicon, text)
        words.update(stems)
        for number, score in lexicon.scores(stems).items():
            totals[number] = totals.get(number, 0.0) + weight * score
    ranked = sorted(totals, key=lambda n: (-totals[n], n))  # a tie: the lexicon's order
    found: list[CodeSuggestion] = []
    for number in ranked:
        sector = lexicon.sectors[number]
        candidates = []
        for order, code in enumerate(SECTOR_PROGRAMS.get(sector.key, ())):
            entry = nomenclature.program(code, level)
            if entry is None:
                continue  # not in this level's list (a provinsi-only program, say)
            name = set(_stems(lexicon, entry.name)) - _GENERIC
            candidates.append((-len(name & words), order, entry))
        for _, _, entry in sorted(candidates, key=lambda c: c[:2]):
            found.append(CodeSuggestion(entry, sector.key, round(totals[number], 2)))
            if len(found) >= limit:
                return found
    return found
