"""Resume tokens: a participant id signed for one room with the store's shared secret."""

from __future__ import annotations

import base64
import hashlib
import hmac


def _mac(secret: bytes, room: str, participant: str) -> str:
    digest = hmac.new(secret, f"{room}\x00{participant}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def sign(secret: bytes, room: str, participant: str) -> str:
    return f"{participant}.{_mac(secret, room, participant)}"


def verify(secret: bytes, room: str, token: str) -> str | None:
    """The participant id the token was issued to in ``room``, or None."""
    participant, _, mac = token.partition(".")
    if not participant or not hmac.compare_digest(
        mac.encode(), _mac(secret, room, participant).encode()
    ):
        return None
    return participant


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(key), stored_hash)
