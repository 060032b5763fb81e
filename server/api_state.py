"""``GET /api/rooms/{room}/state``: the welcome's state over HTTP (``server/rooms/board_state.py``).

Authenticated like the socket: ``Authorization: Bearer <resume token>`` gives that
participant's view, exactly the ``state`` their welcome would carry; the facilitator key
gives the view of a facilitator with no card or vote of their own (a console that has no
token yet). ``?seq=N``: a state at least that new (a page that already has a welcome of
seq N); without it, a cached state a little older may come, and the socket's ``since``
brings the rest.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .api_base import ApiError, _bearer, _hub, _room
from .rooms.board_state import encoding_for
from .state.codes import Code
from .store import StoreError

#: Whom the key's view is for: no participant, and not ``""`` either (the author of the
#: cards the server wrote when a room started from a record).
KEY_HOLDER = "(facilitator key)"


async def room_state(request: Request) -> Response:
    room = await _room(request)
    hub = _hub(request)
    credential = _bearer(request)
    try:
        at_least = int(request.query_params.get("seq", "0"))
    except ValueError:
        raise ApiError(400, Code.INVALID, "seq must be a number") from None
    if at_least > room.state.seq and room.store.shared:
        try:
            await room.catch_up()  # the page saw more on another process than we have yet
        except StoreError:
            raise ApiError(503, Code.UNAVAILABLE, "the store is not reachable; try again") from None
    state = room.state
    participant = hub.participant_of(room.code, credential)
    if participant is not None:
        who = state.participants.get(participant)
        if who is None:
            raise ApiError(401, Code.UNAUTHORIZED, "bad key or token")
        if who.removed:
            raise ApiError(403, Code.FORBIDDEN, "removed from room")
        viewer, role = participant, who.role
    elif await hub.key_matches(room.code, credential):
        viewer, role = KEY_HOLDER, "facilitator"
    else:
        raise ApiError(401, Code.UNAUTHORIZED, "bad key or token")
    rendered = await hub.board_states.view(
        room.code, state, viewer, role, oldest=room.core.first_resumable - 1, at_least=at_least
    )
    encoding = encoding_for(request.headers.get("accept-encoding", ""))
    etag = f'"{rendered.etag}-{encoding}"'
    headers = {
        "ETag": etag,
        "Cache-Control": "private, no-cache",
        "Vary": "Accept-Encoding, Authorization",
    }
    if etag in (t.strip() for t in request.headers.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers=headers)
    body = hub.board_states.body(rendered, encoding)
    if encoding != "identity":
        headers["Content-Encoding"] = encoding
    return Response(body, media_type="application/json", headers=headers)
