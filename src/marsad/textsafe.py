"""Text from scraped pages and file names, made safe to show.

Scraped titles, file names and archive headers may hold anything: terminal
escape sequences (ESC, BEL, CSI …), newlines that split one error into two,
bidi override characters (U+202E makes ``exe.txt`` read ``txt.exe``), and lone
surrogates that cannot even be encoded.  This module has three jobs:

* `safe_name` — a file name or source string that can be stored and encoded:
  undecodable file-name bytes (Python's ``surrogateescape``) become ``\\xff``,
  other lone surrogates ``\\ud800``.
* `one_line` / `for_terminal` — text for a terminal or an error line: control,
  escape and bidi-control characters are shown as visible ``\\x1b`` / ``\\u202e``
  escapes instead of acting; `one_line` also escapes line breaks.
* `strip_bidi_controls` / `for_html` — text for HTML: bidi embeddings,
  overrides and isolates are removed (the HTML wraps scraped text in its own
  ``<bdi>`` / ``dir="auto"`` isolation, so none of them are needed to display
  it); `for_html` also shows other control characters as escapes.
"""

from __future__ import annotations

import re

# embeddings, overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI)
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")
# C0 controls except TAB/LF, DEL, C1 controls, line/paragraph separators, bidi controls
_UNSAFE_BLOCK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029" + BIDI_CONTROLS + "\ud800-\udfff]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + BIDI_CONTROLS + "\ud800-\udfff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    cp = ord(ch)
    if 0xDC80 <= cp <= 0xDCFF:  # a raw byte Python could not decode (surrogateescape)
        return f"\\x{cp - 0xDC00:02x}"
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}"


def one_line(text: str) -> str:
    """Text for one line of a terminal or log: every control/escape/bidi character shown as an escape."""
    return _UNSAFE_LINE.sub(_escape, text)


def for_terminal(text: str) -> str:
    """Like `one_line`, but newlines and tabs are kept (for multi-line output such as a story)."""
    return _UNSAFE_BLOCK.sub(_escape, text)


def safe_name(name: str) -> str:
    """A file name or source that can be stored and encoded as UTF-8 (lone surrogates escaped)."""
    return _SURROGATES.sub(_escape, name) if _SURROGATES.search(name) else name


def scrub_surrogates(text: str) -> str:
    """Page text with lone surrogates (which no encoder accepts) replaced by U+FFFD."""
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def strip_bidi_controls(text: str) -> str:
    """Text for HTML: bidi embeddings, overrides and isolates removed."""
    return _BIDI_RE.sub("", text) if _BIDI_RE.search(text) else text


_HTML_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def for_html(text: str) -> str:
    """Text for an HTML page (before escaping): bidi controls removed, other control characters (not allowed
    in HTML) shown as visible escapes."""
    text = strip_bidi_controls(text)
    return _HTML_CONTROLS.sub(_escape, text) if _HTML_CONTROLS.search(text) else text


__all__ = ["BIDI_CONTROLS", "for_html", "for_terminal", "one_line", "safe_name", "scrub_surrogates", "strip_bidi_controls"]
