"""The record's fingerprint: SHA-256 over its canonical JSON form (RFC 8785, JCS).

The canonical form is what anyone can recompute without our code (``docs/fingerprint.md``):
object keys sorted, no whitespace, UTF-8, strings escaped only where JSON must, numbers as
ECMAScript prints them (``1.0`` is ``1``, ``1e-7`` is ``1e-7``, ``0.000001`` stays). Limits:
keys are sorted by code point rather than by UTF-16 unit, which differs only for keys
mixing characters beyond U+FFFF with U+E000 to U+FFFF (record keys are ASCII); integers
beyond 2^53 are printed exactly, where JCS would round them (records hold none); lone
surrogates cannot be encoded and raise ``ValueError``.
"""

from __future__ import annotations

import hashlib
import math
from decimal import Decimal
from typing import Any

FIELD = "fingerprint"
ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _string(text: str) -> str:
    out = []
    for char in text:
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif char < " ":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def number(value: float) -> str:
    """A float as ECMAScript's Number.prototype.toString prints it (what JCS asks)."""
    if not math.isfinite(value):
        raise ValueError("JSON has no NaN or Infinity")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr gives the shortest digits that read back as the same double, as ECMAScript does.
    _, digits_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digits_tuple))
    k = len(digits)
    n = int(exponent) + k  # the decimal point sits after n digits
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


def _canonical(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(number(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, dict):
        out.append("{")
        for n, key in enumerate(sorted(value)):
            if not isinstance(key, str):
                raise TypeError("JSON object keys are strings")
            out.append("," if n else "")
            out.append(_string(key))
            out.append(":")
            _canonical(value[key], out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for n, item in enumerate(value):
            out.append("," if n else "")
            _canonical(item, out)
        out.append("]")
    else:
        raise TypeError(f"not JSON: {type(value).__name__}")


def canonical(value: Any) -> bytes:
    """``value`` (parsed JSON) in the canonical form, as UTF-8 bytes."""
    out: list[str] = []
    _canonical(value, out)
    return "".join(out).encode("utf-8")


def fingerprint(record: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical record without its ``fingerprint`` field."""
    unsigned = {k: v for k, v in record.items() if k != FIELD}
    return hashlib.sha256(canonical(unsigned)).hexdigest()


def check(record: Any) -> tuple[str, str] | None:
    """Why ``record`` is not the record its fingerprint names, or None when it is.

    The reason is a code (``not_a_record``, ``missing``, ``malformed``, ``changed``) and a
    detail (for ``changed``: the digest of the content as it is now).
    """
    if not isinstance(record, dict):
        return "not_a_record", type(record).__name__
    given = record.get(FIELD)
    if given is None:
        return "missing", ""
    if not isinstance(given, str) or len(given) != 64:
        return "malformed", str(given)[:80]
    actual = fingerprint(record)
    if actual != given.lower():
        return "changed", actual
    return None
