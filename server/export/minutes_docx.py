"""The berita acara as a Word document (python-docx): the same text as the HTML minutes, in
a file the secretariat can edit (the number, a name on a signature line) before signing.

A4 portrait, the margins of an Indonesian official letter, plain built-in styles so that it
opens the same in Word and LibreOffice. Text users typed goes into runs, never into XML.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from docx import Document
from docx.document import Document as Docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table

from .formats import Options
from .i18n import parse_time, printable
from .minutes import Minutes, build_minutes


def _text(value: str) -> str:
    return printable(value)  # control characters are invalid in XML


def _table(doc: Docx, header: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_text(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = _text(text)
    for n, width in enumerate(widths):
        for cell in table.columns[n].cells:
            cell.width = Cm(width)
    return table  # type: ignore[no-any-return]


def _heading(doc: Docx, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.add_run(_text(text)).bold = True


def docx(record: dict[str, Any], options: Options) -> bytes:
    """The renderer of ``formats.MINUTES["docx"]``."""
    return write_docx(build_minutes(record))


def write_docx(m: Minutes) -> bytes:
    """The minutes as DOCX bytes."""
    t = m.t
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(1.8)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11.5)
    props = doc.core_properties
    props.title = _text(f"{m.say('title')} — {m.title}")
    props.author = "S-PWT Board"
    props.comments = _text(f"{t('fingerprint')}: {m.fingerprint}")
    # The record's time, not the clock's: the same record gives the same document.
    taken = parse_time(m.taken_at) or datetime(2000, 1, 1, tzinfo=UTC)
    props.created = props.modified = taken.replace(tzinfo=None)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(m.say("title").upper())
    run.bold, run.underline, run.font.size = True, True, Pt(14)
    for line, bold in ((m.title, True), (m.region, False), (m.say("number"), False)):
        if line:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(_text(line)).bold = bold

    opening = (
        m.say("opening", day=m.day, venue=m.venue, title=m.title)
        if m.venue
        else m.say("opening_no_venue", day=m.day, title=m.title)
    )
    facilitators = ", ".join(f.name for f in m.facilitators)
    attended = m.say("attended", facilitators=facilitators, count=m.participant_count)
    doc.add_paragraph(_text(f"{opening} {attended}")).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    _heading(doc, f"1. {m.say('vision')}")
    if m.vision:
        doc.add_paragraph(_text(m.say("vision_agreed")))
        doc.add_paragraph(_text(m.vision)).runs[0].italic = True
    else:
        doc.add_paragraph(_text(m.say("no_vision")))
    if m.missions:
        doc.add_paragraph(_text(m.say("missions")))
        for n, mission in enumerate(m.missions, start=1):
            doc.add_paragraph(_text(f"{n}. {mission}"))

    _heading(doc, f"2. {m.say('programs')}")
    if m.programs:
        _table(
            doc,
            [t.col("no"), t.col("program"), t.col("quadrant"), t.col("lead"), t.col("commitment")],
            [
                [
                    str(p.rank or n), p.title, p.quadrant, p.lead,
                    "\n".join(f"{actor}: {text}" for actor, text in p.commitments),
                ]
                for n, p in enumerate(m.programs, start=1)
            ],
            [1, 4, 2.3, 3.5, 5.7],
        )  # fmt: skip
    else:
        doc.add_paragraph(_text(m.say("no_programs")))

    _heading(doc, f"3. {m.say('followups')}")
    if m.followups:
        _table(
            doc,
            [t.col("no"), t.col("activity"), t.col("actor"), t.col("due")],
            [[str(n), f.text, f.actor, f.due] for n, f in enumerate(m.followups, start=1)],
            [1, 8, 4.5, 3],
        )
    else:
        doc.add_paragraph(_text(m.say("no_followups")))

    _heading(doc, f"4. {m.say('representation')}")
    counts = "; ".join(f"{name}: {n}" for name, n in m.people.by_category)
    genders = "; ".join(f"{name}: {n}" for name, n in m.people.by_gender)
    missing = (
        t("missing_categories", categories=", ".join(m.missing))
        if m.missing
        else t("all_represented")
    )
    doc.add_paragraph(_text(f"{counts}. {genders}. {missing}"))

    doc.add_paragraph(_text(m.say("closing"))).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    place = m.say("place_date", place=m.place, day=m.date) if m.place else m.date
    doc.add_paragraph(_text(place)).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph(_text(m.say("agreed_by")))
    _signatures(doc, m)

    fingerprint = doc.add_paragraph()
    fingerprint.add_run(_text(f"{t('fingerprint')}: ")).bold = True
    fingerprint.add_run(m.fingerprint).font.name = "Courier New"
    doc.add_paragraph(_text(m.say("fingerprint_note"))).runs[0].font.size = Pt(9)

    doc.add_page_break()  # type: ignore[no-untyped-call]
    _heading(doc, m.say("attendance"))
    of = m.say("attendance_of", title=m.title) + (f", {m.day}" if m.day else "")
    doc.add_paragraph(_text(of))
    _table(
        doc,
        [t.col("no"), t.col("name"), t.col("position"), t.col("org"), t.col("category"),
         t.col("signature")],
        [
            [str(n), a.name + (" *" if a.paper else ""), a.position, a.org, a.category, f"{n}."]
            for n, a in enumerate(m.attendees, start=1)
        ],
        [1, 4, 3.3, 3.6, 2.6, 2],
    )  # fmt: skip
    if m.people.has_paper:
        doc.add_paragraph(_text(t("paper_note")))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _signatures(doc: Docx, m: Minutes) -> None:
    """Two signature blocks per row: each lead actor, then the facilitators."""
    blocks = [
        (s.actor, m.say("leads", programs="; ".join(s.programs)), m.say("name_line"))
        for s in m.signatories
    ] + [(m.say("facilitator"), f.org, f.name) for f in m.facilitators]
    if not blocks:
        return
    table = doc.add_table(rows=(len(blocks) + 1) // 2, cols=2)
    for n, (who, sub, name) in enumerate(blocks):
        cell = table.cell(n // 2, n % 2)
        first = cell.paragraphs[0]
        first.alignment = WD_ALIGN_PARAGRAPH.CENTER
        first.add_run(_text(who)).bold = True
        for line, space in ((sub, 0), (name, 42), (m.say("nip"), 0)):
            p = cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_before = Pt(space)
            p.add_run(_text(line)).font.size = Pt(10 if line is sub else 11.5)
