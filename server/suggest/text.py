"""Card text to stems: lower case, shorthand expanded, function words dropped, Indonesian stemming.

Stemming is Sastrawi's (Nazief-Adriani / ECS) rule engine with its own root dictionary, but
the dictionary is held in a ``frozenset``: Sastrawi's ``ArrayDictionary`` is a list, so every
lookup is a linear scan of 30,000 words and one derived word costs about 20 ms. With a set
the same rules cost well under a millisecond, and a process-wide cache makes repeats free.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_REDUP_DIGIT = re.compile(r"^([a-z]{2,})2(?:an|nya)?$")  # "anak2", "obat2an": written reduplication


class _SetDictionary:
    """Sastrawi's dictionary interface (``contains``) over a frozenset."""

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words

    def contains(self, word: str) -> bool:
        return word in self.words

    def count(self) -> int:
        return len(self.words)


@lru_cache(maxsize=1)
def _sastrawi() -> tuple[Stemmer, frozenset[str]]:
    roots = frozenset(w for w in StemmerFactory().get_words() if w)
    return Stemmer(_SetDictionary(roots)), roots


def roots() -> frozenset[str]:
    """Sastrawi's Indonesian root words: a word in it is left as it is and is not a typo."""
    return _sastrawi()[1]


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    stemmer, known = _sastrawi()
    if word in known or not word.isalpha():
        return word
    stemmed = stemmer.stem_word(word)
    if stemmed != word:
        return stemmed
    return _english_singular(word)


def _english_singular(word: str) -> str:
    """Strip an English plural from a word Sastrawi does not know ("nurses", "roads")."""
    if len(word) < 4 or not word.endswith("s") or word[-2] in "saiu":
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes")):
        return word[:-2]
    return word[:-1]


@dataclass(frozen=True)
class Token:
    """One word of a card: as written (after shorthand) and its stem."""

    surface: str
    stem: str


class Normaliser:
    """Turns text into tokens by the lexicon file's shorthand, function words and overrides.

    The same normaliser reads card text and lexicon terms, so a term matches a card
    whenever both reduce to the same stems, whatever their spelling or affixes.
    """

    def __init__(
        self,
        shorthand: dict[str, str],
        function_words: frozenset[str],
        overrides: dict[str, str],
    ) -> None:
        self._shorthand = shorthand
        self._function_words = function_words
        self._overrides = overrides

    def stem(self, word: str) -> str:
        """The stem of one lower-case word, via the override table first."""
        found = self._overrides.get(word)
        if found is not None:
            return found
        return _stem(word)

    def words(self, text: str) -> list[str]:
        """Lower-case words with shorthand expanded and function words dropped, in order."""
        text = unicodedata.normalize("NFKC", text).lower()
        out: list[str] = []
        for match in _WORD.finditer(text):
            for word in _split_hyphenated(match.group()):
                for expanded in self._shorthand.get(word, word).split():
                    if (
                        len(expanded) > 1
                        and not expanded.isdigit()
                        and expanded not in self._function_words
                    ):
                        out.append(expanded)
        return out

    def tokens(self, text: str) -> list[Token]:
        """Words of ``text`` with their stems."""
        return [Token(word, self.stem(word)) for word in self.words(text)]


def _split_hyphenated(word: str) -> list[str]:
    """'desa-desa' -> ['desa'], 'e-ktp' -> ['e', 'ktp'], 'anak2' -> ['anak']."""
    parts = [p for p in word.split("-") if p]
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = parts[:1]
    out = []
    for part in parts:
        redup = _REDUP_DIGIT.match(part)
        out.append(redup.group(1) if redup else part)
    return out
