"""Every close names its ``CloseCode``, and every code says why and is documented."""

from __future__ import annotations

import re
from pathlib import Path

from server import protocol_doc
from server.rooms.protocol import CLOSE_REASONS, CloseCode

SERVER = Path(__file__).resolve().parent.parent / "server"
# A close given a number (``ws.close(1008)``, ``close(code=4403)``) rather than a CloseCode.
BARE = re.compile(r"\.close\(\s*(code\s*=\s*)?\d")


def test_no_close_in_the_server_is_a_bare_number() -> None:
    bare = [
        f"{path.relative_to(SERVER)}:{n}"
        for path in SERVER.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if BARE.search(line)
    ]
    assert bare == []


def test_every_close_code_says_why() -> None:
    assert all(code.reason and code.reason == CLOSE_REASONS[code] for code in CloseCode)
    assert CloseCode.POLICY_VIOLATION == 1008 and CloseCode(4403) is CloseCode.REMOVED
    assert isinstance(CloseCode.REMOVED, int)  # what websocket libraries are handed


def test_every_close_code_is_in_the_protocol_doc() -> None:
    text = protocol_doc.render()
    assert all(f"| {int(code)} | {code.reason} |" in text for code in CloseCode)
