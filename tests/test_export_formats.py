"""The one table of export formats: the API, the CLI, the protocol document and the pages'
download buttons read it, so a format added there (one line) is served everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from server import cli, protocol_doc
from server.app import create_app
from server.export import formats, render
from server.export.formats import MINUTES, SCENARIO, Format, Options
from server.settings import Settings

from .asgi import event_where, hello, new_room, op, page_data
from .fixtures.workshop import record

WEB_I18N = Path(__file__).parent.parent / "web" / "i18n"


def plain(record: dict[str, Any], options: Options) -> bytes:
    """A toy renderer for a format added in a test: the room's title as text."""
    return f"{record['room']['title']} {options.sep or ''}".encode()


@pytest.fixture
def with_txt(monkeypatch: pytest.MonkeyPatch) -> Format:
    added = Format("txt", "text/plain; charset=utf-8", "tests.test_export_formats:plain",
                   "format.json", "txt", 9, options=("sep",))  # fmt: skip
    monkeypatch.setitem(SCENARIO, "txt", added)
    return added


def test_a_format_added_to_the_table_is_served_by_the_api(tmp_path: Any, with_txt: Format) -> None:
    # In a thread of this process (``export_workers=0``): a worker process would import the
    # table afresh, without the line this test adds.
    with TestClient(create_app(Settings(data=str(tmp_path), export_workers=0))) as client:
        room, key = new_room(client, title="Lokakarya Sikka")
        with client.websocket_connect(f"/ws/{room}") as f:
            hello(f, key=key)
            op(f, "1", "actor.add", name="Bappeda")
            event_where(f, op_id="1")
        auth = {"Authorization": f"Bearer {key}"}
        got = client.get(f"/api/rooms/{room}/scenario?format=txt&sep=;", headers=auth)
    assert got.status_code == 200, got.text
    assert got.text == "Lokakarya Sikka ;" and got.headers["content-type"].startswith("text/plain")
    assert re.search(
        r'filename="spwt-lokakarya-sikka-[0-9-]+\.txt"', got.headers["content-disposition"]
    )
    assert {"id": "txt", "query": "format=txt", "label": "format.json"} in formats.downloads()


def test_an_unknown_format_or_option_is_refused_with_the_table_s_names(client: TestClient) -> None:
    room, key = new_room(client)
    auth = {"Authorization": f"Bearer {key}"}
    for query, message in (
        ("format=pdf", "format must be one of json, md, html, csv, xlsx, docx"),
        ("format=csv&table=cards", "table must be one of programs, plan, matrix"),
        ("format=csv&sep=|", "sep must be one of , ;"),
    ):
        got = client.get(f"/api/rooms/{room}/scenario?{query}", headers=auth)
        assert got.status_code == 400
        assert got.json()["error"] == {"code": "invalid", "message": message}
    got = client.get(f"/api/rooms/{room}/minutes?format=csv", headers=auth)
    assert got.json()["error"]["message"] == "format must be one of html, md, docx"


def test_every_format_renders_with_its_media_type_and_suffix() -> None:
    made = record()
    for name, spec in SCENARIO.items():
        rendered = render(made, name)
        assert rendered.media_type == spec.media_type
        assert rendered.filename.endswith(f".{spec.suffix}") and rendered.body
    assert render(made, "csv", table="plan").filename.endswith("-plan.csv")


def test_the_cli_offers_the_table_s_formats() -> None:
    export = cli.parser()._subparsers._group_actions[0].choices["export"]  # type: ignore[union-attr]
    choices = {a.dest: a.choices for a in export._actions}
    assert choices["format"] == list(SCENARIO)
    assert choices["table"] == list(formats.TABLES) and choices["sep"] == list(formats.SEPARATORS)


def test_the_protocol_document_lists_the_table_s_formats(with_txt: Format) -> None:
    text = protocol_doc.render()
    assert "scenario?format=json\\|md\\|html\\|csv\\|xlsx\\|docx\\|txt`" in text
    assert "minutes?format=html\\|md\\|docx[&snapshot=N]`" in text


def test_pages_carry_the_download_buttons(client: TestClient) -> None:
    room, _ = new_room(client)
    page = client.get(f"/r/{room}").text
    buttons = page_data(page, "formats")
    assert buttons == formats.downloads()
    assert [b["id"] for b in buttons] == ["md", "html", "docx", "csv", "matrix", "xlsx", "json"]
    assert buttons[4]["query"] == "format=csv&table=matrix"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_button_and_format_has_its_label(lang: str) -> None:
    strings = json.loads((WEB_I18N / f"{lang}.json").read_text())
    labels = {b["label"] for b in formats.downloads()}
    labels |= {f.label for f in (*SCENARIO.values(), *MINUTES.values())}
    assert labels - set(strings) == set()
