"""The typed records that pass between marsad's stages.

Every stage takes and returns these frozen dataclasses; none passes string-keyed
dicts.  `to_dict` turns any of them into the JSON shapes of the public
``digest.json`` contract.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Literal

PublishedHow = Literal["explicit", "metadata", "inferred"]
PageKind = Literal["text", "html"]
Granularity = Literal["day", "week", "month", "season", "year", "decade"]
DateAnchor = Literal["point", "since", "until"]  # a date alone, the start of a span (منذ), its end (حتى)
FactStatus = Literal["agree", "conflict", "single-source"]


@dataclass(frozen=True, slots=True)
class Page:
    """One fetched page as it came in: decoded text or HTML, before any cleaning."""

    id: str  # content hash (sha256 of the decoded content, 16 hex digits)
    source: str  # the path or URL as the user gave it (with #line for jsonl records)
    kind: PageKind
    content: str
    url: str | None = None
    fetched_at: str | None = None
    encoding: str = "utf-8"
    outlet: str | None = None  # the outlet the page is known to come from (a watched source's ``outlet``)


@dataclass(frozen=True, slots=True)
class Removed:
    """A piece of a page that extraction dropped, and why."""

    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """The clean article extracted from a page."""

    id: str
    source: str
    title: str | None
    paragraphs: tuple[str, ...]
    published: str | None = None  # YYYY-MM-DD
    published_how: PublishedHow | None = None
    outlets: tuple[str, ...] = ()
    wires: tuple[str, ...] = ()  # news agencies named as source
    tags: tuple[str, ...] = ()
    removed: tuple[Removed, ...] = ()
    url: str | None = None
    fetched_at: str | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention in an article's text (offsets into `Article.text`)."""

    text: str
    type: str  # PERS, LOC, ORG, MISC
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression resolved to the calendar."""

    text: str
    value: str  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    granularity: Granularity
    start: int
    end: int
    relative: bool = False
    end_value: str | None = None  # for ranges
    anchor: DateAnchor = "point"
    from_duration: bool = False  # counted back from the reference ("منذ 3 أيام"): a span, not an event's date


@dataclass(frozen=True, slots=True)
class Duration:
    text: str
    amount: float
    unit: str  # day, hour, week, month, year, minute
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quote:
    speaker: str | None
    text: str
    article_id: str
    kind: Literal["direct", "reported"] = "direct"
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Claim:
    """A numeric claim: how many of what, said by whom, in which sentence."""

    value: float | None  # None for vague amounts ("عشرات")
    counted: str  # head noun as written
    category: str  # canonical category: killed, wounded, troops, ...
    text: str  # the sentence it came from
    article_id: str
    qualifier: str | None = None  # about, more than, at least, ...
    attributed_to: str | None = None
    low: float | None = None
    high: float | None = None
    negated: bool = False  # a denial: "no Armenian forces"
    number_text: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the analysis stage found in one article."""

    article_id: str
    mentions: tuple[Mention, ...] = ()
    dates: tuple[DateMention, ...] = ()
    durations: tuple[Duration, ...] = ()
    quotes: tuple[Quote, ...] = ()
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity of a story with all the spellings seen."""

    name: str
    type: str
    variants: tuple[str, ...]
    article_ids: tuple[str, ...]
    mentions: int = 0


@dataclass(frozen=True, slots=True)
class SummarySentence:
    text: str
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()  # "article_id:start" of each source sentence


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    date: str
    text: str
    article_ids: tuple[str, ...]
    granularity: Granularity = "day"
    anchor: DateAnchor = "point"
    background: bool = False  # outside the story's own days (older history, far plans, whole years)


@dataclass(frozen=True, slots=True)
class FactGroup:
    about: str
    status: FactStatus
    claims: tuple[Claim, ...]


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    storyline_id: str | None
    title: str
    article_ids: tuple[str, ...]
    date: str | None = None
    summary: tuple[SummarySentence, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    facts: tuple[FactGroup, ...] = ()
    shared_paragraphs: tuple[SharedParagraph, ...] = ()


@dataclass(frozen=True, slots=True)
class Storyline:
    id: str
    title: str
    story_ids: tuple[str, ...]
    summary: tuple[SummarySentence, ...] = ()
    facts: tuple[FactGroup, ...] = ()


@dataclass(frozen=True, slots=True)
class SharedParagraph:
    """Two articles carry (nearly) the same paragraph: evidence of a common wire."""

    article_a: str
    paragraph_a: int
    article_b: str
    paragraph_b: int
    similarity: float


_SCALARS = (str, int, float, bool, type(None))


def to_dict(obj: Any) -> Any:
    """Recursively turn records into JSON-ready dicts and lists."""
    if isinstance(obj, _SCALARS):
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: to_dict(getattr(obj, name)) for name in _field_names(type(obj))}
    if isinstance(obj, tuple | list):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def from_dict(cls: type, data: dict[str, Any]) -> Any:
    """Rebuild a record (and its nested records) from `to_dict` output."""
    kwargs = {}
    for name, nested, is_tuple in _plan(cls):
        if name not in data:
            continue
        value = data[name]
        if value is not None:
            if nested is not None:
                value = tuple(from_dict(nested, v) for v in value)
            elif is_tuple:
                value = tuple(value)
        kwargs[name] = value
    return cls(**kwargs)


_NESTED = {
    "tuple[Removed, ...]": "Removed",
    "tuple[Mention, ...]": "Mention",
    "tuple[DateMention, ...]": "DateMention",
    "tuple[Duration, ...]": "Duration",
    "tuple[Quote, ...]": "Quote",
    "tuple[Claim, ...]": "Claim",
    "tuple[Entity, ...]": "Entity",
    "tuple[SummarySentence, ...]": "SummarySentence",
    "tuple[TimelineEntry, ...]": "TimelineEntry",
    "tuple[FactGroup, ...]": "FactGroup",
    "tuple[SharedParagraph, ...]": "SharedParagraph",
}


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, type | None, bool], ...]:
    """Per field of a record: its name, the record type its items are (if any), and whether it is a tuple."""
    plan = []
    for f in dataclasses.fields(cls):
        t = str(f.type)
        nested = globals()[_NESTED[t]] if t in _NESTED else None
        plan.append((f.name, nested, t.startswith("tuple")))
    return tuple(plan)
