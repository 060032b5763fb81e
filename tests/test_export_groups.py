"""The record of a room that worked in groups: "Hasil kelompok kerja" in every report."""

from __future__ import annotations

import io

import docx
import openpyxl

from server.export import render
from server.state.record import build_record

from .board import Board


def _grouped_record() -> dict:
    b = Board()
    ani, budi = b.join("Ani", "Dinas PUPR"), b.join("Budi", "Dinas Kesehatan")
    infra = b.do(b.facilitator, "group.add", name="Infrastruktur")["op"]["group"]
    social = b.do(b.facilitator, "group.add", name="Sosial")["op"]["group"]
    b.do(b.facilitator, "group.assign", participant=ani, group=infra)
    b.do(b.facilitator, "group.assign", participant=budi, group=social)
    b.do(b.facilitator, "group.rapporteur", group=infra, participant=ani)
    b.phase("issues")
    note = b.note(ani, "Jembatan Nangablo putus")
    b.phase("cluster")
    cluster = b.cluster(ani, "Konektivitas")
    b.do(ani, "note.cluster", note=note, cluster=cluster)
    b.do(b.facilitator, "program.promote", cluster=cluster, title="Penyelenggaraan jalan")
    return build_record(b.state).to_json_dict()


def test_every_report_has_the_groups_results_before_the_plenarys() -> None:
    record = _grouped_record()
    html = render(record, "html").body.decode()
    assert html.index("Hasil kelompok kerja") < html.index("2. Peringkat program")
    assert "Pelapor: <bdi>Ani</bdi>" in html and "Jembatan Nangablo putus" in html
    md = render(record, "md").body.decode()
    assert "## Hasil kelompok kerja" in md and "### Sosial" in md
    assert "Menjadi program: Penyelenggaraan jalan" in md
    assert "Kelompok kerja ini belum mengelompokkan kartu." in md  # Sosial clustered nothing
    words = docx.Document(io.BytesIO(render(record, "docx").body))
    headings = [p.text for p in words.paragraphs if p.style.name.startswith("Heading")]
    assert "Hasil kelompok kerja" in headings and "Infrastruktur" in headings
    book = openpyxl.load_workbook(io.BytesIO(render(record, "xlsx").body))
    rows = list(book["Kelompok kerja"].iter_rows(min_row=2, values_only=True))
    assert ("Infrastruktur", "Ani", "Pelapor", "Konektivitas") in rows
    assert ("Sosial", "Budi", None, None) in rows  # empty cells


def test_a_room_without_groups_has_no_groups_section() -> None:
    b = Board()
    record = build_record(b.state).to_json_dict()
    assert "Hasil kelompok" not in render(record, "html").body.decode()
    book = openpyxl.load_workbook(io.BytesIO(render(record, "xlsx").body))
    assert "Kelompok kerja" not in book.sheetnames
