"""``spwt serve --lan`` / ``--public-url``, the start page's warning, compression and static
validators, from real processes (DESIGN.md §6; issue: one laptop runs the room)."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from server.cli import parser
from server.pages import qr_svg

from ..servers import Server

pytestmark = pytest.mark.integration


def fetch(server: Server, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server.http + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def listening_on_every_interface(port: int) -> bool:
    """Whether a socket listens on 0.0.0.0:``port`` (state 0A in /proc/net/tcp)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        if state == "0A" and local == f"00000000:{port:04X}":
            return True
    return False


def test_public_url_is_the_base_of_every_link(tmp_path: Path) -> None:
    server = Server(tmp_path / "data", "--public-url", "https://papan.example/").start()
    try:
        body = server.request("POST", "/api/rooms", {"title": "Lokakarya"})
        code = body["room"]
        assert body["links"] == {
            "join": f"https://papan.example/r/{code}",
            "console": f"https://papan.example/r/{code}/console#key={body['facilitator_key']}",
            "screen": f"https://papan.example/r/{code}/screen",
        }
        for page in (f"/r/{code}", f"/r/{code}/screen", f"/r/{code}/console"):
            assert 'data-base="https://papan.example"' in fetch(server, page)[2].decode()
        assert b'id="local-warning"' not in fetch(server, "/")[2]  # links reach the phones
    finally:
        server.stop()


def test_lan_listens_everywhere_and_links_use_the_network_address(tmp_path: Path) -> None:
    server = Server(tmp_path / "data", "--lan").start()
    try:
        printed = server.log.read_text()
        match = re.search(r"http://(\d+\.\d+\.\d+\.\d+):(\d+)", printed)
        assert match is not None, printed
        address, port = match.group(1), int(match.group(2))
        assert not address.startswith("127.") and port == server.port
        assert "▀" in printed or "█" in printed  # the QR code, drawn in the terminal
        assert listening_on_every_interface(server.port)
        body = server.request("POST", "/api/rooms", {"title": "Di hotspot"})
        assert body["links"]["join"] == f"http://{address}:{port}/r/{body['room']}"
        # The QR code is of that address too, and no browser keeps it past a restart.
        status, headers, svg = fetch(server, f"/r/{body['room']}/qr.svg")
        assert status == 200 and headers["cache-control"] == "no-cache"
        assert svg == qr_svg(body["links"]["join"])
    finally:
        server.stop()


def test_the_start_page_warns_on_localhost_without_a_public_address(tmp_path: Path) -> None:
    server = Server(tmp_path / "data").start()
    try:
        page = fetch(server, "/")[2].decode()
        assert 'id="local-warning"' in page and "--lan" in page and "--public-url" in page
        english = fetch(server, "/?lang=en")[2].decode()
        assert "phones cannot open this address" in english
    finally:
        server.stop()


def test_responses_are_compressed_and_static_files_revalidated(tmp_path: Path) -> None:
    server = Server(tmp_path / "data").start()
    try:
        room, _ = server.new_room()
        plain = fetch(server, f"/r/{room}")
        for encoding in ("br", "gzip", "zstd"):
            status, headers, body = fetch(server, f"/r/{room}", **{"Accept-Encoding": encoding})
            assert status == 200 and headers["content-encoding"] == encoding
            assert len(body) < len(plain[2]) / 2
        status, headers, _ = fetch(server, "/static/js/board.js", **{"Accept-Encoding": "br"})
        assert headers["content-encoding"] == "br" and headers["cache-control"] == "no-cache"
        assert "Accept-Encoding" in headers["vary"] and headers["last-modified"]
        again = fetch(server, "/static/js/board.js", **{"If-None-Match": headers["etag"]})
        assert again[0] == 304 and again[2] == b""
    finally:
        server.stop()


def test_every_serve_option_is_described() -> None:
    commands = next(a for a in parser()._actions if a.dest == "command")
    serve = commands.choices["serve"]  # type: ignore[union-attr]
    options = [a for a in serve._actions if a.option_strings]
    assert {"--lan", "--public-url", "--forwarded-allow-ips"} <= {
        o for a in options for o in a.option_strings
    }
    assert all(a.help and len(a.help) > 10 for a in options), [
        a.option_strings for a in options if not a.help
    ]
