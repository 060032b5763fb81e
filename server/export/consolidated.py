"""The regional plan of ``planning/consolidate.py`` in four formats: JSON, Markdown, HTML, XLSX.

One layout, four tables (sources, programs side by side per source, indicator targets per
source, differences), written by three small writers. Text cells are neutralised against
formula injection in the workbook and escaped in HTML and Markdown; numbers stay numbers.
Strings come from the ``consolidated`` part of the report catalogues.
"""

from __future__ import annotations

import html
import io
from datetime import datetime
from typing import Any

import orjson

from . import MEDIA_TYPES, Rendered, slug
from .i18n import Catalogue, catalogue, printable
from .tables import Cell, Table, neutralise

FORMATS: tuple[str, ...] = ("json", "md", "html", "xlsx")
MONEY = "#,##0"
SHARE = "0.0%"


class _Words:
    def __init__(self, t: Catalogue) -> None:
        self.t = t
        self.data: dict[str, Any] = t.data["consolidated"]

    def __call__(self, key: str, **values: object) -> str:
        text: str = self.data[key]
        return text.format(**values) if values else text

    def col(self, key: str, **values: object) -> str:
        text: str = self.data["columns"][key]
        return text.format(**values) if values else text


def render_plan(plan: dict[str, Any], fmt: str, language: str | None = None) -> Rendered:
    """The plan as a download; ValueError for an unknown format."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    name = f"spwt-{slug(plan['title']) or 'rencana'}-terpadu.{fmt}"
    if fmt == "json":
        return Rendered(orjson.dumps(plan, option=orjson.OPT_INDENT_2), MEDIA_TYPES[fmt], name)
    words = _Words(catalogue(language or plan.get("language")))
    tables = plan_tables(plan, words)
    if fmt == "xlsx":
        return Rendered(_xlsx(plan, tables, words), MEDIA_TYPES[fmt], name)
    text = _html(plan, tables, words) if fmt == "html" else _markdown(plan, tables, words)
    return Rendered(text.encode("utf-8"), MEDIA_TYPES[fmt], name)


def plan_tables(plan: dict[str, Any], w: _Words) -> list[Table]:
    return [_sources(plan, w), _programs(plan, w), _targets(plan, w), _conflicts(plan, w)]


def _sources(plan: dict[str, Any], w: _Words) -> Table:
    years = plan["years"]
    header = (
        w.col("source"), w.col("title"), w.col("region"), w.col("horizon"), w.col("years"),
        w.col("programs"), *(w.col("pagu_year", year=y) for y in years), w.col("pagu"),
    )  # fmt: skip
    rows: list[tuple[Cell, ...]] = []
    for s in plan["sources"]:
        span = f"{s['years'][0]}-{s['years'][-1]}" if s["years"] else ""
        rows.append((
            s["key"], s["title"], s["region"], w.t.name("horizons", s["horizon"]), span,
            s["programs"], *(s["budget"].get(str(y), 0) for y in years), s["pagu"],
        ))  # fmt: skip
    totals = plan["totals"]
    rows.append((
        w("all_sources"), "", "", "", "", totals["programs"],
        *(totals["budget"].get(str(y), 0) for y in years), totals["pagu"],
    ))  # fmt: skip
    money = {i: MONEY for i in range(6, len(header))}
    return Table("sources", header, rows, numeric=money)


def _match(member: dict[str, Any], w: _Words) -> str:
    by, score = member["match"]["by"], member["match"]["score"]
    if by == "title":
        return w("match_title", score=w.t.number(score))
    return w(f"match_{by}")


def _programs(plan: dict[str, Any], w: _Words) -> Table:
    years = plan["years"]
    header = (
        w.col("program"), w.col("code"), w.col("source"), w.col("proposed"),
        w.col("proposers"), w.col("match"), w.col("rank"), w.col("total"), w.col("quadrant"),
        w.col("lead"),
        *(w.col("pagu_year", year=y) for y in years), w.col("pagu"), w.col("share"),
        w.col("location"),
    )  # fmt: skip
    rows: list[tuple[Cell, ...]] = []
    labels = _labels(plan)
    for p in plan["programs"]:
        for m in p["members"]:
            scores = m["scores"] or {}
            rows.append((
                p["title"], p["code"] or "", labels[m["source"]], m["title"],
                "; ".join(m["proposers"]), _match(m, w), m["rank"], scores.get("total"),
                w.t.name("quadrants", m["quadrant"]), "; ".join(m["leads"]),
                *(m["budget"].get(str(y)) for y in years), m["pagu"], m["share"], m["location"],
            ))  # fmt: skip
        rows.append((
            p["title"], p["code"] or "", w("totals"), "", "", "", None, None, "", "",
            *(p["budget"].get(str(y), 0) for y in years), p["pagu"], 1 if p["pagu"] else None, "",
        ))  # fmt: skip
    first = 10
    numeric = {i: MONEY for i in range(first, first + len(years) + 1)}
    numeric[first + len(years) + 1] = SHARE
    wide = frozenset({0, 3, 4, len(header) - 1})
    return Table("programs", header, rows, numeric=numeric, wide=wide)


def _labels(plan: dict[str, Any]) -> dict[str, str]:
    """Each source by the name people know it by (its region), its key where two share one."""
    names = [s["label"] for s in plan["sources"]]
    return {
        s["key"]: s["label"] if names.count(s["label"]) == 1 else f"{s['label']} ({s['key']})"
        for s in plan["sources"]
    }


def _targets(plan: dict[str, Any], w: _Words) -> Table:
    keys = [s["key"] for s in plan["sources"]]
    labels = _labels(plan)
    header = (
        w.col("program"), w.col("indicator"), w.col("unit"), w.col("year"),
        *(labels[k] for k in keys),
    )  # fmt: skip
    rows: list[tuple[Cell, ...]] = []
    for p in plan["programs"]:
        for indicator in p["targets"]:
            for year, values in indicator["targets"].items():
                rows.append((
                    p["title"], indicator["name"], indicator["unit"], year,
                    *(values.get(k) for k in keys),
                ))  # fmt: skip
    return Table("targets", header, rows, wide=frozenset({0, 1}))


def _conflicts(plan: dict[str, Any], w: _Words) -> Table:
    header = (w.col("program"), w.col("conflict"), w.col("values"))
    rows: list[tuple[Cell, ...]] = []
    labels = _labels(plan)
    for p in plan["programs"]:
        for c in p["conflicts"]:
            if c["kind"] == "leads":
                what = w("conflict_leads")
                values = {k: "; ".join(v) for k, v in c["values"].items()}
            else:
                what = w("conflict_target", indicator=c["indicator"], year=c["year"])
                values = {k: w.t.value(v) for k, v in c["values"].items()}
            listed = " · ".join(f"{labels[k]}: {v}" for k, v in values.items())
            rows.append((p["title"], what, listed))
    return Table("conflicts", header, rows, wide=frozenset({0, 1, 2}))


def _text(value: Cell, fmt: str | None, t: Catalogue) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return printable(value)
    if fmt == SHARE:
        return f"{t.number(round(value * 100, 1), 1)}%"
    return t.money(value) if fmt == MONEY else t.number(value)


def _heading(table: Table, w: _Words) -> str:
    return w(table.key)


def _markdown(plan: dict[str, Any], tables: list[Table], w: _Words) -> str:
    def cell(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    out = [f"# {w('title')}: {cell(printable(plan['title']))}", "",
           w("intro", n=len(plan["sources"])), ""]  # fmt: skip
    for table in tables:
        out += [f"## {_heading(table, w)}", ""]
        if not table.rows:
            out += [w("no_conflicts") if table.key == "conflicts" else "-", ""]
            continue
        out.append("| " + " | ".join(cell(h) for h in table.header) + " |")
        out.append("|" + "|".join("---" for _ in table.header) + "|")
        for row in table.rows:
            texts = (_text(v, table.numeric.get(i), w.t) for i, v in enumerate(row))
            out.append("| " + " | ".join(cell(x) for x in texts) + " |")
        out.append("")
    return "\n".join(out)


STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#1a1a1a}"
    "table{border-collapse:collapse;margin:0 0 2rem;font-size:.9rem}"
    "th,td{border:1px solid #bbb;padding:.3rem .5rem;vertical-align:top;text-align:left}"
    "th{background:#dce6f1}td.n{text-align:right;white-space:nowrap}"
    "tr.total td{font-weight:bold;background:#f3f3f3}"
)


def _html(plan: dict[str, Any], tables: list[Table], w: _Words) -> str:
    e = html.escape
    title = f"{w('title')}: {printable(plan['title'])}"
    out = [
        "<!doctype html>",
        f'<html lang="{e(w.t.language)}"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>{e(w('intro', n=len(plan['sources'])))}</p>",
    ]
    totals = {w("totals"), w("all_sources")}
    for table in tables:
        out.append(f'<h2 id="{table.key}">{e(_heading(table, w))}</h2>')
        if not table.rows:
            out.append(f"<p>{e(w('no_conflicts') if table.key == 'conflicts' else '-')}</p>")
            continue
        out.append(f'<table class="{table.key}"><thead><tr>')
        out += [f'<th scope="col">{e(h)}</th>' for h in table.header]
        out.append("</tr></thead><tbody>")
        for row in table.rows:
            total = any(v in totals for v in row[:3])
            out.append('<tr class="total">' if total else "<tr>")
            for i, value in enumerate(row):
                text = e(_text(value, table.numeric.get(i), w.t))
                out.append(f'<td class="n">{text}</td>' if isinstance(value, int | float)
                           else f"<td>{text}</td>")  # fmt: skip
            out.append("</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>\n")
    return "\n".join(out)


def _xlsx(plan: dict[str, Any], tables: list[Table], w: _Words) -> bytes:
    from openpyxl import Workbook

    from .sheets import _sheet  # the report's sheet writer: neutralised text, sized columns

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        _sheet(workbook, w.data["sheets"][table.key], table)
    workbook.properties.creator = "S-PWT Board"
    workbook.properties.title = neutralise(printable(plan["title"]))[:200]
    # A fixed document time keeps the file a function of the records alone.
    workbook.properties.created = workbook.properties.modified = datetime(2000, 1, 1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
