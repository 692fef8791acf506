"""Bytes to text: byte-order marks, strict UTF-8, declared HTML charsets, then detection.

Arabic sites still serve cp1256 and ISO-8859-6; UTF-16 dumps appear too.  Bytes
that are not text (images, archives, executables) are refused with a reason.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from marsad.errors import InputError

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-:.]+)""", re.I)
_BINARY_MAGIC = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"%PDF", b"\x7fELF", b"\x1f\x8b",
    b"BZh", b"\xfd7zXZ", b"Rar!", b"MZ", b"\x00\x00\x01\x00", b"OggS", b"RIFF", b"ID3",
)
# Encodings worth trying for Arabic text when nothing declares one.
_ARABIC_CANDIDATES = ("cp1256", "iso-8859-6", "utf-16")


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise `InputError` naming ``source``."""
    if not data.strip():
        raise InputError(source, "empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _finish(data.decode(enc, errors="replace"), enc, source)
    if data.startswith(_BINARY_MAGIC):
        raise InputError(source, "binary file (not text or HTML)")
    head = data[:4096]
    utf16 = _utf16_order(head)
    if utf16:
        return _finish(data.decode(utf16, errors="replace"), utf16, source)
    try:
        return _finish(data.decode("utf-8"), "utf-8", source)
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(head)
    if declared:
        try:
            return _finish(data.decode(declared), declared, source)
        except (LookupError, UnicodeDecodeError):
            pass
    if data.count(b"\x00") > len(data) // 100:
        raise InputError(source, "binary file (NUL bytes, not text)")
    best = from_bytes(data, cp_isolation=list(_ARABIC_CANDIDATES) + ["utf-8"]).best()
    if best is not None and best.encoding:
        return _finish(str(best), best.encoding, source)
    try:
        return _finish(data.decode("cp1256"), "cp1256", source)
    except UnicodeDecodeError as exc:
        raise InputError(source, "undecodable bytes (not UTF-8, UTF-16 or cp1256)") from exc


def _utf16_order(head: bytes) -> str | None:
    """UTF-16 without a BOM: Arabic and ASCII put 0x06 or 0x00 in every high byte."""
    if len(head) < 16:
        return None
    even, odd = head[0::2], head[1::2]
    high = (0x00, 0x06)

    def share(bs: bytes) -> float:
        return sum(1 for b in bs if b in high) / len(bs)

    if share(odd) > 0.9 and odd.count(0) < len(odd):
        return "utf-16-le"
    if share(even) > 0.9 and even.count(0) < len(even):
        return "utf-16-be"
    return None


def _declared_charset(head: bytes) -> str | None:
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    return {"windows-1256": "cp1256", "iso-8859-6": "iso-8859-6"}.get(name, name)


def _finish(text: str, encoding: str, source: str) -> tuple[str, str]:
    text = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(source, "empty file")
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\t")
    if controls > len(text[:20000]) * 0.05:
        raise InputError(source, "binary file (control characters, not text)")
    return text, encoding
