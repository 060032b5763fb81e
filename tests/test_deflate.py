"""Per-message deflate variants (server/deflate.py): what each keeps, and that they talk."""

from __future__ import annotations

import asyncio
import zlib
from pathlib import Path

import pytest
from websockets.exceptions import NegotiationError
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode

from server.deflate import WarmDeflate, factory

from .servers import Server
from .wsclient import Client

BROWSER_OFFER = [("client_max_window_bits", None)]  # what browsers send


def negotiated(variant: str) -> tuple[list, PerMessageDeflate]:
    made = factory(variant)
    assert made is not None
    return made.process_request_params(BROWSER_OFFER, [])


def test_nocontext_compresses_every_message_alone() -> None:
    response, ext = negotiated("nocontext")
    assert ("server_no_context_takeover", None) in response
    assert ("client_no_context_takeover", None) in response
    event = b'{"type":"events","events":[{"seq":7,"op":{"kind":"note.move"}}]}'
    first, second = (ext.encode(Frame(Opcode.TEXT, event)) for _ in range(2))
    assert first.rsv1 and first.data == second.data  # no history: the same bytes twice
    assert not hasattr(ext, "encoder")  # an idle connection keeps no compressor
    # A browser's decoder, which keeps no context either, reads it back.
    browser = PerMessageDeflate(True, True, 12, 12)
    assert browser.decode(first).data == event
    assert not hasattr(browser, "decoder")
    assert zlib.decompressobj(-12).decompress(first.data + b"\x00\x00\xff\xff") == event


def test_warm_lets_the_server_keep_context_but_websockets_compresses_alone() -> None:
    response, ext = negotiated("warm")
    assert ("client_no_context_takeover", None) in response
    assert not any(name.startswith("server_") for name, _ in response)  # free to keep context
    assert isinstance(ext, WarmDeflate) and ext.local_no_context_takeover
    assert ext.local_max_window_bits == 15 and not hasattr(ext, "encoder")
    event = b'{"type":"events","events":[{"seq":7,"op":{"kind":"note.move"}}]}'
    first, second = (ext.encode(Frame(Opcode.TEXT, event)) for _ in range(2))
    assert first.data == second.data and not hasattr(ext, "encoder")


def test_warm_declines_a_window_zlib_cannot_compress_in() -> None:
    made = factory("warm")
    assert made is not None
    with pytest.raises(NegotiationError):  # the socket then goes without deflate
        made.process_request_params([("server_max_window_bits", "8")], [])
    _, ext = made.process_request_params([("server_max_window_bits", "9")], [])
    assert ext.local_max_window_bits == 9


def test_an_unknown_variant_is_refused() -> None:
    with pytest.raises(ValueError, match="SPWT_WS_DEFLATE"):
        factory("tight")  # gone: warm sends the same bytes for less
    assert factory("uvicorn") is None


@pytest.mark.parametrize("variant", ["nocontext", "uvicorn", "warm"])
def test_a_client_offering_deflate_joins_and_gets_its_acks(tmp_path: Path, variant: str) -> None:
    server = Server(tmp_path, env={"SPWT_WS_DEFLATE": variant}).start()
    try:
        room, key = server.new_room()

        async def scenario() -> None:
            f = Client(server.ws, room)
            await f.join(key=key)
            assert f.ws is not None and f.ws.protocol.extensions  # deflate was negotiated
            listener = Client(server.ws, room)  # gets the same events, compressed once or not
            await listener.join(**{"as": "observer"})
            await f.until(await f.send("phase.set", phase="issues"))
            for i in range(30):
                last = await f.until(await f.send("note.add", text=f"Kartu nomor {i} jalan desa"))
            # A long message between short ones (``warm`` sends it alone, then a new context).
            vision = " ".join(["Kabupaten maju, mandiri dan lestari."] * 40)
            await f.until(await f.send("vision.set", text=vision))
            for i in range(30, 35):
                last = await f.until(await f.send("note.add", text=f"Kartu nomor {i} jalan desa"))
            await listener.until_seq(last["seq"])
            texts = [e["op"]["text"] for e in listener.events[-36:]]
            cards = [f"Kartu nomor {i} jalan desa" for i in range(35)]
            assert texts == [*cards[:30], vision, *cards[30:]]
            phone = Client(server.ws, room)
            welcome = await phone.join()
            assert len(welcome["state"]["notes"]) == 35
            await f.close()
            await listener.close()
            await phone.close()

        asyncio.run(scenario())
    finally:
        server.stop()
