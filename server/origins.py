"""Which page origins may open a socket or change something: the board's own, by default.

A browser names the page that opens a WebSocket or sends a POST in ``Origin``, and lets any
page do either, to any server. Without a check, a page on any site could open sockets in
its visitors' names or create rooms from their addresses. Accepted: the request's own host
(``Origin``'s host and port equal to ``Host``: the page was served by us at that address),
the origin of ``SPWT_PUBLIC_URL``, and those listed in ``SPWT_PUBLIC_ORIGINS``. A request
without ``Origin`` is no browser's page (a script, ``curl``, the test client): it proves
nothing and risks nothing a browser could be made to do, so it is let through.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .settings import Settings


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, as a browser writes it in ``Origin``."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def origin_allowed(origin: str | None, host: str | None, settings: Settings) -> bool:
    """Whether a request from a page of ``origin``, sent to ``Host: host``, is accepted."""
    if origin is None:
        return True
    origin = origin.strip().lower()
    if origin in (o.lower().rstrip("/") for o in settings.public_origins):
        return True
    if settings.public_url and origin == origin_of(settings.public_url):
        return True
    scheme, _, netloc = origin.partition("://")
    return scheme in ("http", "https") and bool(host) and netloc == (host or "").lower()
