"""The article store against a real MongoDB-protocol server over TCP (SecantusDB, or $MONGODB_URI)."""

from __future__ import annotations

import asyncio
import dataclasses
import zlib
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pymongo
import pytest
from pymongo import AsyncMongoClient

from crawler.items import RawPage
from crawler.normalize import normalize_article
from crawler.store.schema import describe_validation_error, insert_article, page_html, upsert_article
from exporters.mongo.writer import ArticleWriter, ensure_articles_collection
from tests.factories import make_article


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _store(uri: str, db_name: str, spool: Path, batches: list[list], **kwargs) -> Counter:
    """Write batches of articles through one writer, flushing after each batch."""
    stats: Counter = Counter()
    client = AsyncMongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=2000)
    try:
        writer = ArticleWriter(client[db_name], spool, stats_inc=lambda k, n: stats.update({k: n}), **kwargs)
        for batch in batches:
            for article, seen_at in batch:
                writer.add(article, seen_at)
            await writer.flush()
    finally:
        await client.close()
    return stats


def test_same_article_twice_is_one_document(mongo_server, mongo_db, tmp_path):
    article = make_article()
    t1 = datetime(2026, 7, 16, 12, 0, tzinfo=UTC)
    t2 = t1 + timedelta(hours=3)
    stats1 = run(_store(mongo_server, mongo_db.name, tmp_path, [[(article, t1)]]))
    stats2 = run(_store(mongo_server, mongo_db.name, tmp_path, [[(make_article(), t2)]]))

    assert mongo_db.articles.count_documents({}) == 1
    doc = mongo_db.articles.find_one()
    assert doc["_id"] == "https://baotintuc.vn/thoi-su/tin-thu-nghiem-1.htm"
    assert doc["revision"] == 1
    assert doc["first_seen_at"] == t1
    assert doc["last_seen_at"] == t2
    assert doc["previous_content_hashes"] == []
    assert stats1["mongo/new"] == 1 and stats2["mongo/unchanged"] == 1
    assert stats2["outlet/baotintuc/unchanged"] == 1


def test_changed_content_makes_revision_two_and_keeps_old_hash(mongo_server, mongo_db, tmp_path):
    first = make_article()
    changed = make_article(body=first.body + "\nĐoạn bổ sung sau khi bài được cập nhật.")
    t1 = datetime(2026, 7, 16, 12, 0, tzinfo=UTC)
    run(_store(mongo_server, mongo_db.name, tmp_path, [[(first, t1)]]))
    stats = run(_store(mongo_server, mongo_db.name, tmp_path, [[(changed, t1 + timedelta(hours=1))]]))

    doc = mongo_db.articles.find_one()
    assert mongo_db.articles.count_documents({}) == 1
    assert doc["revision"] == 2
    assert doc["previous_content_hashes"] == [first.content_hash]
    assert doc["content_hash"] == changed.content_hash != first.content_hash
    assert doc["body"].endswith("Đoạn bổ sung sau khi bài được cập nhật.")
    assert doc["first_seen_at"] == t1
    assert stats["mongo/updated"] == 1


def test_the_insert_of_a_new_url_stores_what_the_upsert_stores(mongo_db):
    """A new URL is written as a plain insert; the document is the pipeline upsert's."""
    doc = normalize_article(make_article(story_id="st_1")).to_document()
    seen = datetime(2026, 7, 16, 12, 0, tzinfo=UTC)
    mongo_db.inserted.bulk_write([insert_article(doc, seen, "https://baotintuc.vn/goc.htm")])
    mongo_db.upserted.bulk_write([upsert_article(doc, seen, "https://baotintuc.vn/goc.htm")])
    inserted, upserted = mongo_db.inserted.find_one(), mongo_db.upserted.find_one()
    assert inserted == upserted
    assert list(inserted) == list(upserted)  # the same fields in the same order
    assert inserted["revision"] == 1 and inserted["story_id"] == "st_1"


def test_an_url_stored_by_another_writer_meanwhile_is_compared_not_lost(
    mongo_server, mongo_db, tmp_path, monkeypatch
):
    """The writer read the store before another writer stored the URL: its insert fails on the
    unique `_id`, and the URL then gets the comparing upsert, so the new content still lands (its
    raw page too)."""
    first = make_article()
    changed = make_article(
        body=first.body + "\nĐoạn bổ sung sau khi bài được cập nhật.",
        raw=RawPage(body=b"<html><body><p>trang sau</p></body></html>", encoding="utf-8"),
    )
    t1 = datetime(2026, 7, 16, 12, 0, tzinfo=UTC)
    run(_store(mongo_server, mongo_db.name, tmp_path, [[(first, t1)]]))
    monkeypatch.setattr("exporters.mongo.writer._inserts", lambda entry, stored: True)  # a stale read
    stats = run(_store(mongo_server, mongo_db.name, tmp_path, [[(changed, t1 + timedelta(hours=1))]]))

    doc = mongo_db.articles.find_one()
    assert mongo_db.articles.count_documents({}) == 1
    assert doc["revision"] == 2
    assert doc["previous_content_hashes"] == [first.content_hash]
    assert doc["content_hash"] == changed.content_hash
    assert doc["last_seen_at"] == t1 + timedelta(hours=1)
    assert page_html(mongo_db.pages.find_one({"_id": first.url})) == changed.raw.body
    assert "mongo/spooled" not in stats


def test_text_starting_with_dollar_is_stored_verbatim(mongo_server, mongo_db, tmp_path):
    article = make_article(title="$content_hash không phải là đường dẫn trường")
    run(_store(mongo_server, mongo_db.name, tmp_path, [[(article, None)]]))
    assert mongo_db.articles.find_one()["title"] == "$content_hash không phải là đường dẫn trường"


def test_same_text_at_two_urls_is_linked_not_a_new_story(mongo_server, mongo_db, tmp_path):
    a = make_article("https://baotintuc.vn/a-1.htm")
    b = make_article("https://baotintuc.vn/mobile/a-1-copy.htm", title="Tiêu đề khác cho cùng bài")
    stats = run(_store(mongo_server, mongo_db.name, tmp_path, [[(a, None)], [(b, None)]]))
    assert mongo_db.articles.find_one({"_id": b.url})["duplicate_of"] == a.url
    assert mongo_db.articles.find_one({"_id": a.url})["duplicate_of"] is None
    assert stats["mongo/duplicate"] == 1


def test_unique_key_holds_under_two_concurrent_writers(mongo_server, mongo_db, tmp_path):
    articles = [make_article(f"https://vnexpress.net/bai-{i}.html", outlet="vnexpress") for i in range(60)]

    async def writer(spool: Path) -> None:
        client = AsyncMongoClient(mongo_server, tz_aware=True)
        try:
            w = ArticleWriter(client[mongo_db.name], spool, buffer_size=10_000)
            for article in articles:
                w.add(dataclasses.replace(article), None)
            await w.flush()
        finally:
            await client.close()

    async def both() -> None:
        await asyncio.gather(writer(tmp_path / "a"), writer(tmp_path / "b"))

    run(both())
    assert mongo_db.articles.count_documents({}) == 60
    assert set(mongo_db.articles.distinct("revision")) == {1}
    with pytest.raises(pymongo.errors.DuplicateKeyError):
        mongo_db.articles.insert_one(mongo_db.articles.find_one())
    assert not list((tmp_path / "a" / "pending").glob("*.jsonl"))
    assert not list((tmp_path / "b" / "pending").glob("*.jsonl"))


def test_validator_rejects_malformed_document_with_clear_message(mongo_server, mongo_db, tmp_path, caplog):
    bad = make_article("https://baotintuc.vn/khong-tieu-de.htm")
    bad.title = ""  # extraction bug: no title
    good = make_article("https://baotintuc.vn/co-tieu-de.htm")
    stats = run(_store(mongo_server, mongo_db.name, tmp_path, [[(bad, None), (good, None)]]))

    assert mongo_db.articles.count_documents({}) == 1
    assert stats["mongo/invalid"] == 1 and stats["mongo/new"] == 1
    messages = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("khong-tieu-de" in m and "title" in m and "length" in m for m in messages), messages
    rejected = list((tmp_path / "rejected").glob("*.jsonl"))
    assert len(rejected) == 1 and "khong-tieu-de" in rejected[0].read_text()

    # Writes that bypass the pipeline are refused by the server too.
    doc = good.to_document() | {"_id": "https://baotintuc.vn/x.htm", "word_count": "nhiều"}
    with pytest.raises(pymongo.errors.BulkWriteError) as excinfo:
        mongo_db.articles.bulk_write([upsert_article(doc, datetime.now(UTC))])
    assert excinfo.value.details["writeErrors"][0]["code"] == 121
    assert "word_count" in describe_validation_error(excinfo.value.details["writeErrors"][0])


def test_raw_html_is_kept_compressed(mongo_server, mongo_db, tmp_path):
    article = make_article()
    run(_store(mongo_server, mongo_db.name, tmp_path, [[(article, None)]]))
    page = mongo_db.pages.find_one({"_id": article.url})
    assert page_html(page) == article.raw.body
    assert zlib.decompress(page["html"]) == article.raw.body
    assert page["expire_at"] is None


def test_indexes_serve_consumer_queries(mongo_server, mongo_db, tmp_path):
    run(_store(mongo_server, mongo_db.name, tmp_path, [[(make_article(), None)]]))
    keys = {tuple(i["key"].items()) for i in mongo_db.articles.list_indexes()}
    assert (("published_at", -1),) in keys
    assert (("outlet", 1), ("published_at", -1)) in keys
    assert (("story_id", 1), ("published_at", 1)) in keys
    assert (("content_hash", 1),) in keys


def test_server_stopped_mid_run_spools_and_stores_every_item_once(stoppable_server, mongo_db_name, tmp_path):
    articles = [make_article(f"https://vietnamplus.vn/tin-{i}.vnp", outlet="vietnamplus") for i in range(30)]
    stats: Counter = Counter()

    async def crawl() -> None:
        client = AsyncMongoClient(stoppable_server.uri, tz_aware=True, serverSelectionTimeoutMS=1000)
        writer = ArticleWriter(
            client[mongo_db_name],
            tmp_path / "spool",
            retry_after=0.0,
            stats_inc=lambda k, n: stats.update({k: n}),
        )
        try:
            for article in articles[:10]:
                writer.add(article)
            await writer.flush()  # stored
            stoppable_server.stop()
            for article in articles[5:20]:  # five of them again, while the server is down
                writer.add(article)
            await writer.flush()  # spooled, the crawl goes on
            assert stats["mongo/spooled"] == 15
            stoppable_server.start()
            for article in articles[20:]:
                writer.add(article)
            await writer.flush()  # spool drained, then the new batch
        finally:
            await client.close()

    run(crawl())
    with pymongo.MongoClient(stoppable_server.uri) as client:
        coll = client[mongo_db_name].articles
        assert coll.count_documents({}) == 30
        assert sorted(coll.distinct("_id")) == sorted(a.url for a in articles)
        assert set(coll.distinct("revision")) == {1}
    assert stats["mongo/unspooled"] == 15
    assert not list((tmp_path / "spool" / "pending").glob("*.jsonl"))


def test_spool_left_by_a_killed_run_is_written_by_the_next(mongo_server, mongo_db, tmp_path):
    async def down_then_up() -> None:
        dead = AsyncMongoClient("mongodb://127.0.0.1:9/?directConnection=true", serverSelectionTimeoutMS=300)
        writer = ArticleWriter(dead[mongo_db.name], tmp_path)
        writer.add(make_article())
        await writer.flush()
        await dead.close()

    run(down_then_up())
    assert len(list((tmp_path / "pending").glob("*.jsonl"))) == 1
    stats = run(_store(mongo_server, mongo_db.name, tmp_path, [[]]))
    assert mongo_db.articles.count_documents({}) == 1
    assert stats["mongo/unspooled"] == 1


def test_flush_cancelled_mid_write_spools_the_batch(mongo_server, mongo_db, tmp_path):
    """A crawl killed while a batch is being written keeps that batch for the next run."""
    articles = [make_article(f"https://baotintuc.vn/thoi-su/tin-huy-{i}.htm") for i in range(5)]

    async def cancel_mid_write() -> None:
        client = AsyncMongoClient(mongo_server, tz_aware=True)
        try:
            writer = ArticleWriter(client[mongo_db.name], tmp_path)
            await writer.flush()  # collection ready, so the cancel lands inside the batch write
            writing = asyncio.Event()

            async def stalled_write(entries: list) -> None:  # a server that does not answer
                writing.set()
                await asyncio.Event().wait()

            writer._write = stalled_write  # type: ignore[method-assign]
            for article in articles:
                writer.add(article)
            flush = asyncio.create_task(writer.flush())
            await writing.wait()
            flush.cancel()
            with pytest.raises(asyncio.CancelledError):
                await flush
        finally:
            await client.close()

    run(cancel_mid_write())
    assert len(list((tmp_path / "pending").glob("*.jsonl"))) == 1
    stats = run(_store(mongo_server, mongo_db.name, tmp_path, [[]]))
    assert stats["mongo/unspooled"] == 5
    assert sorted(mongo_db.articles.distinct("_id")) == sorted(a.url for a in articles)


def test_ensure_collection_is_idempotent(mongo_server, mongo_db):
    async def twice() -> None:
        client = AsyncMongoClient(mongo_server)
        try:
            await ensure_articles_collection(client[mongo_db.name])
            await ensure_articles_collection(client[mongo_db.name])
        finally:
            await client.close()

    run(twice())
    assert "articles" in mongo_db.list_collection_names()


def test_normalisation_is_idempotent():
    article = make_article(title="Thành phố họp ba\u0300n")  # decomposed tone mark
    assert article.title == "Thành phố họp bàn"
    before = article.content_hash
    assert normalize_article(article).content_hash == before
