"""The facilitation assistant: suggested groups, likely lead agencies and duplicates.

Pure (no I/O after the lexicon file is read once, no clock, no randomness), so the HTTP
route only has to pick the cards and call :func:`suggest`. Authors never enter: the engine
sees note ids and texts, nothing else.
"""

from server.suggest.engine import DEFAULT, Settings, suggest
from server.suggest.lexicon import Lexicon, LexiconError, load

__all__ = ["DEFAULT", "Lexicon", "LexiconError", "Settings", "load", "suggest"]
