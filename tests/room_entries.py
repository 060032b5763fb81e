"""Log events back into reducer entries."""

from __future__ import annotations

from typing import Any

from server.rooms.core import entry_of
from server.state import Entry


def entries_of(events: list[dict[str, Any]]) -> list[Entry]:
    return [entry_of(event) for event in events]
