"""Bytes to text for pages whose declared charset may be wrong, missing, or a Vietnamese legacy one.

Order: caller's encoding (from HTTP headers), BOM, `<meta charset>`; a declaration that does not decode
the bytes is ignored. UTF-8 is tried before cp1258 because a stray cp1258 byte sequence is rarely valid
UTF-8, while the converse is common. cp1258 yields decomposed tones, so the result is NFC-normalised.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

MAX_BYTES = 20 * 1024 * 1024  # beyond this a "page" is not an article; refuse it quickly

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_BINARY_MAGIC = (
    (b"\x1f\x8b", "gzip data"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "a RIFF media file"),
    (b"\x00\x00\x01\x00", "an icon"),
)


_LATIN = {"iso8859-1", "cp1252", "ascii"}
_COMBINING_TONES = re.compile("[\u0300\u0301\u0303\u0309\u0323]")


def _has_vietnamese_tones(data: bytes, encoding: str) -> bool:
    try:
        return bool(_COMBINING_TONES.search(data.decode(encoding)))
    except UnicodeDecodeError:
        return False


class DecodeError(ValueError):
    """The bytes are not an HTML page we can read; the message says why."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def _normalise_label(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None


# Every byte but the control bytes text never holds (9 to 13: tab, line and form feeds, carriage return).
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32))


def _looks_binary(data: bytes) -> str | None:
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            return what
    head = data[:4096]
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    controls = len(head.translate(None, _NOT_CONTROL))
    if head and controls / len(head) > 0.05:
        return "binary data (control bytes)"
    return None


def decode_html(data: bytes | str, declared: str | None = None) -> Decoded:
    """Decode a page to NFC text or raise DecodeError with a reason a person can act on."""
    if isinstance(data, str):
        text = data
        if not text.strip():
            raise DecodeError("empty page")
        return Decoded(unicodedata.normalize("NFC", text), "str")
    if not data or not data.strip():
        raise DecodeError("empty page")
    if len(data) > MAX_BYTES:
        raise DecodeError(f"page too large ({len(data)} bytes, limit {MAX_BYTES})")
    binary = _looks_binary(data)
    if binary:
        raise DecodeError(f"not an HTML page: {binary}")

    warnings: list[str] = []
    candidates: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        candidates.append("utf-8")
        data = data[len(codecs.BOM_UTF8) :]
    for label in (
        declared,
        *(m.group(1).decode("ascii", "ignore") for m in _META_CHARSET.finditer(data[:8192])),
    ):
        name = _normalise_label(label)
        if name and name not in candidates:
            candidates.append(name)
    declared_first = candidates[0] if candidates else None

    # Bytes that are valid UTF-8 (with non-ASCII in them) are UTF-8 whatever the label says: the
    # converse accident (cp1258 text that happens to be valid UTF-8) practically never happens.
    # A Latin-1 label on a Vietnamese page usually hides cp1258: its tone marks are combining characters.
    order: list[str] = ["utf-8"]
    for name in candidates:
        if name in _LATIN and _has_vietnamese_tones(data, "cp1258"):
            order.append("cp1258")
        order.append(name)
    order.append("cp1258")
    for name in dict.fromkeys(order):
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if declared_first and name != declared_first and not (name == "utf-8" and data.isascii()):
            warnings.append(f"charset {declared_first} declared but the page is {name}")
        elif not declared_first:
            warnings.append(f"no charset declared; read as {name}")
        return Decoded(unicodedata.normalize("NFC", text), name, tuple(warnings))
    text = data.decode("utf-8", errors="replace")
    warnings.append("undecodable bytes replaced")
    return Decoded(unicodedata.normalize("NFC", text), "utf-8", tuple(warnings))
