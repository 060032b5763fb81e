"""What the exports must never do: run what a user typed, or name the author of an anonymous card.

The hostile workshop puts formula payloads, HTML and Markdown in the room title, cards,
a program title and an actor name; the anonymous one hides who wrote which card.
"""

from __future__ import annotations

import base64
import csv
import io
import re
import xml.etree.ElementTree as ET
from html import escape
from html.parser import HTMLParser

import openpyxl
import pytest

from server.export import render
from server.export.tables import neutralise

from .fixtures.workshop import (
    HOSTILE_ACTOR,
    HOSTILE_CARDS,
    HOSTILE_PROGRAM,
    HOSTILE_TITLE,
    PEOPLE,
    record,
)

FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Every element our HTML template and SVG charts use; anything else came from user text.
OUR_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "p", "h1", "h2", "h3", "h4",
    "dl", "dt", "dd", "ul", "ol", "li", "b", "nav", "a", "main", "section", "blockquote",
    "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "span", "br", "small", "figure",
    "figcaption", "article", "div", "footer", "bdi", "code",
    "svg", "rect", "text", "line", "g", "circle", "tspan",
}  # fmt: skip


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"), ("+62 812", "'+62 812"), ("-5%", "'-5%"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Jalan desa", "Jalan desa"), ("", ""),
        ("a=b", "a=b"),
    ],
)  # fmt: skip
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected


def test_html_escapes_everything_users_typed() -> None:
    html = render(record(hostile=True), "html").body.decode()
    parser = Tags()
    parser.feed(html)
    assert parser.tags <= OUR_TAGS, parser.tags - OUR_TAGS
    assert parser.handlers == []
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;judul&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(&#39;program&#39;)&gt; Program | uji" in html
    assert "\x07" not in html


def _svgs_in_markdown(md: str) -> list[str]:
    return [
        base64.b64decode(data).decode()
        for data in re.findall(r"\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", md)
    ]


def test_markdown_keeps_user_text_literal() -> None:
    md = render(record(hostile=True), "md").body.decode()
    text = re.sub(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", "", md)
    assert not re.search(r"(?<!\\)<", text), "an unescaped < would start raw HTML"
    assert "\\[klik\\](javascript:alert(1))" in text  # not a link
    assert "\\<script\\>alert('judul')\\</script\\>" in text
    # A | in a title does not add a column: every table row has as many cells as its header.
    for block in re.findall(r"(?:^\|.*\|\n)+", text, flags=re.M):
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in block.splitlines()}
        assert len(widths) == 1, block
    svgs = _svgs_in_markdown(md)
    assert len(svgs) == 3  # quadrant, bars, votes by participant element
    for svg in svgs:
        ET.fromstring(svg)  # well-formed XML: the titles are escaped inside the chart
        assert "<script" not in svg and "<img" not in svg
    assert any("&lt;img src=x onerror=alert(&#39;program&#39;)&gt;" in svg for svg in svgs)


@pytest.mark.parametrize("table", ["programs", "plan", "matrix"])
def test_csv_cells_cannot_start_a_formula(table: str) -> None:
    body = render(record(hostile=True), "csv", table=table).body.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body), delimiter=";") for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA)]
    if table == "matrix":
        assert "'" + HOSTILE_ACTOR in cells
    else:
        assert HOSTILE_PROGRAM in cells


def test_xlsx_holds_no_formula_and_neutralises_hostile_text() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render(record(hostile=True), "xlsx").body))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA), (sheet.title, cell.value)
                    texts.append(cell.value)
    for card in HOSTILE_CARDS:
        if card.startswith(FORMULA):
            assert "'" + card in texts
    assert "Airbersih dengan karakter kendali" in texts  # control character dropped
    assert "'" + HOSTILE_ACTOR in texts
    assert book["Ringkasan"]["B2"].value == HOSTILE_TITLE


def _section(text: str, start: str, end: str | None = None) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin) if end else len(text)]


def test_anonymous_authors_appear_in_no_format() -> None:
    named, anonymous = record(), record(anonymous=True)
    assert all("author" in n for n in named["notes"])
    assert all("author" not in n for n in anonymous["notes"])
    names = [name for name, _ in PEOPLE]

    md = render(anonymous, "md").body.decode()
    cards_md = _section(md, "## 1.", "## 2.") + _section(md, "## Lampiran")
    assert not [n for n in names if n in cards_md]
    assert " — _" not in md
    named_md = render(named, "md").body.decode()
    assert "— _Agustina Wero_" in named_md  # the same check sees authors when there are some

    html = render(anonymous, "html").body.decode()
    cards_html = _section(html, '<section id="vision">', "</section>") + _section(
        html, '<section id="cards"', "</section>"
    )
    assert not [n for n in names if n in cards_html]
    assert 'class="author"' not in html
    assert 'class="author"' in render(named, "html").body.decode()

    book = openpyxl.load_workbook(io.BytesIO(render(anonymous, "xlsx").body))
    cards = list(book["Kartu"].iter_rows(values_only=True))
    assert "Penulis" not in cards[0]
    assert not [n for n in names for row in cards for v in row if v == n]
    for table in ("programs", "matrix"):
        body = render(anonymous, "csv", table=table).body.decode("utf-8-sig")
        assert not [n for n in names if n in body]
    # The participants list still names who took part: only authorship is hidden.
    assert "Agustina Wero" in _section(md, "## 7.", "## 8.")


@pytest.mark.parametrize("language", ["id", "en"])
def test_scores_not_revealed_render_gracefully(language: str) -> None:
    r = record(reveal=False, language=language)
    assert all(p["scores"] is None and p["rank"] is None for p in r["programs"])
    pending = {"id": "Hasil penilaian belum dibuka", "en": "Not revealed yet"}[language]
    md = render(r, "md").body.decode()
    html = render(r, "html").body.decode()
    assert pending in md and pending in html
    assert "data:image/svg" not in md and "<svg" not in html
    assert "| Prioritas |" not in md and "| Priority |" not in md  # no quadrant column values
    book = openpyxl.load_workbook(io.BytesIO(render(r, "xlsx").body))
    first = next(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert first[0] is None and first[3] is None  # no rank, no score
    sep = {"id": ";", "en": ","}[language]
    body = render(r, "csv").body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=sep))
    assert rows[1][0] == "" and len(rows) == 7


SPOOF = "\u202egnp.exe"  # reads "exe.png"
LIES = re.compile("[\x00\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _lying_record() -> dict:
    """A record stored before text was cleaned on the way in: its texts still lie."""
    r = record()
    r["room"]["title"] += SPOOF
    r["notes"][0]["text"] = SPOOF + "\x00"
    r["programs"][0]["title"] = "\u2066" + r["programs"][0]["title"] + "\u2069"
    r["actors"][0]["name"] += "\u200f"
    r["participants"][2]["name"] = "\u202b" + r["participants"][2]["name"]
    return r


@pytest.mark.parametrize(
    ("fmt", "table"),
    [("json", None), ("md", None), ("html", None), ("csv", "programs"), ("csv", "matrix"),
     ("xlsx", None)],
)  # fmt: skip
def test_no_format_keeps_bidirectional_controls(fmt: str, table: str | None) -> None:
    body = render(_lying_record(), fmt, table=table).body
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(body))
        texts = [c.value for s in book.worksheets for row in s.iter_rows() for c in row]
        text = "\n".join(v for v in texts if isinstance(v, str))
        assert "gnp.exe" in text
    else:
        text = body.decode("utf-8-sig")
    assert not LIES.search(text) and "\\u0000" not in text
    assert "\\u202e" not in text.lower()


def test_html_isolates_user_text() -> None:
    html = render(_lying_record(), "html").body.decode()
    r = record()
    assert '<span class="text"><bdi>gnp.exe</bdi></span>' in html
    for name in (r["participants"][2]["name"], r["actors"][0]["name"], r["programs"][0]["title"]):
        assert f"<bdi>{escape(name)}</bdi>" in html
    # The title is isolated whole; its year span inside keeps from breaking at the dash.
    assert re.search(
        r"<h1><bdi>Lokakarya S-PWT[^<]*<span class=\"nowrap\">[^<]*</span>[^<]*gnp\.exe</bdi></h1>",
        html,
    )
