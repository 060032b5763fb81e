"""The address people open: the base of every join link, console link and QR code.

The facilitator's laptop often opens the board as ``localhost``, which no phone in the
room can reach. Links are therefore built from ``SPWT_PUBLIC_URL`` (set by ``spwt serve
--public-url``, or by ``--lan`` to the laptop's address on the local network) and only
without it from the address the request was sent to.
"""

from __future__ import annotations

import contextlib
import socket

from starlette.requests import HTTPConnection

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"})


def public_base(connection: HTTPConnection) -> str:
    """``scheme://host[:port]`` (and any path prefix) that links start with, no trailing /."""
    settings = getattr(connection.app.state, "settings", None)
    url = settings.public_url if settings is not None else None
    return (url or str(connection.base_url)).rstrip("/")


def is_local(connection: HTTPConnection) -> bool:
    """Whether the request was sent to this machine's loopback name, which phones cannot open."""
    host = connection.url.hostname or ""
    return host.lower() in LOCAL_HOSTS or host.startswith("127.")


def lan_address() -> str | None:
    """This machine's IPv4 address on the local network (a hotspot's too), or None.

    The address the kernel would send from towards a private network; a UDP socket's
    connect sends nothing. Without such a route, the first non-loopback address of the
    host name.
    """
    for probe in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect((probe, 9))
            address = s.getsockname()[0]
            if not address.startswith("127.") and address != "0.0.0.0":
                return address
    with contextlib.suppress(OSError):
        for *_, sockaddr in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            if not str(sockaddr[0]).startswith("127."):
                return str(sockaddr[0])
    return None
