"""Numbers and money as Indonesians type them. ``web/static/js/numbers.js`` applies the
same rules in the pages; ``number_cases.json`` beside this file is the table both are
tested against, so the two cannot drift apart.

Convention: a dot groups thousands (``12.500.000``), a comma starts the decimals (``12,5``).
Whatever a careful reader could take two ways is refused with a reason instead of guessed:
a budget read a thousand times too large is worse than a question.

Reading, in this order (the first rule that fails gives the refusal ``code``):

1. Clean-up: Unicode NFKC (non-breaking, thin and full-width spaces become spaces,
   full-width digits ASCII), invisible characters (zero-width space, BOM, soft hyphen)
   dropped, surrounding whitespace dropped, and the accountants' ``,-`` or ``.-`` after
   the last digit (``Rp 5.000,-``) dropped.
2. Pieces: numerals (digits, dots and commas), words (ASCII letters, optionally one dot
   after: ``Rp.``, ``jt.``), ``%``, signs (``-``, U+2212 minus, U+2013 en dash, ``+``),
   spaces. Any other character: ``not_a_number``. Nothing at all (or, for money, only a
   currency mark such as ``Rp``): ``empty``. Words but no numeral: ``not_a_number``.
3. Words. Plain numbers (:func:`parse_number`, for indicator values) take no word at all:
   a unit, ``Rp`` or ``%`` is ``has_unit`` (the unit has its own field). Money
   (:func:`parse_rupiah`) knows currency marks ``Rp IDR rupiah`` and scale words, any
   case: ``ribu rb k`` (10^3), ``juta jt`` (10^6), ``miliar milyar`` and capital ``M``
   (10^9), ``triliun trilyun t`` (10^12); any other word (``million``, ``sekitar``,
   the ``e`` of ``1e5``) is ``unknown_word``. Then two numerals (``12 500 000``,
   ``5 miliar 500 juta``, ``5-10 juta``) are ``several_numbers``. Then the order: money
   is ``[Rp] [sign] numeral [scale] [Rp]`` (sign and currency mark in either order, one
   mark in all), a number ``[sign] numeral``. A second scale word is ``two_scales``; a
   small ``m`` is ``ambiguous_unit`` (English "million", a thousand times less than
   miliar; ``T`` and ``k`` mean the same in both languages); anything else out of place
   (``juta 5``, ``5-``, ``5 rupiah juta``) is ``not_a_number``.
4. Sign: a minus on money is ``negative``. Numbers may be negative (economic growth can
   be); ``+`` is allowed and means nothing.
5. The numeral. ``separators`` when it starts or ends with a dot or comma, has two commas,
   has a dot after the comma (``1,250.50``, English), or its dots do not group thousands
   (first group 1-3 digits not starting with 0, then groups of exactly 3:
   ``12.50.000``, ``1.2.3``, ``0.500``). ``ambiguous`` when it has one dot followed by 1-2
   digits and no comma (``12.5``, ``12.50``, ``1.5 juta``: English decimal or a slip in
   the grouping?) or when it is 1-3 digits not starting with 0, a comma and exactly three
   digits (``1,250``: English thousands or Indonesian decimals?). ``1.250`` is one thousand
   two hundred and fifty: the Indonesian reading, since an English writer puts three
   decimals after a dot far less often than a thousands comma. ``0,125`` and ``1234,567``
   are decimals: no English writer groups them that way. (So :func:`format_number` writes
   1.001 as ``1,0010``.)
6. Value, with integer-string arithmetic (digits are shifted, never multiplied as binary
   floats). Money: decimals the scale word does not absorb must be zeros (``Rp 1.250.000,00``
   and ``1,25 triliun`` are fine; ``4,5``, ``Rp 1.000,50`` and ``1,0000000005 miliar`` are
   ``fraction``: rupiah have no sen); above 10^15: ``too_large``. Numbers: beyond ±10^15
   ``too_large``; a fraction with more than 15 significant digits ``too_precise`` (so that
   the float holds exactly what was typed and formats back to it). An integral number,
   ``70`` or ``70,0``, is returned as ``int``.

Messages: every refusal code has a text in Bahasa Indonesia and in English in
:data:`MESSAGES`; the pages show the same texts from ``web/i18n/{id,en}.json`` under
``number.error.<code>`` (a test keeps the three equal). :class:`NumberError` carries
``code``, ``message_id`` and ``message_en``; ``str()`` is the English one, like the
protocol's other messages.

The table ``number_cases.json`` is a list of ``{"input", "kind": "rupiah"|"number",
"value" | "error", "note"?}``; ``tests/test_numbers.py`` runs it here and
``tests/browser/test_numbers_js.py`` in Chromium. The JavaScript side returns
``{ok: true, value}`` or ``{ok: false, code}``; its amounts are exact Numbers because the
digits are shifted as strings and 10^15 is below 2^53.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

MAX_AMOUNT = 10**15
MAX_SIGNIFICANT = 15  # a double holds any 15-digit decimal exactly enough to print it back

SCALES = {
    "ribu": 3, "rb": 3, "k": 3,
    "juta": 6, "jt": 6,
    "miliar": 9, "milyar": 9,
    "triliun": 12, "trilyun": 12, "t": 12,
}  # fmt: skip
CURRENCIES = frozenset({"rp", "idr", "rupiah"})
MINUS = frozenset({"-", "\u2212", "\u2013"})

MESSAGES: dict[str, tuple[str, str]] = {
    "empty": (
        "Belum ada angka. Tulis angkanya, misalnya 12.500.000 atau 4,5.",
        "No number yet. Type the number, for example 12.500.000 or 4,5.",
    ),
    "not_a_number": (
        "Bukan angka. Tulis angka seperti 12.500.000 atau 4,5.",
        "Not a number. Type a number such as 12.500.000 or 4,5.",
    ),
    "unknown_word": (
        "Ada kata yang tidak dikenal. Satuan yang dikenal: ribu (rb), juta (jt), miliar (M), "
        "triliun (T); boleh diawali Rp.",
        "There is a word we do not know. Known scale words: ribu (rb, thousand), juta (jt, "
        "million), miliar (M, billion), triliun (T, trillion); Rp in front is fine.",
    ),
    "ambiguous": (
        "Tidak jelas: 12.5 bisa berarti dua belas koma lima atau dua belas ribu lima ratus, "
        "1,250 bisa berarti satu koma dua lima atau seribu dua ratus lima puluh. Titik "
        "memisahkan ribuan, koma memisahkan desimal: tulis 12,5 atau 12.500, 1,25 atau 1.250.",
        "Ambiguous: 12.5 could mean twelve point five or twelve thousand five hundred, 1,250 "
        "one point two five or one thousand two hundred and fifty. A dot separates "
        "thousands, a comma decimals: type 12,5 or 12.500, 1,25 or 1.250.",
    ),
    "ambiguous_unit": (
        "Tidak jelas: m kecil bisa berarti miliar atau million (juta). Tulis M (huruf besar) "
        "atau miliar.",
        "Ambiguous: a small m could mean miliar (billion) or million. Type a capital M or miliar.",
    ),
    "separators": (
        "Titik atau koma tidak pada tempatnya. Titik memisahkan ribuan per tiga angka "
        "(12.500.000), satu koma memisahkan desimal (12,5).",
        "A dot or comma is out of place. Dots separate thousands in groups of three digits "
        "(12.500.000), one comma separates the decimals (12,5).",
    ),
    "several_numbers": (
        "Lebih dari satu angka. Tulis satu jumlah saja, tanpa spasi di dalam angka, misalnya "
        "5,5 miliar atau 5.500.000.000.",
        "More than one number. Type a single amount, without spaces inside the number, for "
        "example 5,5 miliar or 5.500.000.000.",
    ),
    "two_scales": (
        "Dua satuan sekaligus. Pakai satu saja, misalnya 5 miliar atau 5.000 juta.",
        "Two scale words at once. Use one, for example 5 miliar or 5.000 juta.",
    ),
    "negative": (
        "Jumlah rupiah tidak boleh negatif.",
        "An amount of rupiah cannot be negative.",
    ),
    "fraction": (
        "Rupiah harus bulat, tanpa sen. Maksudnya 4,5 juta atau 4,5 miliar? Tulis satuannya.",
        "Rupiah must be whole, without sen. Did you mean 4,5 juta or 4,5 miliar? Type the "
        "scale word.",
    ),
    "too_large": (
        "Terlalu besar: paling banyak 1.000.000.000.000.000 (seribu triliun).",
        "Too large: at most 1.000.000.000.000.000 (a thousand trillion).",
    ),
    "too_precise": (
        "Terlalu banyak angka: paling banyak 15 angka penting, misalnya 1.234,56789.",
        "Too many digits: at most 15 significant digits, for example 1.234,56789.",
    ),
    "has_unit": (
        "Tulis angkanya saja, tanpa satuan atau kata: satuannya ada di kolomnya sendiri.",
        "Type the number only, without a unit or word: the unit has its own field.",
    ),
}

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACE = " \t\n\r\f\v"
_DASH_SUFFIX = re.compile("([0-9])[,.][-\u2013\u2014]{1,2}$")
_TOKEN = re.compile(
    "([0-9.,]+)|([A-Za-z]+\\.?|%)|([-+\u2212\u2013])|([ \t\n\r\f\v]+)|(.)", re.DOTALL
)
_GROUPED = re.compile("[1-9][0-9]{0,2}(?:\\.[0-9]{3})+")
_SHORT_DECIMAL = re.compile("[0-9]+\\.[0-9]{1,2}")
_THOUSANDS_COMMA = re.compile("[1-9][0-9]{0,2},[0-9]{3}")


class NumberError(ValueError):
    """A text that is not a number or amount as the rules above read it."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.message_id, self.message_en = MESSAGES[code]
        super().__init__(self.message_en)

    def message(self, language: str) -> str:
        return self.message_id if language == "id" else self.message_en

    def __repr__(self) -> str:
        return f"NumberError({self.code!r})"


def parse_rupiah(text: str) -> int:
    """A whole number of rupiah, 0 to 10^15: "Rp 12.500.000.000", "12,5 M", "750 jt"."""
    _, whole, frac, scale = _read(text, money=True)
    frac = frac.rstrip("0")
    if len(frac) > scale:
        raise NumberError("fraction")
    digits = (whole + frac.ljust(scale, "0")).lstrip("0") or "0"
    if _above_max(digits):
        raise NumberError("too_large")
    return int(digits)


def parse_number(text: str) -> int | float:
    """An indicator value: "4,5" -> 4.5, "1.250,75" -> 1250.75, "70" -> 70."""
    negative, whole, frac, _ = _read(text, money=False)
    whole, frac = whole.lstrip("0") or "0", frac.rstrip("0")
    if _above_max(whole) or (frac and whole == str(MAX_AMOUNT)):
        raise NumberError("too_large")
    if not frac:
        return -int(whole) if negative else int(whole)
    if len((whole + frac).lstrip("0")) > MAX_SIGNIFICANT:
        raise NumberError("too_precise")
    value = float(f"{whole}.{frac}")
    return -value if negative else value


def format_rupiah(amount: int) -> str:
    """12500000000 -> "Rp 12.500.000.000", the way the forms show an amount back."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"an amount of rupiah is an int, not {type(amount).__name__}")
    if not 0 <= amount <= MAX_AMOUNT:
        raise ValueError(f"an amount of rupiah is 0 to 10**15, not {amount}")
    return "Rp " + _group(str(amount))


def format_number(value: int | float) -> str:
    """4.5 -> "4,5", 1250.75 -> "1.250,75": the shortest digits that read back the same,
    and 1.001 -> "1,0010" (see ``ambiguous``). parse_number() reads back any value it
    returns; beyond 10^15 or 15 significant digits the text is still written, but refused."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"a number is an int or float, not {type(value).__name__}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value}")
        # repr() gives the shortest digits, as JavaScript's String() does; spelled out
        # without an exponent. -0.0 is "0".
        text = format(Decimal(repr(value)).normalize(), "f") if value else "0"
    else:
        text = str(value)
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = text.partition(".")
    shown = _group(whole) + ("," + frac if frac else "")
    # "1,001" would be refused as ambiguous (English thousands?); the zero says decimals.
    return sign + (shown + "0" if _THOUSANDS_COMMA.fullmatch(shown) else shown)


def _read(text: str, money: bool) -> tuple[bool, str, str, int]:
    """(negative, whole digits, decimal digits, scale exponent), or NumberError."""
    tokens = _tokens(text)
    numerals = [i for i, (kind, _) in enumerate(tokens) if kind == "num"]
    if not tokens or (money and not numerals and all(_is_currency(t) for t in tokens)):
        raise NumberError("empty")
    if not numerals:
        raise NumberError("not_a_number")
    words = [_word(text)[0] for kind, text in tokens if kind == "word"]
    if words and not money:
        raise NumberError("has_unit")
    if "unknown" in words:
        raise NumberError("unknown_word")
    if len(numerals) > 1:
        raise NumberError("several_numbers")
    at = numerals[0]
    before, after = tokens[:at], tokens[at + 1 :]
    if money:
        negative, currency = _money_prefix(before)
        scale = _money_suffix(after, currency)
    elif len(before) > 1 or after:  # only signs are left: "+-5", "5-"
        raise NumberError("not_a_number")
    else:
        negative, scale = bool(before) and before[0][1] in MINUS, 0
    if negative and money:
        raise NumberError("negative")
    whole, frac = _numeral(tokens[at][1])
    return negative, whole, frac, scale


def _tokens(text: str) -> list[tuple[str, str]]:
    if not isinstance(text, str):
        raise TypeError(f"text to read is a str, not {type(text).__name__}")
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).strip(_SPACE)
    text = _DASH_SUFFIX.sub("\\1", text)
    tokens = []
    for match in _TOKEN.finditer(text):
        num, word, sign, space, _ = match.groups()
        if num is not None:
            if not num.strip(".,"):
                raise NumberError("not_a_number")  # a lone dot or comma
            tokens.append(("num", num))
        elif word is not None:
            tokens.append(("word", word))
        elif sign is not None:
            tokens.append(("sign", sign))
        elif space is None:
            raise NumberError("not_a_number")
    return tokens


def _word(word: str) -> tuple[str, int]:
    """("currency"|"scale"|"ambiguous"|"unknown", exponent of the scale)."""
    bare = word.removesuffix(".")
    if bare == "M":
        return "scale", 9
    if bare == "m":
        return "ambiguous", 0
    if bare.lower() in CURRENCIES:
        return "currency", 0
    if bare.lower() in SCALES:
        return "scale", SCALES[bare.lower()]
    return "unknown", 0


def _is_currency(token: tuple[str, str]) -> bool:
    return token[0] == "word" and _word(token[1])[0] == "currency"


def _money_prefix(before: list[tuple[str, str]]) -> tuple[bool, bool]:
    """Before the numeral: at most one sign and one currency mark, in either order."""
    sign: str | None = None
    currency = False
    for kind, text in before:
        if kind == "sign" and sign is None:
            sign = text
        elif kind == "word" and _word(text)[0] == "currency" and not currency:
            currency = True
        else:
            raise NumberError("not_a_number")
    return sign in MINUS, currency


def _money_suffix(after: list[tuple[str, str]], currency: bool) -> int:
    """After the numeral: at most one scale word, then the currency mark if none before."""
    scale: int | None = None
    closed = False  # the currency mark came: nothing may follow it
    for kind, text in after:
        what, exponent = _word(text) if kind == "word" else ("sign", 0)
        if closed or what == "sign" or (what == "currency" and currency):
            raise NumberError("not_a_number")
        if what == "currency":
            currency = closed = True
        elif scale is not None:
            raise NumberError("two_scales")
        elif what == "ambiguous":
            raise NumberError("ambiguous_unit")
        else:
            scale = exponent
    return scale or 0


def _numeral(numeral: str) -> tuple[str, str]:
    """Digits before and after the decimal comma; the dots checked and dropped."""
    if numeral[0] in ".," or numeral[-1] in ".," or numeral.count(",") > 1:
        raise NumberError("separators")
    head, _, frac = numeral.partition(",")
    if "." in frac:
        raise NumberError("separators")
    if (not frac and _SHORT_DECIMAL.fullmatch(head)) or _THOUSANDS_COMMA.fullmatch(numeral):
        raise NumberError("ambiguous")
    if "." in head and not _GROUPED.fullmatch(head):
        raise NumberError("separators")
    return head.replace(".", ""), frac


def _above_max(digits: str) -> bool:
    """Whether a string of digits without leading zeros is above 10^15 (no int() of a
    string that may be thousands of digits long)."""
    return len(digits) > 16 or (len(digits) == 16 and digits > str(MAX_AMOUNT))


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    return ".".join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])
