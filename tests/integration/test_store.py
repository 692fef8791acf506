"""store.db: migrations, idempotent ingests, one transaction per batch, search over normalized text."""

import sqlite3

import pytest

from marsad.dedup.minhash import BandIndex, band_digests, signatures
from marsad.errors import StoreError
from marsad.pipeline import Pipeline
from marsad.store.db import MIGRATIONS, Store

pytestmark = pytest.mark.integration


def _snapshot(db):
    conn = sqlite3.connect(db)
    out = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
           for t in ("pages", "articles", "analyses", "assignments", "stories", "storylines", "shared_paragraphs")}
    out["story_rows"] = sorted(conn.execute("SELECT id, data FROM stories"))
    conn.close()
    return out


def test_schema_is_versioned(tmp_path):
    store = Store(tmp_path / "m.db")
    assert store.schema_version == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    Store(tmp_path / "m.db").close()  # reopening applies nothing twice


def test_not_a_database(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError) as exc:
        Store(bad)
    assert "bad.db" in str(exc.value)


def test_second_digest_changes_nothing(tmp_path, seeds_dir):
    db = tmp_path / "m.db"
    store = Store(db)
    first = Pipeline(store).run([str(seeds_dir)])
    before = _snapshot(db)
    second = Pipeline(store).run([str(seeds_dir)])
    assert first.new_pages == 5 and second.new_pages == 0 and second.known_pages == 5
    assert _snapshot(db) == before


def test_search_matches_spelling_variants(tmp_path, seeds_dir):
    store = Store(tmp_path / "m.db")
    Pipeline(store).run([str(seeds_dir)])
    with_ta = {r[0] for r in store.search("قرة باغ")}
    with_ha = {r[0] for r in store.search("قره باغ")}
    assert with_ta and with_ta == with_ha
    assert store.search("إقليم") == store.search("اقليم")
    assert store.search("الشرع") == []  # foreign read-also text is not indexed


def test_failed_batch_leaves_nothing(tmp_path):
    store = Store(tmp_path / "m.db")
    from marsad.model import Page

    good = Page("a" * 16, "x.txt", "text", "نص")
    with pytest.raises(RuntimeError):
        with store.batch():
            store.add_pages([good])
            raise RuntimeError("crash mid-batch")
    assert store.count("pages") == 0


def test_migration_from_first_schema_keeps_and_reindexes(tmp_path, seeds_dir):
    """A database written with schema 1 opens with the current schema and its search still finds the articles."""
    db = tmp_path / "old.db"
    store = Store(db)
    Pipeline(store).run([str(seeds_dir)])
    n_articles = store.count("articles")
    # schema 4 kept the bands in a text-keyed table: write them that way
    old_bands = []
    for art in store.articles():
        sigs = signatures(art.paragraphs)
        old_bands += [("doc", b, d, art.id) for b, d in enumerate(band_digests(sigs.doc, "doc"))]
        old_bands += [("para", b, d, f"{art.id}:{pi}") for pi, sig in sigs.paragraphs
                      for b, d in enumerate(band_digests(sig, "para"))]
    n_bands = store.count("lsh_bands")
    store.close()
    conn = sqlite3.connect(db)  # take the file back to schema 1's search table
    conn.executescript("DROP TABLE lsh_bands; CREATE TABLE minhash_bands (level TEXT NOT NULL, band INTEGER NOT NULL,"
                       " key TEXT NOT NULL, item TEXT NOT NULL);")
    conn.executemany("INSERT INTO minhash_bands VALUES (?,?,?,?)", old_bands)
    some_article = conn.execute("SELECT id FROM articles ORDER BY seq LIMIT 1").fetchone()[0]
    conn.execute("DELETE FROM assignments WHERE article_id=?", (some_article,))
    conn.commit()
    conn.executescript("DROP TABLE pending; DROP INDEX story_state_dirty;"
                       "DROP TABLE articles_fts; DROP INDEX stories_storyline; DROP INDEX story_terms_ranked;"
                       "DROP INDEX storyline_terms_ranked; ALTER TABLE stories DROP COLUMN view;"
                       "CREATE INDEX story_terms_term ON story_terms(term);"
                       "CREATE INDEX storyline_terms_term ON storyline_terms(term);"
                       "CREATE VIRTUAL TABLE articles_fts USING fts5(article_id UNINDEXED, title, body);"
                       "PRAGMA user_version = 1;")
    conn.close()
    store = Store(db)
    assert store.schema_version == len(MIGRATIONS) and store.count("articles") == n_articles
    # the work queues are rebuilt from what the old file holds: only the unassigned article is pending
    assert store.unassigned_articles() == [some_article]
    assert store.unanalysed_articles() == [] and store.pending_pages() == []
    assert store.search("قره باغ")
    assert all(v.title for line in store.storylines() for v in store.story_views(line.id))
    # the bands moved over and still find every article's copy of itself
    assert store.count("lsh_bands") == n_bands == len(old_bands)
    assert not store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'minhash_bands'").fetchone()
    bands = BandIndex(store.bands)
    for art in store.articles():
        assert bands.ranked_candidates("doc", signatures(art.paragraphs).doc, 1) == [art.id]


def test_paragraph_bands_are_rebuilt_in_the_new_layout(tmp_path, seeds_dir):
    """Schema 6 held paragraph bands of another layout: opening the file recomputes them from the articles."""
    import hashlib

    db = tmp_path / "m.db"
    store = Store(db)
    Pipeline(store).run([str(seeds_dir)])
    para_rows = store.conn.execute("SELECT count(*) FROM lsh_bands WHERE item LIKE '%:%'").fetchone()[0]
    doc_rows = store.count("lsh_bands") - para_rows
    store.close()
    conn = sqlite3.connect(db)
    old = [(int.from_bytes(hashlib.blake2b(f"{b}{item}".encode(), digest_size=8).digest(), "big", signed=True), item)
           for (item,) in conn.execute("SELECT DISTINCT item FROM lsh_bands WHERE item LIKE '%:%'") for b in range(42)]
    conn.execute("DELETE FROM lsh_bands WHERE item LIKE '%:%'")
    conn.executemany("INSERT OR IGNORE INTO lsh_bands VALUES (?,?)", old)
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    conn.close()
    store = Store(db)
    assert store.schema_version == len(MIGRATIONS)
    assert store.count("pending") == 0
    c = store.conn
    assert c.execute("SELECT count(*) FROM lsh_bands WHERE item LIKE '%:%'").fetchone()[0] == para_rows > 0
    assert store.count("lsh_bands") == doc_rows + para_rows
    bands = BandIndex(store.bands)
    for art in store.articles():
        for pi, sig in signatures(art.paragraphs).paragraphs:
            assert f"{art.id}:{pi}" in bands.ranked_candidates("para", sig, 3)


def test_warm_up_loads_the_models_and_writes_nothing(tmp_path):
    from marsad.analyze import ner

    store = Store(tmp_path / "m.db")
    ner._shipped.cache_clear()
    Pipeline(store).warm_up()
    assert ner._shipped.cache_info().currsize == 1
    assert all(store.count(t) == 0 for t in ("pages", "articles", "analyses", "assignments", "pending"))


def test_checkpoint_moves_the_log_into_the_file_between_updates(tmp_path, seeds_dir):
    """Commits leave the log alone; `checkpoint` copies it into the database file on its own."""
    import shutil

    def pages_in_file_alone(name: str) -> int:
        copy = tmp_path / name  # the database file without its log
        shutil.copy(tmp_path / "m.db", copy)
        alone = Store(copy)
        n = alone.count("pages")
        alone.close()
        return n

    store = Store(tmp_path / "m.db")
    Pipeline(store).ingest([str(seeds_dir)])
    assert store._wal_bytes() > 0 and pages_in_file_alone("a.db") == 0
    assert not store.checkpoint(min_bytes=1 << 40)
    full_log = store._wal_bytes()
    assert store.checkpoint()
    assert pages_in_file_alone("b.db") == store.count("pages") == 5
    # the emptied log is cut back at the next write: a small update does not look like a full log
    store.record_error("x", "y")
    assert 0 < store._wal_bytes() < full_log and not store.checkpoint(min_bytes=full_log)


def test_warm_up_on_a_filled_store_only_reads(tmp_path, seeds_dir):
    """Warming up a store that holds stories runs the lookups a new page makes and changes nothing."""
    store = Store(tmp_path / "m.db")
    Pipeline(store).run([str(seeds_dir)])
    before = store.conn.total_changes
    Pipeline(store).warm_up()
    assert store.conn.total_changes == before


def test_posting_lookups_read_only_the_index(tmp_path):
    """A term's strongest postings come from the covering index, not from one table row each."""
    store = Store(tmp_path / "m.db")
    for table, key in (("story_terms", "story_id"), ("storyline_terms", "storyline_id")):
        plan = " ".join(r[3] for r in store.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT {key}, weight FROM {table} WHERE term = 'x' ORDER BY weight DESC LIMIT 80"))
        assert "COVERING INDEX" in plan and "TEMP B-TREE" not in plan
