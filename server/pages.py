"""The web pages: start page, participant board, facilitator console, projector screen.

Pages are rendered server-side in the chosen language (``?lang=``, default Bahasa
Indonesia) so that the first paint needs no script; the scripts then take over and may
switch language from the browser's remembered choice. Every page carries a strict
Content-Security-Policy: scripts only from ``/static``, no inline script, so text typed by
users can never run even if it reached the HTML by mistake.
"""

from __future__ import annotations

import io
import json
import pathlib
import re
from functools import lru_cache
from typing import Any

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from .compression import RevalidatedFiles
from .export.formats import MINUTES, downloads
from .limits import client_address
from .public import is_local, public_base
from .state.choices import choices
from .state.rules import rule_table

LANGUAGES = ("id", "en")
RULES_JSON = Markup(json.dumps(rule_table(), separators=(",", ":")).replace("<", "\\u003c"))
# The closed lists the pages offer: the protocol's, and the formats of the berita acara.
MINUTES_FORMATS = [f.name for f in sorted(MINUTES.values(), key=lambda f: f.place)]
CHOICES = {**choices(), "minutes_formats": MINUTES_FORMATS}
CHOICES_JSON = Markup(json.dumps(CHOICES, separators=(",", ":")).replace("<", "\\u003c"))
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
MAX_CODE = 32
IMPORT = re.compile(r"""^import\s[^;]*?from\s+["']\./([\w-]+\.js)["']""", re.MULTILINE)


def module_graph(js_dir: pathlib.Path, entry: str) -> list[str]:
    """Every module ``entry`` imports, directly or not, so that the page can preload them
    all at once: on a 150 ms mobile round trip the import waterfall costs more than bytes."""
    seen: list[str] = []
    todo = [entry]
    while todo:
        name = todo.pop()
        path = js_dir / name
        if name in seen or not path.is_file():
            continue
        seen.append(name)
        todo.extend(IMPORT.findall(path.read_text(encoding="utf-8")))
    return sorted(seen[1:])


class Pages:
    """The page handlers, bound to one ``web/`` folder."""

    def __init__(self, web_dir: pathlib.Path) -> None:
        self.web_dir = web_dir
        # The download buttons, from the one table of formats (server/export/formats.py).
        self.formats_json = Markup(
            json.dumps(downloads(), separators=(",", ":")).replace("<", "\\u003c")
        )
        self.env = Environment(
            loader=FileSystemLoader(web_dir / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    @lru_cache(maxsize=4)  # noqa: B019 - one instance per app, catalogues never change
    def catalogue(self, lang: str) -> tuple[dict[str, str], str]:
        path = self.web_dir / "i18n" / f"{lang}.json"
        data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        # Embedded as a JSON data block, not an attribute: an attribute would escape every
        # quote as &#34; (about 7 KB a page). "<" as \u003c: no "</script>" can end it.
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return data, text.replace("<", "\\u003c")

    @lru_cache(maxsize=8)  # noqa: B019 - the static files do not change while serving
    def preloads(self, entry: str) -> tuple[str, ...]:
        return tuple(module_graph(self.web_dir / "static" / "js", entry))

    def render(
        self,
        request: Request,
        template: str,
        status: int = 200,
        default_lang: str = "id",
        **context: Any,
    ) -> Response:
        """``template`` in the language of ``?lang=``, else the room's, else Indonesian."""
        lang = request.query_params.get("lang", default_lang)
        lang = lang if lang in LANGUAGES else "id"
        strings, as_json = self.catalogue(lang)

        def t(key: str) -> str:
            return strings.get(key, key)

        preload = self.preloads(f"{context.get('page', '')}.js")
        html = self.env.get_template(template).render(
            lang=lang, t=t, i18n_json=Markup(as_json), rules_json=RULES_JSON,
            choices=CHOICES, choices_json=CHOICES_JSON,
            formats_json=self.formats_json, preload=preload, base=public_base(request), **context,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)

    async def start(self, request: Request) -> Response:
        settings = getattr(request.app.state, "settings", None)
        unreachable = is_local(request) and not (settings and settings.public_url)
        return self.render(request, "start.html", page="start", room="", local=unreachable)

    async def _room_page(self, request: Request, template: str, page: str) -> Response:
        code = _code(request)
        hub = getattr(request.app.state, "hub", None)
        wait = hub.limits.refused_for(client_address(request)) if hub is not None else 0
        if wait:  # guessing codes: refused whether this one exists or not
            response = self.render(
                request, "missing.html", status=429, page="missing", room="",
                reason="fatal.too_many_codes",
            )  # fmt: skip
            response.headers["Retry-After"] = str(wait)
            return response
        found, language, title = await _room_language(request, code) if code else (False, "id", "")
        if code is None or not found:
            return self.render(request, "missing.html", status=404, page="missing", room=code or "")
        return self.render(
            request, template, default_lang=language, page=page, room=code, room_title=title
        )

    async def board(self, request: Request) -> Response:
        return await self._room_page(request, "board.html", "board")

    async def console(self, request: Request) -> Response:
        return await self._room_page(request, "console.html", "console")

    async def screen(self, request: Request) -> Response:
        return await self._room_page(request, "screen.html", "screen")

    async def qr(self, request: Request) -> Response:
        code = _code(request)
        if code is None:
            return Response("not found", status_code=404, media_type="text/plain")
        return Response(
            qr_svg(join_url(request, code)),
            media_type="image/svg+xml",
            # Not kept for long: the address in it changes with the network (--lan).
            headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
        )


def _code(request: Request) -> str | None:
    code = str(request.path_params["room"]).strip().upper()
    return code if code.isalnum() and len(code) <= MAX_CODE else None


async def _room_language(request: Request, code: str) -> tuple[bool, str, str]:
    """Whether the room exists, its language (the default of its pages) and its title (the
    join form shows which workshop one is joining before any script runs).

    Without a hub (the pages served alone) every code is let through, in Bahasa Indonesia.
    """
    hub = getattr(request.app.state, "hub", None)
    if hub is None:
        return True, "id", ""
    room = await hub.room(code)
    if room is None:
        await hub.limits.missed(client_address(request))
        return False, "id", ""
    return True, room.state.settings.language, room.state.settings.title


def join_url(request: Request, code: str) -> str:
    return f"{public_base(request)}/r/{code}"


def qr_svg(url: str) -> bytes:
    """A QR code of ``url`` as SVG: dark modules on white, readable from across a room."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=8, border=2, dark="#111", light="#fff", xmldecl=False,
        svgclass="qr", title="QR",
    )  # fmt: skip
    return out.getvalue()


def page_routes(web_dir: pathlib.Path) -> list[BaseRoute]:
    """Routes of the pages and their static files, to append to the app's routes."""
    pages = Pages(web_dir)
    return [
        Route("/", pages.start),
        Route("/r/{room}", pages.board),
        Route("/r/{room}/console", pages.console),
        Route("/r/{room}/screen", pages.screen),
        Route("/r/{room}/qr.svg", pages.qr),
        Mount("/static", RevalidatedFiles(directory=web_dir / "static"), name="static"),
        Mount("/i18n", RevalidatedFiles(directory=web_dir / "i18n"), name="i18n"),
    ]
