"""The welcome's state over HTTP (GET /api/rooms/{room}/state): who may have it, that it is
exactly the state of their welcome, compressed as asked, cached per seq and view, and that
the socket resumes from it with ``since`` or welcomes without state on ``"state": false``."""

from __future__ import annotations

import gzip
from typing import Any

import brotli  # type: ignore[import-untyped]
import orjson
from starlette.testclient import TestClient

from .asgi import event_where, hello, new_room, next_of, op


def _state(client: TestClient, room: str, credential: str, **headers: str) -> Any:
    return client.get(
        f"/api/rooms/{room}/state", headers={"Authorization": f"Bearer {credential}", **headers}
    )


def _hub(client: TestClient) -> Any:
    return client.app.state.hub  # type: ignore[attr-defined]


def _private_room(client: TestClient) -> tuple[str, str, str, str]:
    """A room in private writing with a card by Ani; Budi has none. Their tokens."""
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "c", "room.configure", private_writing=True, anonymous=True)
        next_of(f, "events")
        op(f, "p", "phase.set", phase="issues")
        next_of(f, "events")
    with client.websocket_connect(f"/ws/{room}") as ani:
        ani_token = hello(ani, name="Ani")["token"]
        op(ani, "a1", "note.add", text="Jalan desa rusak")
        next_of(ani, "events")
    with client.websocket_connect(f"/ws/{room}") as budi:
        budi_token = hello(budi, name="Budi")["token"]
    return room, key, ani_token, budi_token


def _welcome_state(client: TestClient, room: str, token: str) -> dict[str, Any]:
    with client.websocket_connect(f"/ws/{room}") as ws:
        return hello(ws, token=token)["state"]  # type: ignore[no-any-return]


def test_the_state_needs_a_key_or_a_token_of_the_room(client: TestClient) -> None:
    room, key, ani, _ = _private_room(client)
    assert client.get(f"/api/rooms/{room}/state").status_code == 401
    assert _state(client, room, "not-a-token").status_code == 401
    other, _ = new_room(client)
    assert _state(client, other, ani).status_code == 401  # a token is for its room only
    assert _state(client, room, key).status_code == 200
    assert _state(client, "ZZZZZZ", ani).status_code == 404


def test_each_viewer_gets_exactly_the_state_of_their_welcome(client: TestClient) -> None:
    room, _, ani, budi = _private_room(client)
    for token in (ani, budi):
        response = _state(client, room, token)
        assert response.status_code == 200
        assert response.json() == _welcome_state(client, room, token)
    ani_view, budi_view = _state(client, room, ani).json(), _state(client, room, budi).json()
    assert len(ani_view["notes"]) == 1 and budi_view["notes"] == {}  # Ani's card is private
    assert budi_view["hidden_notes"] == 1
    (card,) = ani_view["notes"].values()
    assert card["author"] == ani_view["participants"][1]["id"]  # her own card keeps her name


def test_the_facilitator_key_sees_every_card_without_authors(client: TestClient) -> None:
    room, key, _, _ = _private_room(client)
    view = _state(client, room, key).json()
    assert len(view["notes"]) == 1
    assert "author" not in next(iter(view["notes"].values()))


def test_a_removed_participant_gets_no_state(client: TestClient) -> None:
    room, key, _, budi = _private_room(client)
    budi_id = _state(client, room, budi).json()["participants"][-1]["id"]
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "r", "participant.remove", participant=budi_id)
        next_of(f, "events")
    assert _state(client, room, budi).status_code == 403


def test_the_state_is_compressed_as_the_browser_asks(client: TestClient) -> None:
    room, _, ani, _ = _private_room(client)
    plain = _welcome_state(client, room, ani)
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        # httpx would decode it itself: read the raw bytes
        with client.stream(
            "GET", f"/api/rooms/{room}/state",
            headers={"Authorization": f"Bearer {ani}", "Accept-Encoding": encoding},
        ) as response:  # fmt: skip
            assert response.headers["content-encoding"] == encoding
            raw = b"".join(response.iter_raw())
        assert orjson.loads(decode(raw)) == plain
    identity = _state(client, room, ani, **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in identity.headers and identity.json() == plain


def test_the_cache_counts_what_it_holds_gzip_bodies_too(client: TestClient) -> None:
    room, _, ani, budi = _private_room(client)
    cache = _hub(client).board_states
    held = lambda: sum(e.size for e in cache._entries.values())  # noqa: E731
    _state(client, room, ani, **{"Accept-Encoding": "br"})
    assert cache.held_bytes == held() > 0
    _state(client, room, ani, **{"Accept-Encoding": "gzip"})  # the render grows its gzip body
    assert cache.held_bytes == held()
    cache.max_bytes = 1  # a render too big to keep: gone before its gzip body is made
    _state(client, room, budi, **{"Accept-Encoding": "gzip"})
    assert cache.held_bytes == held() == 0


def test_validators_answer_304_and_change_with_the_state(client: TestClient) -> None:
    room, key, ani, _ = _private_room(client)
    first = _state(client, room, ani, **{"Accept-Encoding": "br"})
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, no-cache"
    assert "Authorization" in first.headers["vary"]
    again = _state(client, room, ani, **{"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = _state(client, room, ani, **{"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert other.status_code == 200  # another encoding, another representation
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "t", "room.configure", title="Musrenbang Desa")
        changed = next_of(f, "events")["events"][-1]["seq"]
    # Without ``seq`` the cached render may still come (the socket's since brings the
    # title); a page that has seen the change asks for at least its seq:
    assert _state(client, room, ani, **{"Accept-Encoding": "br"}).json()["seq"] < changed
    latest = client.get(
        f"/api/rooms/{room}/state?seq={changed}",
        headers={"Authorization": f"Bearer {ani}", "Accept-Encoding": "br", "If-None-Match": etag},
    )
    assert latest.status_code == 200 and latest.json()["settings"]["title"] == "Musrenbang Desa"
    assert latest.json()["seq"] == changed and latest.headers["etag"] != etag


def test_fifty_new_phones_cost_one_render(client: TestClient) -> None:
    room, _ = new_room(client)
    tokens = []
    for i in range(50):
        with client.websocket_connect(f"/ws/{room}") as ws:
            tokens.append(hello(ws, name=f"P{i}", state=False)["token"])
    cache = _hub(client).board_states
    before = cache.renders
    views = {_state(client, room, token).content for token in tokens}
    assert cache.renders - before == 1 and len(views) == 1
    # ... and each of them is the state their own welcome would carry
    assert _state(client, room, tokens[7]).json() == _welcome_state(client, room, tokens[7])


def test_someone_with_a_vote_or_card_gets_a_render_of_their_own(client: TestClient) -> None:
    room, _, ani, budi = _private_room(client)
    cache = _hub(client).board_states
    before = cache.renders
    _state(client, room, ani)
    _state(client, room, budi)
    _state(client, room, ani)
    assert cache.renders - before == 2


def test_an_older_render_is_served_and_the_socket_brings_what_followed(
    client: TestClient,
) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "p", "phase.set", phase="issues")
        next_of(f, "events")
        with client.websocket_connect(f"/ws/{room}") as ws:
            welcome = hello(ws, name="Ani", state=False)
            assert "state" not in welcome  # the page fetches it
            token = welcome["token"]
        fetched = _state(client, room, token).json()
        for i in range(5):
            op(f, f"n{i}", "note.add", text=f"Kartu {i}")
            event_where(f, op_id=f"n{i}")
        served = _state(client, room, token).json()
        assert served["seq"] == fetched["seq"]  # still this viewer's view, 5 events old
        with client.websocket_connect(f"/ws/{room}") as ws:
            resumed = hello(ws, token=token, since=served["seq"])
            assert "state" not in resumed
            missed = next_of(ws, "events")["events"]
    assert [e["seq"] for e in missed] == list(range(served["seq"] + 1, resumed["seq"] + 1))
    assert [e["op"]["text"] for e in missed] == [f"Kartu {i}" for i in range(5)]


def test_a_hello_without_state_false_still_gets_the_whole_state(client: TestClient) -> None:
    room, _ = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as ws:
        assert "state" in hello(ws, name="Ani")
    with client.websocket_connect(f"/ws/{room}") as ws:
        assert "state" not in hello(ws, name="Budi", state=False)


def test_an_older_render_is_not_served_to_whom_it_was_not_their_view(client: TestClient) -> None:
    room, key = new_room(client)
    with client.websocket_connect(f"/ws/{room}") as f:
        hello(f, key=key)
        op(f, "c", "room.configure", private_writing=True)
        op(f, "p", "phase.set", phase="issues")
        event_where(f, op_id="p")
        with client.websocket_connect(f"/ws/{room}") as ws:
            cici = hello(ws, name="Cici", state=False)["token"]
            op(ws, "mine", "note.add", text="Kartu pribadi Cici")
            note = event_where(ws, op_id="mine")["op"]["note"]
            with client.websocket_connect(f"/ws/{room}") as other:
                dedi = hello(other, name="Dedi", state=False)["token"]
            shared = _state(client, room, dedi).json()  # rendered while Cici had her card
            op(ws, "gone", "note.delete", note=note)
            event_where(ws, op_id="gone")
        # Cici has no card now, as Dedi: but the render Dedi got was not her view then.
        mine = _state(client, room, cici).json()
        assert mine == _welcome_state(client, room, cici)
        assert mine["seq"] > shared["seq"]
