"""Arabic count phrases with the right number agreement (مقال واحد، مقالان، 3 مقالات، 11 مقالا، 100 مقال).

The forms of each noun are data (``data/plurals.tsv``); the rule that picks one is
Arabic grammar's: 1 and 2 have their own forms, 3–10 take the plural, 11–99 the
singular accusative, and round hundreds and thousands (and 101, 102 …) the
singular genitive.  Numbers above 100 follow their last two digits.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def _forms() -> dict[str, tuple[str, ...]]:
    text = resources.files("marsad.query.data").joinpath("plurals.tsv").read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            noun, *forms = line.split("\t")
            out[noun] = tuple(forms)
    return out


def count_label(n: int, noun: str) -> str:
    """``count_label(3, "article")`` -> ``"3 مقالات"``; the noun is a key of ``plurals.tsv``."""
    zero, one, two, plural, accusative, genitive = _forms()[noun]
    if n == 0:
        form = zero
    elif n == 1:
        form = one
    elif n == 2:
        form = two
    else:
        rest = n % 100
        if n > 100 and rest in (1, 2) or rest == 0:
            form = genitive
        elif 3 <= rest <= 10:
            form = plural
        else:
            form = accusative
    return form.replace("{n}", str(n))


def nouns() -> list[str]:
    return list(_forms())
