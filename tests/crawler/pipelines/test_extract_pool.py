"""Extraction in worker processes: same articles as in-process, and a page that hangs or kills its
worker fails alone, counted, while the pool replaces the worker and extracts the next page."""

from __future__ import annotations

import asyncio
import os
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

from crawler.extraction import ExtractionResult, extract_page
from crawler.items import FetchedPage, RawPage
from crawler.pipelines import CountingStats, PageFlow
from crawler.pipelines.extract import ExtractionAborted, ExtractPipeline, WorkerExtraction
from crawler.pipelines.pool import ExtractionPool
from crawler.store.schema import page_document, page_html

PAGES = Path(__file__).resolve().parents[3] / "crawler" / "replay" / "pages"
DANTRI = (
    "dantri/hang-nghin-tinh-nguyen-vien-don-rac-bo-b.html",
    "https://dantri.com.vn/xa-hoi/hang-nghin-tinh-nguyen-vien-don-rac-bo-bien-20261017083000789.htm",
)
VIETNAMPLUS = (
    "vietnamplus/ha-noi-mo-them-tuyen-xe-buyt-dien-noi-sa.html",
    "https://www.vietnamplus.vn/ha-noi-mo-them-tuyen-xe-buyt-dien-noi-san-bay-post1200001.vnp",
)
HANG_SECONDS = 120.0
TIME_LIMIT = 10.0  # far above a page's extraction (ms) and a worker's start, far below the hang


def page(file: str, url: str, outlet: str) -> FetchedPage:
    return FetchedPage(
        url=url,
        body=(PAGES / file).read_bytes(),
        fetched_at=datetime(2026, 10, 23, 9, 0, tzinfo=UTC),
        content_type="text/html; charset=utf-8",
        outlet=outlet,
    )


def misbehaving_extract(item: FetchedPage) -> ExtractionResult:
    """Runs in a worker: a page that hangs, a page that kills its process, or a normal extraction."""
    if item.url.endswith("/hang.htm"):
        time.sleep(HANG_SECONDS)
    if item.url.endswith("/crash.htm"):
        os._exit(3)
    return extract_page(item)


def test_pool_gives_the_articles_of_in_process_extraction() -> None:
    pages = [page(*DANTRI, "dantri"), page(*VIETNAMPLUS, "vietnamplus")]

    async def crawl() -> list[object]:
        pipe = ExtractPipeline(CountingStats(), ExtractionPool(2, 4), 60.0)
        try:
            return list(await asyncio.gather(*(pipe.process_item(p) for p in pages)))
        finally:
            pipe.close()

    pooled = asyncio.run(crawl())
    in_process = ExtractPipeline(CountingStats(), None)
    offline = [in_process.process_offline(p) for p in pages]
    assert [a.to_document() for a in pooled] == [a.to_document() for a in offline]  # type: ignore[attr-defined]
    assert offline[0].title and len(offline[0].body) > 100
    article = PageFlow().run(pages[0]).article  # the offline stages, in-process, still work
    assert article is not None and article.body == offline[0].body and article.domain


def test_hanging_and_crashing_pages_fail_alone() -> None:
    good = page(*DANTRI, "dantri")
    hang = FetchedPage(
        url="https://dantri.com.vn/hang.htm", body=b"<html></html>", fetched_at=good.fetched_at
    )
    crash = FetchedPage(
        url="https://dantri.com.vn/crash.htm", body=b"<html></html>", fetched_at=good.fetched_at
    )
    stats = CountingStats()

    async def crawl() -> list[object]:
        pipe = ExtractPipeline(stats, ExtractionPool(1, 2, misbehaving_extract), TIME_LIMIT)
        try:
            outcomes = []
            for item in (good, hang, good, crash, good):  # one worker: each bad page must be replaced
                try:
                    outcomes.append(await pipe.process_item(item))
                except ExtractionAborted as exc:
                    outcomes.append(exc)
            return outcomes
        finally:
            pipe.close()

    started = time.monotonic()
    outcomes = asyncio.run(crawl())
    assert time.monotonic() - started < HANG_SECONDS / 2  # the hang was cut at the time limit
    assert isinstance(outcomes[1], ExtractionAborted) and "ran past" in str(outcomes[1])
    assert isinstance(outcomes[3], ExtractionAborted) and "died" in str(outcomes[3])
    for article in (outcomes[0], outcomes[2], outcomes[4]):
        assert getattr(article, "url", "").startswith("https://dantri.com.vn/xa-hoi/"), article
    assert stats.values["extraction/timeout"] == 1
    assert stats.values["extraction/worker_crashed"] == 1
    assert stats.values["extraction/calls"] == 3


def test_no_workers_extracts_in_process() -> None:
    """EXTRACTION_WORKERS = 0: the stage runs in the reactor thread, as before (tests, debugging)."""
    stats = CountingStats()
    pipe = ExtractPipeline(stats, None)
    article = asyncio.run(pipe.process_item(page(*DANTRI, "dantri")))
    assert article.outlet == "dantri" and stats.values["extraction/calls"] == 1


def test_the_crawlers_of_one_process_share_one_pool() -> None:
    """One crawler per outlet runs in a `vnnews crawl` process: they share one pool of workers, which
    keeps working until the last of them lets it go."""
    first = ExtractionPool.shared(1, 2)
    second = ExtractionPool.shared(1, 2)
    assert first is second
    other = ExtractionPool.shared(2, 2)
    assert other is not first  # another shape is another pool
    other.release()
    first.release()
    result, seconds = asyncio.run(second.extract(page(*DANTRI, "dantri"), 60.0))
    assert result.article is not None and result.article.title and seconds > 0
    second.release()
    again = ExtractionPool.shared(1, 2)
    assert again is not first  # the last release stopped it; a new one starts
    again.release()
    assert not ExtractionPool._shared


def test_a_pool_that_extracted_nothing_never_started_workers() -> None:
    """A crawl that found no page lets go of its pool: no worker was started, none is left."""
    pool = ExtractionPool(1, 2)
    pool.close()
    assert pool._started is None and not pool._pool.active


def test_the_workers_pack_the_raw_page_as_the_store_keeps_it() -> None:
    """A crawl's workers compress the raw page (`WorkerExtraction.pack`), so the reactor thread does
    not; the page comes back with the crawl's own bytes and their compressed copy, which the store's
    page document holds as it would have compressed them itself."""
    sent = page(*DANTRI, "dantri")
    packing = ExtractionPool(1, 2, WorkerExtraction(fingerprint=False, pack=True))
    plain = ExtractionPool(1, 2, WorkerExtraction(fingerprint=False, pack=False))
    try:
        (packed, _), (unpacked, _) = (asyncio.run(p.extract(sent, 60.0)) for p in (packing, plain))
    finally:
        packing.close()
        plain.close()
    assert packed.article is not None and unpacked.article is not None
    raw, bare = packed.article.raw, unpacked.article.raw
    assert raw is not None and bare is not None
    assert raw.body is sent.body and raw.packed is not None and zlib.decompress(raw.packed) == sent.body
    assert bare.packed is None and packed.article.story_fingerprint is None

    def stored(raw: RawPage) -> dict[str, object]:
        return page_document(
            sent.url, "dantri", sent.url, sent.fetched_at, raw.body, encoding=raw.encoding,
            status=raw.status, content_type=raw.content_type, retention_days=0, packed=raw.packed,
        )  # fmt: skip

    assert stored(raw) == stored(bare)  # packed in the worker or by the writer: one document
    assert page_html(stored(raw)) == sent.body
