"""The pages take the server's rules instead of restating them."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.testclient import TestClient

from server.export.formats import MINUTES
from server.state import ops
from server.state.choices import choices
from server.state.rules import rule_table

from .asgi import new_room, page_data

STATE_JS = Path(__file__).parent.parent / "web" / "static" / "js" / "state.js"


def test_every_client_op_kind_has_a_handler_in_the_pages() -> None:
    """A kind the pages cannot fold would be ignored silently and their copy would drift."""
    handled = set(re.findall(r'^\s*"([a-z]+\.[a-z]+)"\s*\(', STATE_JS.read_text(), re.MULTILINE))
    assert ops.CLIENT_KINDS - handled == set()


def test_pages_carry_the_rule_table(client: TestClient) -> None:
    room, _ = new_room(client)
    page = client.get(f"/r/{room}").text
    table = page_data(page, "rules")
    assert table == rule_table()
    assert table["note.add"] == {"who": "member", "phases": ["issues", "vision"]}
    assert table["vote.cast"]["who"] == "voter" and table["phase.set"]["who"] == "facilitator"
    assert set(table) == ops.CLIENT_KINDS


def test_pages_carry_the_choices(client: TestClient) -> None:
    room, _ = new_room(client)
    page = client.get(f"/r/{room}/console").text
    lists = page_data(page, "choices")
    assert {k: v for k, v in lists.items() if k != "minutes_formats"} == choices()
    assert lists["minutes_formats"] == list(MINUTES)
    assert lists["colors"][0] == "yellow" and "WITA" in lists["timezones"]


JS_DIR = STATE_JS.parent
TEMPLATES = JS_DIR.parent.parent / "templates"
STRINGS = re.compile(r'"([a-zA-Z_]+)"')
# A bracketed list of two or more quoted words: ["a", "b"] or ("a", "b").
LIST = re.compile(r"[\[(]((?:\s*\"[a-zA-Z_]+\"\s*,)+\s*\"[a-zA-Z_]+\"\s*)[\])]")


def test_no_page_restates_a_closed_list() -> None:
    """A list of the protocol written again in a page would drift from the server's."""
    lists = [*choices().values(), list(MINUTES)]
    restated = []
    for path in [*JS_DIR.glob("*.js"), *TEMPLATES.glob("*.html")]:
        text = path.read_text(encoding="utf-8")
        for literal in LIST.findall(text):
            words = STRINGS.findall(literal)
            if any(words == known for known in lists):
                restated.append(f"{path.name}: {words}")
    assert restated == []
