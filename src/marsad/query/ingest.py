"""Adding one page to a store from memory (what ``POST /api/v1/pages`` does): the article and the story it joined."""

from __future__ import annotations

from typing import Any

from marsad.model import Page
from marsad.pipeline import Pipeline
from marsad.query import Query
from marsad.sources.files import page_id
from marsad.store.db import Store


def ingest_page(store: Store, pipeline: Pipeline | None = None, *, text: str | None = None, html: str | None = None,
                url: str | None = None, fetched_at: str | None = None) -> tuple[dict[str, Any], bool]:
    """Store and process one page given as text or HTML; returns ``({"article", "story"}, new)``."""
    content = html if html is not None else text or ""
    pid = page_id(content)
    page = Page(pid, url or f"api:{pid}", "html" if html is not None else "text", content, url, fetched_at)
    new = store.add_pages([page]) > 0
    (pipeline or Pipeline(store)).process()
    q = Query(store.conn)
    article = q.article(pid)
    story = q.story(article["story_id"]) if article.get("story_id") else None
    return {"article": article, "story": story}, new
