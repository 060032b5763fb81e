"""The pages take the server's rules instead of restating them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from starlette.testclient import TestClient

from server.state import ops
from server.state.rules import rule_table

from .asgi import new_room

STATE_JS = Path(__file__).parent.parent / "web" / "static" / "js" / "state.js"


def test_every_client_op_kind_has_a_handler_in_the_pages() -> None:
    """A kind the pages cannot fold would be ignored silently and their copy would drift."""
    handled = set(re.findall(r'^\s*"([a-z]+\.[a-z]+)"\s*\(', STATE_JS.read_text(), re.MULTILINE))
    assert ops.CLIENT_KINDS - handled == set()


def test_pages_carry_the_rule_table(client: TestClient) -> None:
    room, _ = new_room(client)
    page = client.get(f"/r/{room}").text
    carried = re.search(r'<script type="application/json" id="rules-data">([^<]*)</script>', page)
    assert carried is not None
    table = json.loads(carried.group(1))
    assert table == rule_table()
    assert table["note.add"] == {"who": "member", "phases": ["issues", "vision"]}
    assert table["vote.cast"]["who"] == "voter" and table["phase.set"]["who"] == "facilitator"
    assert set(table) == ops.CLIENT_KINDS
