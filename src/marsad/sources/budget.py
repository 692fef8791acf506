"""Per-page budgets: what one page may cost before and during extraction and analysis.

No page can stall a run (issue #13).  Two guards, applied by the pipeline:

1. **Counts, checked before extraction** (`page_problem`, deterministic): a page
   whose longest line, number of paragraphs (text lines or HTML block elements)
   or element nesting is beyond what any news article has is refused as an input
   error.  These checks are a single regular-expression pass over the page.
2. **A deadline, in the worker** (`Guarded`): extraction of one page must finish
   within ``seconds`` (default `PAGE_SECONDS`) or the page is refused as an
   input error; analysis of one article must finish within the same time or the
   article is kept *degraded*: stored and clustered by its text, with an empty
   analysis (no entities, figures, quotes or dates), and the page named in
   ``input_errors``.  The deadline is a ``SIGALRM`` timer, so it works in the main
   thread of a process (the CLI, pool workers); called from another thread the
   stages run without a deadline and only the count budgets apply.

Any exception a stage raises on one page is handled the same way (input error
for extraction, degraded analysis), so a bug triggered by one page does not
stop the run either; errors no page can cause (an import error, a name error)
still stop it.  An extracted article without a visible letter (an HTML page of
empty or zero-width paragraphs) is refused like an empty file.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from marsad.errors import InputError
from marsad.model import Analysis, Article, Page
from marsad.sources.decode import has_visible_letters

PAGE_SECONDS = 60.0
# An article is at most a few hundred paragraphs and a nesting of a few dozen elements; these are far
# beyond any real page and far below what stalls extraction (30,000 paragraphs took 10 minutes).
MAX_LINE_CHARS = 200_000
MAX_PARAGRAPHS = 10_000
MAX_DEPTH = 1_000

_BLOCK_TAG = re.compile(r"<(?:p|div|li|tr|td|br|h[1-6]|section|article|blockquote|pre|dd|dt)\b", re.I)
# the attribute part stops at the next "<": with `[^>]*` a page of "<a" without any ">" made every
# match attempt scan to the end of the page (quadratic: 600 KB of "<a" took minutes, before any deadline)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:[^<>]*?)(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# A tag with thousands of attributes: libxml2 checks each new attribute against the ones before it, in C
# (quadratic; 100,000 attributes on one <div> took minutes, and a deadline cannot interrupt C code).
# Such a tag is given to extraction without its attributes (`defuse_markup`); no real page has one.
MAX_ATTRIBUTES = 256
MAX_TAG_CHARS = 1 << 20
_LONG_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:-]*)(?=[^<>]{2048})[^<>]*>")
MAX_TITLE_CHARS = 2_000  # an extracted title longer than this is cut (a 1 MB <title> stalled the analysis)

T = TypeVar("T")
R = TypeVar("R")


def page_problem(page: Page) -> str | None:
    """Why ``page`` is beyond the budget of one page, or None."""
    content = page.content
    if page.kind != "html" and len(content) > MAX_LINE_CHARS:  # HTML is often one line: its tags are counted instead
        longest = max(len(line) for line in content.split("\n"))
        if longest > MAX_LINE_CHARS:
            return f"line too long ({longest:,} characters > {MAX_LINE_CHARS:,})"
    if page.kind == "html":
        blocks = sum(1 for _ in _BLOCK_TAG.finditer(content))
        if blocks > MAX_PARAGRAPHS:
            return f"too many paragraphs ({blocks:,} block elements > {MAX_PARAGRAPHS:,})"
        depth = nesting_depth(content)
        if depth > MAX_DEPTH:
            return f"nested too deeply ({depth:,} levels > {MAX_DEPTH:,})"
    else:
        lines = content.count("\n") + 1
        if lines > MAX_PARAGRAPHS * 2:  # blank lines between paragraphs are usual
            paragraphs = sum(1 for line in content.split("\n") if line.strip())
            if paragraphs > MAX_PARAGRAPHS:
                return f"too many paragraphs ({paragraphs:,} lines > {MAX_PARAGRAPHS:,})"
    return None


def nesting_depth(html: str, stop_at: int = MAX_DEPTH) -> int:
    """How deep elements nest (opening tags not yet closed), from one pass over the tags."""
    depth = deepest = 0
    for m in _TAG.finditer(html):
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if name in _VOID or selfclose:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_at:
                    return deepest
    return deepest


def defuse_markup(html: str) -> str:
    """``html`` with the attributes of tags holding more than `MAX_ATTRIBUTES` of them (or longer than
    `MAX_TAG_CHARS`) removed; every other tag is left as it is (one linear pass)."""
    if len(html) < 2048:
        return html
    changed = False

    def strip(m: re.Match[str]) -> str:
        nonlocal changed
        tag = m.group(0)
        if tag.count("=") > MAX_ATTRIBUTES or len(tag) > MAX_TAG_CHARS:
            changed = True
            return f"<{m.group(1)}>"
        return tag

    out = _LONG_TAG.sub(strip, html)
    return out if changed else html  # the page itself when nothing was removed (the caller checks identity)


# errors no page can cause (a broken install or a bug in marsad itself): they stop the run instead of
# quietly degrading every page
_NOT_THE_PAGE = (ImportError, SyntaxError, NameError)


class DeadlineExceeded(BaseException):
    """One page's stage ran past its deadline.

    A BaseException, like KeyboardInterrupt: libraries that catch ``Exception`` around their own work
    (and would swallow the timeout and carry on) let it through.
    """


def call_with_deadline(fn: Callable[[T], R], arg: T, seconds: float | None) -> R:
    """``fn(arg)``, interrupted by `DeadlineExceeded` after ``seconds`` (main thread only; else unbounded).

    Once the deadline has passed the alarm repeats every second until ``fn`` has unwound, in case
    something swallowed the first one.
    """
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        return fn(arg)
    armed = [True]

    def _alarm(signum, frame):  # noqa: ANN001 - signal handler signature
        if armed[0]:
            raise DeadlineExceeded

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        return fn(arg)
    finally:
        while True:  # an alarm landing while we disarm must not escape with the timer still set
            try:
                armed[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except DeadlineExceeded:
                continue


@dataclass(frozen=True)
class Guarded(Generic[T, R]):
    """A stage function run under the page budget; picklable, so it runs as is in pool workers."""

    fn: Callable
    seconds: float | None = PAGE_SECONDS
    stage: str = "extract"

    def __call__(self, item):
        _warm_up(self.fn, self.stage)
        if self.stage == "extract":
            return self._extract(item)
        return self._analyze(item)

    def _extract(self, page: Page) -> Article | InputError:
        problem = page_problem(page)
        if problem:
            return InputError(page.source, problem)
        try:
            if page.kind == "html":
                defused = defuse_markup(page.content)
                if defused is not page.content:
                    page = replace(page, content=defused)
            article = call_with_deadline(self.fn, page, self.seconds)
            if isinstance(article, Article) and not has_visible_letters((article.title or "") + "\n" + article.text):
                return InputError(page.source, "no article text found (no visible letters)")
            if isinstance(article, Article) and article.title and len(article.title) > MAX_TITLE_CHARS:
                article = replace(article, title=article.title[:MAX_TITLE_CHARS].rstrip() + "…")
            return article
        except DeadlineExceeded:
            return InputError(page.source, f"extraction took longer than {self.seconds:g} s; page not stored as an article")
        except RecursionError:
            return InputError(page.source, "extraction failed (page nested too deeply)")
        except MemoryError:
            return InputError(page.source, "extraction failed (out of memory)")
        except _NOT_THE_PAGE:
            raise
        except Exception as exc:  # noqa: BLE001 - one page must not stop the run
            return InputError(page.source, f"extraction failed ({type(exc).__name__}: {str(exc)[:120]})")

    def _analyze(self, article: Article) -> Analysis | tuple[Analysis, str]:
        """The analysis, or ``(empty analysis, why)`` when the article is kept degraded."""
        try:
            return call_with_deadline(self.fn, article, self.seconds)
        except DeadlineExceeded:
            why = f"analysis took longer than {self.seconds:g} s; stored without entities, figures, quotes and dates"
        except (RecursionError, MemoryError) as exc:
            why = f"analysis failed ({type(exc).__name__}); stored without entities, figures, quotes and dates"
        except _NOT_THE_PAGE:
            raise
        except Exception as exc:  # noqa: BLE001 - one article must not stop the run
            why = f"analysis failed ({type(exc).__name__}: {str(exc)[:120]}); stored without entities, figures, quotes and dates"
        return Analysis(article.id), why


_WARM: set[tuple[int, str]] = set()


def _warm_up(fn: Callable, stage: str) -> None:
    """Run a stage once per process on the shipped warm-up page, without a deadline: its first call loads
    models and tables (seconds), which must not count against the first real page's deadline."""
    key = (id(fn), stage)
    if key in _WARM:
        return
    _WARM.add(key)
    from importlib import resources

    from marsad.extract.core import extract
    from marsad.sources.files import page_id

    text = resources.files("marsad.data").joinpath("warmup.txt").read_text(encoding="utf-8")
    page = Page(page_id(text), "<warm-up>", "text", text)
    try:
        fn(page) if stage == "extract" else fn(extract(page))
    except Exception:  # noqa: BLE001, S110 - warming up is best effort; the real call reports problems
        pass


__all__ = ["MAX_ATTRIBUTES", "MAX_DEPTH", "MAX_LINE_CHARS", "MAX_PARAGRAPHS", "MAX_TITLE_CHARS", "PAGE_SECONDS",
           "DeadlineExceeded", "Guarded", "call_with_deadline", "defuse_markup", "nesting_depth", "page_problem"]
