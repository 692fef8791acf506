"""Bytes to text: byte-order marks, strict UTF-8, declared HTML charsets, then detection.

Arabic sites still serve cp1256 and ISO-8859-6; UTF-16 dumps appear too.  Bytes
that are not text (images, archives, executables) are refused with a reason.

Two defensive rules (issue #13):

* **Mixed encodings are decoded by segment.**  A file glued together from a
  UTF-8 part and a cp1256 part is not decoded wholly as cp1256 (which turns the
  UTF-8 half into mojibake): lines that are valid UTF-8 are read as UTF-8, the
  others in the legacy encoding the file declares or that detection finds, and
  a line holding both is split at the bytes that are not UTF-8.
* **No visible letters is empty.**  Text made only of spaces, zero-width and
  format characters, punctuation or symbols is refused as an empty file.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from marsad.errors import InputError
from marsad.textsafe import scrub_surrogates

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-:.]+)""", re.I)
_BINARY_MAGIC = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"%PDF", b"\x7fELF", b"\x1f\x8b",
    b"BZh", b"\xfd7zXZ", b"Rar!", b"MZ", b"\x00\x00\x01\x00", b"OggS", b"RIFF", b"ID3",
)
# Encodings worth trying for Arabic text when nothing declares one.
_ARABIC_CANDIDATES = ("cp1256", "iso-8859-6", "utf-16")
_LEGACY = {"cp1256", "windows-1256", "iso-8859-6", "iso8859-6", "cp720", "cp864", "mac-arabic"}
_VISIBLE = re.compile(r"[^\W_]")  # a letter or a digit, in any script
_DETECT_BYTES = 256 * 1024  # charset detection reads at most this much (it is slow on big inputs)


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
    if data.count(b"\x00") > len(data) // 100:
        # NUL bytes sprinkled through legacy-encoded text (a C string dump, a padded record): without them it
        # is text; bytes that are binary for other reasons too (other control bytes) are still refused
        without = data.replace(b"\x00", b"")
        controls = sum(1 for b in without[:20000] if b < 32 and b not in (9, 10, 13))
        if not without.strip() or controls > len(without[:20000]) * 0.05:
            raise InputError(source, "binary file (NUL bytes, not text)")
        data, head = without, without[:4096]
    declared = _declared_charset(head)
    if declared and declared.replace("_", "-") not in ("utf-8", "utf8"):
        try:
            codecs.lookup(declared)
        except LookupError:
            declared = None
    mixed = _mixed(data, declared)
    if mixed is not None:
        return _finish(*mixed, source)
    if declared:
        try:
            return _finish(data.decode(declared), declared, source)
        except (LookupError, UnicodeDecodeError):
            pass
    legacy = _detect_legacy(data)
    if legacy:
        try:
            return _finish(data.decode(legacy), legacy, source)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return _finish(data.decode("cp1256"), "cp1256", source)
    except UnicodeDecodeError as exc:
        raise InputError(source, "undecodable bytes (not UTF-8, UTF-16 or cp1256)") from exc


def _detect_legacy(data: bytes) -> str | None:
    # cp1256 first: when it reads every byte as an Arabic letter, sign or punctuation it is the answer
    # (detection on a short or unusual text sometimes picks a sibling code page whose letters differ)
    try:
        if _reads_as_arabic(data[:_DETECT_BYTES].decode("cp1256")):
            return "cp1256"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:_DETECT_BYTES], cp_isolation=list(_ARABIC_CANDIDATES) + ["utf-8"]).best()
    return best.encoding if best is not None and best.encoding else None


def _mixed(data: bytes, declared: str | None) -> tuple[str, str] | None:
    """Decode by line when some non-ASCII lines are valid UTF-8 and others are not; else None."""
    utf8_lines = 0
    bad: list[bytes] = []
    either: list[bytes] = []
    lines = data.split(b"\n")
    for line in lines:
        if line.isascii():
            continue
        try:
            as_utf8 = line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(line)
            continue
        if not _reads_as_arabic(line.decode("cp1256", errors="replace")):
            utf8_lines += 1
        elif _reads_as_arabic(as_utf8):
            either.append(line)  # short lines read as Arabic both ways ("ظ،" is D9 A1, which UTF-8 reads as "١")
        else:
            bad.append(line)  # legacy bytes that happen to pair up as UTF-8 ("ب،" is C8 A1 -> U+0221)
    # a line that reads both ways follows the file's majority
    if len(bad) > utf8_lines:
        bad.extend(either)
    else:
        utf8_lines += len(either)
    if not utf8_lines or not bad:
        return None
    legacy = declared if declared and declared.lower() in _LEGACY else None
    if legacy is None:
        found = _detect_legacy(b"\n".join(bad))
        legacy = found if found and found.replace("_", "-").lower() not in ("utf-8", "ascii") else "cp1256"
    out = []
    legacy_lines = set(bad)
    for line in lines:
        out.append(_decode_segments(line, legacy) if line in legacy_lines else line.decode("utf-8"))
    return "\n".join(out), f"utf-8+{legacy}"


def _decode_segments(line: bytes, legacy: str) -> str:
    """A line holding both: runs of valid multi-byte UTF-8 stay UTF-8, the other bytes are ``legacy``."""
    out: list[str] = []
    pos = 0
    for m in _UTF8_RUN.finditer(line):
        if m.start() > pos:
            out.append(line[pos:m.start()].decode(legacy, errors="replace"))
        out.append(m.group(0).decode("utf-8"))
        pos = m.end()
    out.append(line[pos:].decode(legacy, errors="replace"))
    return "".join(out)


# two or more consecutive multi-byte UTF-8 characters (a single pair of legacy bytes can look like one)
_UTF8_RUN = re.compile(rb"(?:(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})[\x20-\x7e]*){2,}")


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


def _reads_as_arabic(text: str) -> bool:
    """True when every non-ASCII character is Arabic script or punctuation common in Arabic text."""
    return all(ch.isascii() or _ARABIC_TEXT_CHAR.match(ch) for ch in text) and not text.isascii()


# the Arabic blocks, their presentation forms, joiners, no-break space and the punctuation Arabic text uses
_ARABIC_TEXT_CHAR = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff\u200c-\u200f"
                               "\u00a0\u00ab\u00bb\u2013\u2014\u2018-\u201d\u2026]")


def _finish(text: str, encoding: str, source: str) -> tuple[str, str]:
    text = scrub_surrogates(text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise InputError(source, "empty file")
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\n\t")
    if controls > len(text[:20000]) * 0.05:
        raise InputError(source, "binary file (control characters, not text)")
    if not has_visible_letters(text):
        raise InputError(source, "empty file (no visible letters)")
    return text, encoding


def has_visible_letters(text: str) -> bool:
    """True when ``text`` holds at least one letter or digit (zero-width and format characters are not)."""
    return _VISIBLE.search(text) is not None
