"""One WebSocket session: hello, then frames until the client leaves or is sent away.

The session turns frames into calls on the room and the room's answers into frames. It
checks the shape of frames and the rate of a client; every rule about the board itself is
the reducer's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from starlette.types import Message
from starlette.websockets import WebSocket, WebSocketDisconnect

from .. import metrics
from ..limits import client_address
from ..origins import origin_allowed
from ..state import InvalidOp, Rejected, parse_client_op
from ..state.codes import Code
from ..state.ops import ParticipantJoin
from ..state.text import clean
from ..store import StoreError
from ..transport import SEND_NOW
from . import protocol
from .connection import Connection
from .hub import Hub, normalise_code
from .protocol import CLOSE_REASONS, BadFrame, CloseCode, Hello
from .ratelimit import TokenBucket
from .room import Room

log = logging.getLogger("spwt.session")
# How long a client that asked for a room that does not exist may still send its hello,
# so that it learns "no such room" (4404) rather than a transport error.
UNKNOWN_ROOM_GRACE = 2.0
DEFAULT_NAMES = {"participant": "Peserta", "observer": "Layar", "facilitator": "Fasilitator"}


class SessionClosed(Exception):
    def __init__(self, code: CloseCode) -> None:
        self.code = code


def _text_of(message: Message, max_frame: int) -> str:
    """A received message's text. Not a coroutine: an idle socket keeps no frame of it."""
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    if text is None:
        data = message.get("bytes") or b""
        if len(data) > max_frame:
            raise SessionClosed(CloseCode.MESSAGE_TOO_BIG)
        raise BadFrame("frames are JSON text, not binary")
    if len(text) > max_frame:
        raise SessionClosed(CloseCode.MESSAGE_TOO_BIG)
    return text


async def _close(ws: WebSocket, code: CloseCode) -> None:
    with contextlib.suppress(Exception):
        await ws.close(code, CLOSE_REASONS[code])


async def serve(ws: WebSocket, hub: Hub, code: str) -> None:
    """The whole life of one socket on ``/ws/{code}``."""
    settings = hub.settings
    if not origin_allowed(ws.headers.get("origin"), ws.headers.get("host"), settings):
        await ws.close(
            CloseCode.POLICY_VIOLATION
        )  # before accepting: the handshake is refused with 403
        return
    await ws.accept()
    code = normalise_code(code)
    address = client_address(ws)
    if hub.limits.refused_for(address):  # guessing codes: no answer that tells them apart
        await _close(ws, CloseCode.RATE_LIMITED)
        return
    try:
        room = await hub.room(code)
    except StoreError:  # the room is not loaded here and the store is away: come back later
        await _close(ws, CloseCode.TRY_AGAIN_LATER)
        return
    if room is None:
        await hub.limits.missed(address)
    try:
        conn = await _greet(ws, hub, room)
    except TimeoutError:
        await _close(ws, CloseCode.NO_SUCH_ROOM if room is None else CloseCode.NO_HELLO)
        return
    except SessionClosed as closed:
        await _close(ws, closed.code)
        return
    except (WebSocketDisconnect, RuntimeError):
        return
    metrics.CONNECTIONS.inc()
    try:
        await _read_loop(ws, hub, room, conn)
    except SessionClosed as closed:
        conn.close(closed.code, flush=False)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        metrics.CONNECTIONS.dec()
        room.detach(conn)
        if conn.close_code is not None:
            metrics.DROPPED.labels(CloseCode(conn.close_code).name.lower()).inc()
            await conn.wait_closed()
        conn.stop()


async def _greet(ws: WebSocket, hub: Hub, room: Room | None) -> Connection:
    """The hello, then the join.

    A function of its own so that the hello frame and its model are freed once joined,
    not kept in ``serve``'s frame for the life of the socket.
    """
    settings = hub.settings
    wait = settings.hello_timeout
    if room is None:
        wait = min(UNKNOWN_ROOM_GRACE, wait)
    text = _text_of(await asyncio.wait_for(ws.receive(), wait), settings.max_frame)
    if room is None:
        raise SessionClosed(CloseCode.NO_SUCH_ROOM)
    try:
        hello = protocol.parse_hello(protocol.decode(text))
    except BadFrame:
        raise SessionClosed(CloseCode.BAD_HELLO) from None
    return await _join(ws, hub, room, hello)


async def _join(ws: WebSocket, hub: Hub, room: Room, hello: Hello) -> Connection:
    """Who the client is: resumed with its token, or a new participant of the room."""
    settings = hub.settings
    if hello.key is not None and not await hub.key_matches(room.code, hello.key):
        raise SessionClosed(CloseCode.BAD_CREDENTIALS)
    if hello.token is not None:
        participant = hub.participant_of(room.code, hello.token)
        who = room.state.participants.get(participant or "")
        if who is None:
            raise SessionClosed(CloseCode.BAD_CREDENTIALS)
        if who.removed:
            raise SessionClosed(CloseCode.REMOVED)
        role = who.role
        you = {"id": who.id, "name": who.name, "org": who.org, "role": role, "paper": who.paper}
        you.update(category=who.category, position=who.position, gender=who.gender)
    else:
        role = "facilitator" if hello.key is not None else hello.as_
        joined = sum(1 for p in room.state.participants.values() if not p.removed)
        if joined >= settings.participants_per_room:
            raise SessionClosed(CloseCode.RATE_LIMITED)
        name = clean(hello.name).strip() or DEFAULT_NAMES[role]
        op = ParticipantJoin(
            kind="participant.join", name=name, org=clean(hello.org), role=role,
            category=hello.category, position=clean(hello.position), gender=hello.gender,
        )  # fmt: skip
        try:
            event = await room.submit("", "", op)
        except Rejected as rejection:
            code = (
                CloseCode.TRY_AGAIN_LATER
                if rejection.code == Code.UNAVAILABLE
                else CloseCode.BAD_HELLO
            )
            raise SessionClosed(code) from None
        joined_op: dict[str, Any] = event["op"]
        you = {
            "id": joined_op["participant"],
            "name": joined_op["name"],
            "org": joined_op["org"],
            "role": role,
            "paper": False,
            "category": joined_op["category"],
            "position": joined_op["position"],
            "gender": joined_op["gender"],
        }
    send_now = ws.scope.get("extensions", {}).get(SEND_NOW, {}).get("send")
    conn = Connection(
        ws, you["id"], role, settings.outbox_frames, on_close=room.detach, send_now=send_now
    )
    if hello.since is not None and hello.since > room.state.seq and room.store.shared:
        with contextlib.suppress(StoreError):
            await room.catch_up()  # the client saw more on another process than we have yet
    if hub.rooms.get(room.code) is not room:  # unloaded while we waited: resume on the new copy
        raise SessionClosed(CloseCode.TRY_AGAIN_LATER)
    room.attach(conn, hello.since, you, hub.token_for(room.code, you["id"]), hello.state)
    return conn


async def _read_loop(ws: WebSocket, hub: Hub, room: Room, conn: Connection) -> None:
    settings = hub.settings
    rate = TokenBucket(settings.ops_per_second, settings.ops_burst)
    # Frames over the rate drain this second bucket; a client that empties it is flooding.
    patience = TokenBucket(settings.ops_per_second, 2 * settings.ops_burst)
    bad_frames = 0
    while not conn.closed:
        try:
            text = _text_of(await ws.receive(), settings.max_frame)
            frame = protocol.decode(text)
        except BadFrame as bad:
            bad_frames += 1
            if bad_frames > settings.bad_frames_before_close:
                raise SessionClosed(CloseCode.RATE_LIMITED) from None
            conn.send(protocol.error(Code.INVALID, str(bad)))
            continue
        kind = frame.get("type")
        if kind == "ping":
            conn.send(protocol.PONG)
            bad_frames = 0
            continue
        if not rate.take():
            if not patience.take():
                raise SessionClosed(CloseCode.RATE_LIMITED)
            _refuse(conn, frame, Code.RATE_LIMITED, "too many frames: slow down")
            metrics.OPS.labels(Code.RATE_LIMITED).inc()
            continue
        if kind != "op":
            bad_frames += 1
            if bad_frames > settings.bad_frames_before_close:
                raise SessionClosed(CloseCode.RATE_LIMITED)
            message = (
                "hello was already said"
                if kind == "hello"
                else f"unknown frame type {str(kind)[:40]!r}"
            )
            conn.send(protocol.error(Code.INVALID, message))
            continue
        bad_frames = 0
        _submit(room, conn, frame)


def _refuse(conn: Connection, frame: dict[str, Any], code: Code, message: str) -> None:
    op_id = frame.get("id")
    if frame.get("type") == "op" and isinstance(op_id, str):
        conn.send(protocol.rejected(op_id, code, message))
    else:
        conn.send(protocol.error(code, message))


def _submit(room: Room, conn: Connection, frame: dict[str, Any]) -> None:
    op_id = frame.get("id")
    if not isinstance(op_id, str) or not 0 < len(op_id) <= 100:
        conn.send(
            protocol.error(Code.INVALID, "an op needs an id: a string of 1 to 100 characters")
        )
        return
    if conn.role == "observer":
        conn.send(protocol.rejected(op_id, Code.FORBIDDEN, "observers cannot change the board"))
        metrics.OPS.labels(Code.FORBIDDEN).inc()
        return
    try:
        op = parse_client_op(frame.get("op"))
    except InvalidOp as invalid:
        conn.send(protocol.rejected(op_id, Code.INVALID, str(invalid)))
        metrics.OPS.labels(Code.INVALID).inc()
        return
    on_behalf = frame.get("on_behalf")
    if on_behalf is None:
        room.submit(conn.participant, op_id, op, conn)
    elif isinstance(on_behalf, str) and 0 < len(on_behalf) <= 100:
        # The reducer checks that the sender is the facilitator and the id a paper participant.
        room.submit(on_behalf, op_id, op, conn, via=conn.participant)
    else:
        conn.send(protocol.rejected(op_id, Code.INVALID, "on_behalf must be a participant id"))
