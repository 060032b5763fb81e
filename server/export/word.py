"""The report as a Word document (``format=docx``): the HTML report's sections, in order.

Bappeda teams write their RPJMD and Renstra drafts in Word, so every table is a real Word
table (``wordkit.WordDocument.table`` over the ``Table`` objects of ``tables.py``, laid out
by ``layout.py`` as in the HTML and XLSX reports) that they can edit and paste; the wide ones
(program ranking, role matrix, the RPJMD/Renstra plan table) and the charts sit in one
landscape section. A new table is one more call where it belongs. The charts are the report's own
SVG drawn to PNG by resvg (a Rust renderer in a self-contained wheel, no system libraries),
so that Word shows them as pictures.
"""

from __future__ import annotations

from collections.abc import Iterable

from .charts import bars_svg, quadrant_svg
from .i18n import parse_time
from .plan import plan_table
from .tables import (
    followups_table,
    matrix_table,
    participants_table,
    phases_table,
    ranking_table,
    snapshot_label,
    voting_summary,
)
from .view import Card, Report
from .wordkit import WordDocument

CHART_ZOOM = 2.0  # pixels per SVG unit: sharp when printed at the width of a landscape page
# The HTML report's role colours, the lead's lighter so that black text stays readable.
ROLE_FILLS = {"lead": "8DB3E2", "support": "CFE0F3", "consult": "FDF0C4", "inform": "F1F2F4"}
SECTIONS = ("vision", "programs", "charts", "role_matrix", "indicators", "policies")


def render_docx(report: Report) -> bytes:
    """The whole report as the bytes of a .docx file, in the room's language."""
    doc = WordDocument(report.t)
    _title_page(doc, report)
    _vision(doc, report)
    _group_results(doc, report)
    doc.orientation(landscape=True)  # the program, matrix and indicator tables are wide
    _programs(doc, report)
    _charts(doc, report)
    _matrix(doc, report)
    _indicators(doc, report)
    doc.orientation(landscape=False)
    _policies(doc, report)
    _people_and_phases(doc, report)
    _commitments_and_followups(doc, report)
    _cards(doc, report)
    t = report.t
    doc.footer(t("generated", code=report.room["code"], seq=report.snapshot["seq"]))
    return doc.to_bytes(report.room["title"], parse_time(report.snapshot.get("taken_at")))


def _title_page(doc: WordDocument, r: Report) -> None:
    t, room = r.t, r.room
    doc.paragraph(t("document"), "Subtitle")
    doc.heading(room["title"], 0)
    if room["region"]:
        doc.paragraph(room["region"], "Subtitle")
    label = snapshot_label(r)
    doc.facts(
        [
            (t("horizon"), t.name("horizons", room["horizon"])),
            (t("date"), f"{t.datetime(r.snapshot['taken_at'])} {t.zone}"),
            (t("room_code"), room["code"]),
            *([(t("snapshot"), label)] if label else []),
            (t("phase_at"), t.name("phases", r.snapshot["phase"])),
            (t("voting"), voting_summary(r)),
        ]
    )
    counts = (
        (len(r.participants), "count_participants"),
        (r.card_count, "count_cards"),
        (len(r.programs), "count_programs"),
        (len(r.actors), "count_actors"),
    )
    doc.facts([(t("summary_counts"), ", ".join(f"{n} {t(key)}" for n, key in counts))])
    doc.heading(t("contents"), 2)
    # Numbered by hand: Word's list numbering would run on into the missions list.
    keys = (*SECTIONS, "participants", "phases")
    doc.lines([*(f"{n}. {t(key)}" for n, key in enumerate(keys, 1)), t("cards")])


def _vision(doc: WordDocument, r: Report) -> None:
    t = r.t
    doc.heading(f"1. {t('vision')}")
    if r.vision_statement:
        for paragraph in r.vision_statement:
            doc.paragraph(paragraph, "Quote")
    else:
        doc.paragraph(t("no_vision"), italic=True)
    if r.missions:
        doc.heading(t("missions"), 2)
        doc.items(r.missions, numbered=True)
    if r.vision_cards:
        doc.heading(t("vision_cards"), 2)
        doc.items(_cards_text(r.vision_cards))


def _group_results(doc: WordDocument, r: Report) -> None:
    """What each working group brought to the plenary, when the room worked in groups."""
    if not r.groups:
        return
    t = r.t
    doc.heading(t("group_results"))
    for g in r.groups:
        doc.heading(g.name, 3)
        rapporteur = f" · {t('group_rapporteur')}: {g.rapporteur}" if g.rapporteur else ""
        doc.paragraph(f"{t('group_members')}: {', '.join(g.members)}{rapporteur}")
        for c in g.clusters:
            arrow = f" → {c.program}" if c.program else ""
            doc.paragraph(f"{c.title}{arrow} ({len(c.cards)})")
            doc.items(_cards_text(c.cards))
        if not g.clusters:
            doc.paragraph(t("group_no_clusters"), italic=True)
        if g.programs:
            doc.paragraph(f"{t('group_programs')}: {'; '.join(g.programs)}")


def _programs(doc: WordDocument, r: Report) -> None:
    t = r.t
    doc.heading(f"2. {t('programs')}")
    if not r.programs:
        doc.paragraph(t("no_programs"), italic=True)
        return
    intro = t("programs_intro") if r.has_quadrant else t("programs_intro_plain")
    doc.paragraph(intro if r.revealed else t("not_revealed_long"))
    doc.table(ranking_table(r))
    if r.tied:
        doc.paragraph(t("tie_note"), italic=True)


def _charts(doc: WordDocument, r: Report) -> None:
    import resvg_py  # a compiled renderer: loaded only when a Word report is asked for

    t = r.t
    doc.heading(f"3. {t('charts')}")
    if not (r.revealed and any(p.scores for p in r.programs)):
        doc.paragraph(t("not_revealed_long"), italic=True)
        return
    width = int(doc.text_width * 0.85)
    if r.has_quadrant:
        png = resvg_py.svg_to_bytes(svg_string=quadrant_svg(r), zoom=CHART_ZOOM)
        doc.image(bytes(png), t("quadrant_chart"), t("chart_quadrant_alt"), width)
    else:
        doc.paragraph(t("no_quadrant"), italic=True)
    png = resvg_py.svg_to_bytes(svg_string=bars_svg(r), zoom=CHART_ZOOM)
    doc.image(bytes(png), t("bar_chart"), t("chart_bars_alt"), width)


def _matrix(doc: WordDocument, r: Report) -> None:
    t = r.t
    doc.heading(f"4. {t('role_matrix')}")
    if not (r.actors and r.matrix):
        doc.paragraph(t("no_actors"), italic=True)
        return
    doc.paragraph(t("role_matrix_intro"))
    doc.table(matrix_table(r), fills={t.name("roles", k): fill for k, fill in ROLE_FILLS.items()})


def _indicators(doc: WordDocument, r: Report) -> None:
    t = r.t
    doc.heading(f"5. {t('indicators')}")
    if not r.has_indicators:
        doc.paragraph(t("no_indicators"), italic=True)
        return
    doc.paragraph(t("plan_intro"))
    doc.table(plan_table(r))


def _policies(doc: WordDocument, r: Report) -> None:
    t = r.t
    doc.heading(f"6. {t('policies')}")
    if not r.has_policies:
        doc.paragraph(t("no_policies"), italic=True)
        return
    for p in r.programs:
        if not (p.policies or p.strategies):
            continue
        quadrant = f" ({t.name('quadrants', p.quadrant)})" if p.quadrant else ""
        doc.heading(f"{f'{p.rank}. ' if p.rank else ''}{p.title}{quadrant}", 3)
        for key, texts in (("policies", p.policies), ("strategies", p.strategies)):
            if texts:
                doc.heading(t.col(key), 4)
                doc.items(texts)


def _people_and_phases(doc: WordDocument, r: Report) -> None:
    t = r.t
    doc.heading(f"7. {t('participants')}")
    doc.table(participants_table(r))
    doc.heading(f"8. {t('phases')}")
    doc.table(phases_table(r))
    doc.paragraph(t("times_note", zone=t.zone_label), italic=True)


def _commitments_and_followups(doc: WordDocument, r: Report) -> None:
    """What each actor committed to, program by program, and the follow-up plan."""
    t = r.t
    doc.heading(f"9. {t('commitments')}")
    actors = r.people.commitments if r.people else ()
    for actor in actors:
        doc.heading(actor.actor, 3)
        doc.items(f"{c.program}: {c.text}" for c in actor.items)
    if not actors:
        doc.paragraph(t("no_commitments"), italic=True)
    doc.heading(f"10. {t('followups')}")
    if r.people and r.people.followups:
        doc.table(followups_table(r))
    else:
        doc.paragraph(t("no_followups"), italic=True)


def _cards(doc: WordDocument, r: Report) -> None:
    t = r.t
    doc.heading(t("cards"))
    if not (r.clusters or r.unclustered):
        doc.paragraph(t("no_cards"), italic=True)
        return
    for c in r.clusters:
        arrow = f" → {c.program}" if c.program and c.program != c.title else ""
        doc.heading(c.title + arrow, 3)
        if c.cards:
            doc.items(_cards_text(c.cards))
        else:
            doc.paragraph(t("no_cards"), italic=True)
    if r.unclustered:
        doc.heading(t("unclustered"), 3)
        doc.items(_cards_text(r.unclustered))


def _cards_text(cards: Iterable[Card]) -> list[str]:
    return [f"{c.text} — {c.author}" if c.author else c.text for c in cards]
