r"""The one rule for text users type: characters that make text lie are removed.

NUL and the bidirectional controls (embeddings, overrides and isolates U+202A-U+202E,
U+2066-U+2069, and the marks U+200E, U+200F, U+061C) are invisible, yet they reorder what
is shown: ``"\u202egnp.exe"`` reads "exe.png". Nobody types them on purpose, and text that
needs another direction is isolated where it is shown (``<bdi>``, ``dir="auto"``), so they
are stripped from every text field, silently, rather than refused: a card pasted from a
word processor that carried a stray mark is still written.
"""

from __future__ import annotations

import re
from typing import Any

UNSAFE = re.compile(r"[\x00\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(value: str) -> str:
    """``value`` without NUL and bidirectional controls."""
    return UNSAFE.sub("", value)


def clean_tree(value: Any) -> Any:
    """Every string in a tree of dicts and lists cleaned (keys too); other values as they are."""
    if isinstance(value, str):
        return UNSAFE.sub("", value)
    if isinstance(value, dict):
        return {clean_tree(k): clean_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_tree(v) for v in value]
    return value
