"""Online, single-pass event clustering and storyline linking, backed by the store.

Each new article is compared with candidate stories found through an inverted
index of the stories' top terms (``story_terms``), never with the whole store,
so the cost per article stays flat as the store grows.  A story is summarised by
its state: summed term vector, event dates and weekdays, entity counts.  The
article joins the best-scoring story if the score reaches `JOIN_THRESHOLD`,
otherwise it founds a new one.

Stories are linked into storylines the same way, over ``storyline_terms``, with
entity overlap weighing more and no date limit (storylines run for years).

Batch order is canonical (publication date, then content hash), so the same
pages give the same stories whatever order they were fed in, and a resumed run
continues exactly where the killed one stopped.

The clusterer holds no SQL: it reads and writes states, postings and
assignments through a `ClusterStore` (a store's `Store.cluster`), inside the
caller's transaction.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from marsad.cluster.features import cosine, normalize_vector
from marsad.cluster.similarity import combine, date_factor, entity_overlap

JOIN_THRESHOLD = 0.33  # set on the seeds and the labelled SaudiNewsNet stream (bench/cluster_eval.py)
LINE_THRESHOLD = 0.22
QUERY_TERMS = 20  # an article's strongest terms used to find candidate stories
INDEX_TERMS = 40  # a story's strongest terms kept in the inverted index
MAX_CANDIDATES = 20
POSTINGS = 80  # strongest stories read per query term: common terms cannot make lookups grow with the store
STATE_TERMS = 200  # terms kept in a story's summed vector
STATE_ENTITIES = 120  # entity counts kept in a story's state: a story's size must not make its state grow
# story states kept in memory, the most recently used: a state is ~40 KB of Python objects, and a run that
# kept every state it read grew 86 MB per 1,000 articles (2.9 GB of a SaudiNewsNet digest's main process);
# the states of the stories news is still arriving in are the recent ones, the others are read back
STATE_CACHE = 2048
# what scoring reads of a state that left that cache (`_View`, 2-4 KB): a candidate story or storyline is scored
# from it without parsing its stored state, which on a big store, where most candidates have left the cache,
# was most of the clustering's and the linking's cost (and made it grow with the store)
VIEW_CACHE = 16384


@dataclass
class StoryState:
    story_id: str
    storyline_id: str | None
    vector: dict[str, float]
    n: int
    dates: Counter
    weekdays: Counter
    entities: Counter
    # what scoring reads of the state, computed once per change (`changed` drops them)
    _unit: dict[str, float] | None = field(default=None, repr=False, compare=False)
    _top: list[str] | None = field(default=None, repr=False, compare=False)
    _top_set: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _days: tuple[str | None, int | None] | None = field(default=None, repr=False, compare=False)

    def changed(self) -> None:
        self._unit = self._top = self._top_set = self._days = None

    def unit_vector(self) -> dict[str, float]:
        if self._unit is None:
            self._unit = normalize_vector(self.vector)
        return self._unit

    def event_days(self) -> tuple[str | None, int | None]:
        """(`event_date`, `event_weekday`)."""
        if self._days is None:
            date = max(self.dates.items(), key=lambda kv: (kv[1], kv[0]))[0] if self.dates else None
            weekday = None
            if not self.dates and self.weekdays:
                weekday = max(self.weekdays.items(), key=lambda kv: (kv[1], -kv[0]))[0]
            self._days = (date, weekday)
        return self._days

    @property
    def event_date(self) -> str | None:
        return self.event_days()[0]

    @property
    def event_weekday(self) -> int | None:
        return self.event_days()[1]

    def top_entities(self, k: int = 30) -> list[str]:
        if k == 30 and self._top is not None:
            return self._top
        top = [e for e, _ in sorted(self.entities.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]
        if k == 30:
            self._top = top
        return top

    def top_entity_set(self) -> frozenset[str]:
        """`top_entities` as a set (what the entity overlap compares)."""
        if self._top_set is None:
            self._top_set = frozenset(self.top_entities())
        return self._top_set

    def to_json(self) -> str:
        return json.dumps({
            "vector": self.vector, "n": self.n, "dates": self.dates, "weekdays": {str(k): v for k, v in self.weekdays.items()},
            "entities": self.entities,
        }, ensure_ascii=False)

    @classmethod
    def from_row(cls, story_id: str, storyline_id: str | None, data: str) -> StoryState:
        d = json.loads(data)
        return cls(story_id, storyline_id, d["vector"], d["n"], Counter(d["dates"]),
                   Counter({int(k): v for k, v in d["weekdays"].items()}), Counter(d["entities"]))


class _View:
    """What scoring reads of a story's or a storyline's state, compact: the terms and weights of its unit vector
    (terms interned: the same words recur in thousands of states), its top entities and its event days.

    A score computed from it is the score computed from the state: the unit vector comes back with the same
    weights in the same order."""

    __slots__ = ("terms", "weights", "entities", "days")

    def __init__(self, unit: dict[str, float], entities: Sequence[str],
                 days: tuple[str | None, int | None] = (None, None)) -> None:
        self.terms = tuple(map(sys.intern, unit))
        self.weights = array("d", unit.values())
        self.entities = tuple(entities)
        self.days = days

    def unit_vector(self) -> dict[str, float]:
        return dict(zip(self.terms, self.weights, strict=True))

    def top_entity_set(self) -> frozenset[str]:
        return frozenset(self.entities)

    def event_days(self) -> tuple[str | None, int | None]:
        return self.days


class _LineState:
    """A storyline's summed vector and entity counts, with what linking compares (computed once)."""

    __slots__ = ("vector", "entities", "unit_vector", "top_entities", "top_entity_set")

    def __init__(self, vector: dict[str, float], entities: Counter) -> None:
        self.vector = vector
        self.entities = entities
        self.unit_vector = normalize_vector(vector)
        self.top_entities = [e for e, _ in entities.most_common(40)]
        self.top_entity_set = frozenset(self.top_entities)


class ClusterStore(Protocol):
    """The tables the clusterer reads and writes (`marsad.store.cluster_state.ClusterTables` in a store).

    States are the JSON the clusterer writes; postings are (term, weight) pairs.
    """

    def ranked_stories(self, query: Sequence[tuple[str, float]], postings: int, limit: int) -> list[str]:
        """The ``limit`` stories with the largest sum of query weight x posting weight, each query term
        reading its ``postings`` strongest postings; best first, ties by id."""

    def ranked_storylines(self, query: Sequence[tuple[str, float]], postings: int, limit: int) -> list[str]:
        """`ranked_stories` over the storylines."""

    def story_state(self, story_id: str) -> tuple[str | None, str]:
        """(storyline id, state JSON) of a stored story."""

    def save_story(self, story_id: str, storyline_id: str | None, data: str,
                   terms: Sequence[tuple[str, float]]) -> None:
        """Write a story's state and replace its postings."""

    def record_assignment(self, article_id: str, story_id: str, duplicate_of: str | None, score: float) -> None:
        """An article's story."""

    def set_storyline(self, story_id: str, storyline_id: str) -> None:
        """The storyline a story is linked to."""

    def storyline_state(self, storyline_id: str) -> str:
        """The state JSON of a stored storyline."""

    def save_storyline(self, storyline_id: str, data: str, terms: Sequence[tuple[str, float]]) -> None:
        """Write a storyline's state and replace its postings."""


class OnlineClusterer:
    """Assigns articles to stories and stories to storylines, one at a time, in the store."""

    def __init__(self, tables: ClusterStore, join_threshold: float = JOIN_THRESHOLD,
                 line_threshold: float = LINE_THRESHOLD) -> None:
        self.tables = tables
        self.join_threshold = join_threshold
        self.line_threshold = line_threshold
        # this object is the only writer of story states while it lives: a state it holds is the stored one
        self._states: OrderedDict[str, StoryState] = OrderedDict()
        self._lines: OrderedDict[str, _LineState] = OrderedDict()  # the same for storylines
        # the views of states that left those caches (dropped when the state changes)
        self._views: OrderedDict[str, _View] = OrderedDict()
        self._line_views: OrderedDict[str, _View] = OrderedDict()

    # -- stories ------------------------------------------------------------
    def _load(self, story_id: str) -> StoryState:
        state = self._states.get(story_id)
        if state is None:
            state = StoryState.from_row(story_id, *self.tables.story_state(story_id))
            self._keep(state)
        else:
            self._states.move_to_end(story_id)
        return state

    def _keep(self, state: StoryState) -> None:
        self._states[state.story_id] = state
        self._states.move_to_end(state.story_id)
        if len(self._states) > STATE_CACHE:
            # saved when it changed: reading it back gives the same state; its view is kept for scoring
            _, old = self._states.popitem(last=False)
            _keep_view(self._views, old.story_id,
                       _View(old.unit_vector(), old.top_entities(), old.event_days()))

    def _scored(self, story_id: str) -> StoryState | _View:
        """What scoring reads of a story: its state if it is in memory, else its view, else its stored state."""
        state = self._states.get(story_id)
        if state is not None:
            self._states.move_to_end(story_id)
            return state
        view = self._views.get(story_id)
        if view is not None:
            self._views.move_to_end(story_id)
            return view
        return self._load(story_id)

    def candidates(self, vector: dict[str, float]) -> list[str]:
        top = sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:QUERY_TERMS]
        return self.tables.ranked_stories(top, POSTINGS, MAX_CANDIDATES)

    def score(self, feats: dict, state: StoryState | _View, shared_with: set[str] | None = None,
              entities: frozenset[str] | None = None) -> float:
        """``entities``: the set of ``feats["entities"]``, when the caller scores one article against many."""
        text = cosine(feats["vector"], state.unit_vector())
        ents = entity_overlap(frozenset(feats.get("entities", ())) if entities is None else entities,
                              state.top_entity_set())
        days = state.event_days()
        dates = date_factor(feats.get("published"), feats.get("weekday"), days[0], days[1])
        return combine(text, ents, dates, bool(shared_with))

    def assign(self, article_id: str, feats: dict, shared_stories: set[str] | None = None) -> tuple[str, float]:
        """Put one article into its best story (or a new one); returns (story id, score)."""
        shared_stories = shared_stories or set()
        best_id, best_score = None, 0.0
        cands = self.candidates(feats["vector"])
        entities = frozenset(feats.get("entities", ()))
        for sid in sorted(set(cands) | shared_stories):
            s = self.score(feats, self._scored(sid), {sid} & shared_stories, entities)
            if s > best_score or (s == best_score and best_id is not None and sid < best_id):
                best_id, best_score = sid, s
        if best_id is not None and best_score >= self.join_threshold:
            state = self._load(best_id)
        else:
            best_id = "s" + article_id[:12]
            state = StoryState(best_id, None, {}, 0, Counter(), Counter(), Counter())
            best_score = 1.0
        self._absorb(state, feats)
        self._record(article_id, best_id, feats.get("duplicate_of"), round(best_score, 4))
        self._save(state)
        return best_id, best_score

    def assign_to(self, article_id: str, feats: dict, story_id: str) -> None:
        """Put an article into a known story (a duplicate joins its original's story)."""
        state = self._load(story_id)
        self._absorb(state, feats)
        self._record(article_id, story_id, feats.get("duplicate_of"), 1.0)
        self._save(state)

    def _record(self, article_id: str, story_id: str, duplicate_of: str | None, score: float) -> None:
        self.tables.record_assignment(article_id, story_id, duplicate_of, score)

    def _absorb(self, state: StoryState, feats: dict) -> None:
        state.changed()
        for t, w in feats["vector"].items():
            state.vector[t] = state.vector.get(t, 0.0) + w
        if len(state.vector) > STATE_TERMS:
            state.vector = dict(sorted(state.vector.items(), key=lambda kv: (-kv[1], kv[0]))[:STATE_TERMS])
        state.n += 1
        if feats.get("published"):
            state.dates[feats["published"]] += 1
        if feats.get("weekday"):
            state.weekdays[int(feats["weekday"])] += 1
        state.entities.update(feats.get("entities", ()))
        if len(state.entities) > STATE_ENTITIES:
            kept = sorted(state.entities.items(), key=lambda kv: (-kv[1], kv[0]))[:STATE_ENTITIES]
            state.entities = Counter(dict(kept))

    def _save(self, state: StoryState) -> None:
        self._views.pop(state.story_id, None)
        self._keep(state)
        top = sorted(state.unit_vector().items(), key=lambda kv: (-kv[1], kv[0]))[:INDEX_TERMS]
        self.tables.save_story(state.story_id, state.storyline_id, state.to_json(), top)

    # -- storylines ---------------------------------------------------------
    def link(self, story_id: str) -> str:
        """Attach a story to a storyline (existing or new); returns the storyline id.

        A story keeps the storyline it was first linked to; a storyline's summary
        vector is the sum of its stories' vectors as they were when they joined,
        so linking costs the same however long the storyline has grown.
        """
        state = self._load(story_id)
        if state.storyline_id:
            return state.storyline_id
        vec = state.unit_vector()
        best, best_score, best_line = None, 0.0, None
        story_entities = state.top_entity_set()
        for lid in lookup_storylines(self.tables, vec):
            unit, line_entities = self._line_scored(lid)
            text = cosine(vec, unit)
            ents = entity_overlap(story_entities, line_entities)
            s = text if ents is None else 0.5 * text + 0.5 * ents
            if s > best_score:
                best, best_score = lid, s
        if best is None or best_score < self.line_threshold:
            best, best_line = "L" + story_id[1:], _LineState({}, Counter())
        else:
            best_line = self._line(best)
        self.tables.set_storyline(story_id, best)
        self._states.pop(story_id, None)
        self._add_to_line(best, best_line, vec, state)
        return best

    def _line(self, line_id: str) -> _LineState:
        """A storyline's state, parsed once while this object lives (it is the storylines' only writer)."""
        line = self._lines.get(line_id)
        if line is None:
            data = json.loads(self.tables.storyline_state(line_id))
            line = _LineState(data["vector"], Counter(data["entities"]))
        self._keep_line(line_id, line)
        return line

    def _keep_line(self, line_id: str, line: _LineState) -> None:
        self._lines[line_id] = line
        self._lines.move_to_end(line_id)
        if len(self._lines) > STATE_CACHE:
            old_id, old = self._lines.popitem(last=False)
            _keep_view(self._line_views, old_id, _View(old.unit_vector, old.top_entities))

    def _line_scored(self, line_id: str) -> tuple[dict[str, float], frozenset[str]]:
        """What linking reads of a storyline (its unit vector, its top entities): from its state if it is in
        memory, else from its view, else from its stored state (as `_scored` for stories)."""
        line = self._lines.get(line_id)
        if line is not None:
            self._lines.move_to_end(line_id)
            return line.unit_vector, line.top_entity_set
        view = self._line_views.get(line_id)
        if view is not None:
            self._line_views.move_to_end(line_id)
            return view.unit_vector(), view.top_entity_set()
        line = self._line(line_id)
        return line.unit_vector, line.top_entity_set

    def _add_to_line(self, line_id: str, line: _LineState, vec: dict[str, float], state: StoryState) -> None:
        vector = dict(line.vector)
        for t, w in vec.items():
            vector[t] = vector.get(t, 0.0) + w
        vector = dict(sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:STATE_TERMS])
        entities = Counter(line.entities)
        entities.update({e: 1 for e in state.entities})
        entities = Counter(dict(entities.most_common(200)))
        line = _LineState(vector, entities)
        self._line_views.pop(line_id, None)
        self._keep_line(line_id, line)
        top = sorted(line.unit_vector.items(), key=lambda kv: (-kv[1], kv[0]))[:INDEX_TERMS]
        self.tables.save_storyline(line_id, json.dumps({"vector": vector, "entities": entities}, ensure_ascii=False),
                                   top)


def _keep_view(views: OrderedDict[str, _View], key: str, view: _View) -> None:
    views[key] = view
    views.move_to_end(key)
    if len(views) > VIEW_CACHE:
        views.popitem(last=False)


def lookup_storylines(tables: ClusterStore, vector: dict[str, float]) -> list[str]:
    """Candidate storylines for a story's (normalized) vector, best first.

    The `MAX_CANDIDATES` storylines with the largest sum of query weight x indexed weight over the
    vector's `QUERY_TERMS` strongest terms, each term reading at most `POSTINGS` of its strongest
    postings, so a lookup costs the same on any store size (as `OnlineClusterer.candidates` for stories).
    """
    top = sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:QUERY_TERMS]
    return tables.ranked_storylines(top, POSTINGS, MAX_CANDIDATES)
