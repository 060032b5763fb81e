"""The berita acara kesepakatan: golden HTML and Markdown, the DOCX read back with
python-docx, what it must say, and the route that serves it (auth, snapshots, formats)."""

from __future__ import annotations

import io
import json
from typing import Any

import docx
import pytest
from starlette.testclient import TestClient

from server.export.minutes import render_minutes

from .asgi import event_where, hello, new_room, op
from .fixtures.golden import assert_golden
from .fixtures.workshop import record


@pytest.mark.parametrize(
    ("fmt", "variant", "name"),
    [
        ("html", {}, "sikka-minutes.html"),
        ("md", {}, "sikka-minutes.md"),
        ("md", {"language": "en"}, "sikka-minutes-en.md"),
    ],
)
def test_golden_minutes(fmt: str, variant: dict[str, Any], name: str) -> None:
    assert_golden(name, render_minutes(record(**variant), fmt).body)


def test_the_minutes_say_what_was_agreed_and_who_signs() -> None:
    r = record()
    html = render_minutes(r, "html").body.decode()
    assert "<h1>Berita Acara Kesepakatan</h1>" in html
    assert "Selasa, 10 Maret 2026, bertempat di Aula Bappeda Kabupaten Sikka, Maumere" in html
    assert "dipandu oleh Maria Goreti Da Silva" in html
    assert r["vision"]["statement"] in html
    assert all(mission in html for mission in r["vision"]["missions"])
    assert "Menyusun DED SPAM perdesaan untuk 12 desa pada 2025" in html  # a commitment
    assert "Rapat teknis OPD untuk rancangan awal RPJMD" in html  # a follow-up
    assert r["fingerprint"] in html
    # one signature block per actor that leads a program, and the facilitator's
    leads = {
        a["name"]
        for a in r["actors"]
        for p in r["programs"]
        for role in p["roles"]
        if role["actor"] == a["id"] and role["role"] == "lead"
    }
    assert html.count('<div class="signature">') == len(leads) + 1
    assert all(f'<p class="actor">{name}</p>' in html for name in leads)
    # the attendance list: everyone but the screens, each with a line to sign
    attendance = html[html.index('<table class="attendance">') :]
    people = [p for p in r["participants"] if p["role"] != "observer"]
    assert attendance.count('<td class="sign') == len(people)
    assert "Maria Nona *" in attendance and "Layar" not in attendance
    assert "size: A4 portrait" in html


def test_the_english_minutes() -> None:
    md = render_minutes(record(language="en"), "md").body.decode()
    assert md.startswith("# Minutes of Agreement")
    assert "On this day, Tuesday, 10 March 2026, at Aula Bappeda Kabupaten Sikka" in md
    assert "No participants yet from: Media." in md


def test_the_docx_reads_back_with_python_docx() -> None:
    r = record()
    out = render_minutes(r, "docx")
    assert out.media_type.endswith("wordprocessingml.document")
    assert out.filename.startswith("berita-acara-") and out.filename.endswith(".docx")
    doc = docx.Document(io.BytesIO(out.body))
    section = doc.sections[0]
    assert round(section.page_width.cm) == 21 and round(section.page_height.cm) == 30
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "BERITA ACARA KESEPAKATAN"
    assert any("dipandu oleh Maria Goreti Da Silva" in t for t in texts)
    assert any(r["fingerprint"] in t for t in texts)
    programs, followups, signatures, attendance = doc.tables
    assert [c.text for c in programs.rows[0].cells][:2] == ["No", "Program"]
    assert len(programs.rows) == 1 + len(r["programs"])
    assert "Menganggarkan PMT lokal" in programs.rows[1].cells[4].text
    assert len(followups.rows) == 1 + len(r["followups"])
    assert signatures.cell(0, 0).paragraphs[0].text == "Dinas PUPR"
    header = [c.text for c in attendance.rows[0].cells]
    assert header == ["No", "Nama", "Jabatan", "Organisasi", "Unsur", "Tanda tangan"]
    people = [p for p in r["participants"] if p["role"] != "observer"]
    assert len(attendance.rows) == 1 + len(people)
    assert [c.text for c in attendance.rows[2].cells][:5] == [
        "2", "Yohanes Bala", "Kepala Bidang Bina Marga", "Dinas PUPR", "Pemerintah (OPD)",
    ]  # fmt: skip
    assert doc.core_properties.comments.endswith(r["fingerprint"])


def test_what_people_typed_stays_text_in_the_minutes() -> None:
    r = record(hostile=True)
    html = render_minutes(r, "html").body.decode()
    assert "<script" not in html and "<img" not in html
    md = render_minutes(r, "md").body.decode()
    assert "\\<script\\>" in md
    doc = docx.Document(io.BytesIO(render_minutes(r, "docx").body))
    assert any("<script>" in p.text for p in doc.paragraphs)  # as text, in a run


def test_unknown_formats_are_refused() -> None:
    with pytest.raises(ValueError, match="format must be one of html, md, docx"):
        render_minutes(record(), "pdf")


# --- over HTTP ---------------------------------------------------------------------------


def _room(client: TestClient, close: bool) -> tuple[str, dict[str, str]]:
    room, key = new_room(client, title="Musrenbang Desa Nita")
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "1", "room.configure", venue="Balai Desa Nita", date="2026-04-02")
        op(f, "2", "vision.set", text="Desa Nita mandiri")
        op(f, "3", "snapshot.take", label="draf")
        event_where(f, op_id="3")
        op(f, "4", "vision.set", text="Desa Nita mandiri dan sejahtera")
        if close:
            op(f, "5", "phase.set", phase="closed")
            event_where(f, op_id="5")
        op(f, "6", "vision.set", text="setelah ditutup")
        event_where(f, op_id="6")
    return room, {"Authorization": f"Bearer {key}"}


def test_the_route_serves_now_a_snapshot_or_the_final_one(client: TestClient) -> None:
    room, auth = _room(client, close=False)
    url = f"/api/rooms/{room}/minutes"
    assert client.get(url).status_code == 401
    now = client.get(url, headers=auth)
    assert now.status_code == 200 and now.headers["content-type"].startswith("text/html")
    assert "setelah ditutup" in now.text and "Kamis, 2 April 2026" in now.text
    assert 'filename="berita-acara-musrenbang-desa-nita-' in now.headers["content-disposition"]
    draft = client.get(url, params={"snapshot": "1", "format": "md"}, headers=auth)
    assert draft.status_code == 200 and "Desa Nita mandiri" in draft.text
    assert "sejahtera" not in draft.text
    scenario = json.loads(client.get(f"/api/rooms/{room}/snapshots/1", headers=auth).content)
    assert scenario["fingerprint"] in draft.text
    word = client.get(url, params={"format": "docx"}, headers=auth)
    assert word.status_code == 200
    docx.Document(io.BytesIO(word.content))
    for params, status in (({"format": "pdf"}, 400), ({"snapshot": "x"}, 400),
                           ({"snapshot": "9"}, 404)):  # fmt: skip
        response = client.get(url, params=params, headers=auth)
        assert response.status_code == status
        assert response.json()["error"]["code"] in ("invalid", "not_found")


def test_by_default_the_minutes_are_of_the_final_snapshot(client: TestClient) -> None:
    room, auth = _room(client, close=True)
    text = client.get(f"/api/rooms/{room}/minutes", params={"format": "md"}, headers=auth).text
    assert "Desa Nita mandiri dan sejahtera" in text and "setelah ditutup" not in text
