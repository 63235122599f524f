"""The archive spider: WARC files and saved pages go through the same stages as a crawl.

`start()` yields a `crawler.items.FetchedPage` per HTML response of the archives (no requests), so
Scrapy runs the one list of ITEM_PIPELINES on them exactly as on crawled pages: extract → dates →
window → normalise → stories → the MongoDB writer (raw page kept). What a crawl does before a page is
fetched (robots.txt, politeness, the incremental skip of stored URLs, the page budget) does not apply;
this spider does its own admission instead, each refusal counted as `ingest/skipped/<reason>`:

- records that are not HTML pages (revisit, request, metadata, images, non-2xx, broken HTTP, truncated,
  corrupt) come as reasons from crawler/archives;
- pages that cannot be decoded (`undecodable`) or are not Vietnamese (`not_vietnamese`, with lang=vi);
- the same URL again in this run (`repeated_url`: the first capture wins, as a crawl's first sighting);
- URLs stored from a fetch at least as recent as the capture (`stored`, ARCHIVE_SKIP_STORED): a second
  ingest of an archive adds nothing, and an old capture never overwrites a newer crawl.

At most ARCHIVE_MAX_IN_FLIGHT pages are in the stages at once, so memory stays bounded and the
extraction stage always has work for its processes. Arguments (`-a name=value`): paths (separated by
os.pathsep), url_from, lang, since, until; in-process callers may pass `progress` (anything with
`advance(**counts)`, e.g. crawler.commands.common.Progress).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import scrapy
from pymongo.errors import PyMongoError
from scrapy import signals

from crawler.archives import Skipped, UrlFrom, is_vietnamese, outlet_id, read_paths
from crawler.extraction.decoding import DecodeError, decode_html
from crawler.normalize import canonical_url
from crawler.store.connection import get_database
from spiders.base import parse_bound

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.items import FetchedPage

logger = logging.getLogger(__name__)

# Records read between two chances for the reactor to run (progress, writes) while nothing is yielded.
RECORDS_PER_PAUSE = 100
# What the progress display shows, from which stats; the first one's rate is shown (records/s).
PROGRESS = {
    "records read": ("ingest/records",),
    "pages": ("ingest/pages",),
    "stored": ("mongo/new", "mongo/updated"),
    "duplicates": ("mongo/duplicate",),
    "skipped": ("ingest/skipped/",),
}


class ArchiveSpider(scrapy.Spider):
    """Ingest WARC files, `.warc.gz` files and saved `.html` pages (and folders of them)."""

    name = "archive"
    # read from the settings in from_crawler
    url_from: UrlFrom
    lang: str
    max_in_flight: int
    skip_stored: bool
    batch_size: int
    report_every: float
    max_size: int
    articles: str

    def __init__(
        self,
        name: str | None = None,
        *,
        paths: str | Iterable[str | Path] = (),
        url_from: str | None = None,
        lang: str | None = None,
        since: str | None = None,
        until: str | None = None,
        progress: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, **kwargs)
        items = paths.split(os.pathsep) if isinstance(paths, str) else list(paths)
        self.paths = [Path(p) for p in items if str(p)]
        if not self.paths:
            raise ValueError("give the archives: -a paths=FILE_OR_FOLDER[:…]")
        missing = [str(p) for p in self.paths if not p.exists()]
        if missing:
            raise ValueError(f"no such file or folder: {', '.join(missing)}")
        self.url_from_arg = url_from
        self.lang_arg = lang
        self.since = parse_bound(since)
        self.until = parse_bound(until, end_of_day=True)
        self.progress = progress
        self._seen: set[str] = set()  # canonical URLs of this run (bounded by the run)
        self._in_flight = 0
        self._room = asyncio.Event()
        self._reported: Counter[str] = Counter()
        self._last_report = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.url_from = UrlFrom.parse(spider.url_from_arg or settings.get("ARCHIVE_URL_FROM"))
        spider.lang = (spider.lang_arg or settings.get("ARCHIVE_LANGUAGE")).lower()
        spider.max_in_flight = settings.getint("ARCHIVE_MAX_IN_FLIGHT")
        spider.skip_stored = settings.getbool("ARCHIVE_SKIP_STORED")
        spider.batch_size = settings.getint("ARCHIVE_BATCH_SIZE")
        spider.report_every = settings.getfloat("ARCHIVE_PROGRESS_INTERVAL")
        spider.max_size = settings.getint("DOWNLOAD_MAXSIZE")
        spider.articles = settings.get("MONGODB_ARTICLES_COLLECTION")
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_done, signal=signal)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    # -- stats and progress -------------------------------------------------------------------------

    def count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(key, n)

    def skip(self, reason: str) -> None:
        self.count(f"ingest/skipped/{reason}")

    def _item_done(self, item: Any, **_: Any) -> None:
        self._in_flight -= 1
        self._room.set()
        self._report()

    def _closed(self, spider: scrapy.Spider) -> None:
        self._report(force=True)

    def _report(self, *, force: bool = False) -> None:
        """Hand the progress display what changed since the last report."""
        if self.progress is None or (not force and time.monotonic() - self._last_report < self.report_every):
            return
        self._last_report = time.monotonic()
        now = progress_counts(self.crawler.stats.get_stats())
        self.progress.advance(**{k: now[k] - self._reported[k] for k in PROGRESS})
        self._reported = now

    def in_window(self, when: datetime | None) -> bool:
        """The WindowPipeline asks this: articles published outside -a since/until are dropped."""
        if when is None:
            return True
        if self.since is not None and when < self.since:
            return False
        return not (self.until is not None and when > self.until)

    # -- the records --------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        batch: list[tuple[str, FetchedPage]] = []
        for number, record in enumerate(read_paths(self.paths, self.url_from, self.max_size), 1):
            self.count("ingest/records")
            admitted = self._admit(record)
            if admitted is not None:
                batch.append(admitted)
            if len(batch) >= self.batch_size:
                async for page in self._release(batch):
                    yield page
                batch = []
            elif number % RECORDS_PER_PAUSE == 0:
                await asyncio.sleep(0)
                self._report()
        async for page in self._release(batch):
            yield page
        await self._drained()

    async def _drained(self) -> None:
        """Wait for the last pages: the engine then sees the end of start() with nothing in the stages
        and closes at once, instead of at its next idle check (seconds later)."""
        while self._in_flight > 0:
            self._room.clear()
            await self._room.wait()

    def _admit(self, record: FetchedPage | Skipped) -> tuple[str, FetchedPage] | None:
        """The page and its canonical URL, or None when it is skipped (and counted)."""
        if isinstance(record, Skipped):
            self.skip(record.reason)
            return None
        try:
            key = canonical_url(record.url)
        except ValueError:
            self.skip("bad_url")
            return None
        if key in self._seen:
            self.skip("repeated_url")
            return None
        try:
            text = decode_html(record.body, record.encoding).text
        except DecodeError:
            self.skip("undecodable")
            return None
        if self.lang == "vi" and not is_vietnamese(text):
            self.skip("not_vietnamese")
            return None
        self._seen.add(key)
        record.outlet = outlet_id(record.url)
        return key, record

    async def _release(self, batch: list[tuple[str, FetchedPage]]) -> AsyncIterator[FetchedPage]:
        """The batch's pages that are not stored already, as fast as the stages take them."""
        stored = await self._stored_as_recent(batch)
        for key, page in batch:
            if key in stored:
                self.skip("stored")
                continue
            while self._in_flight >= self.max_in_flight:
                self._room.clear()
                await self._room.wait()
            self._in_flight += 1
            self.count("ingest/pages")
            self.count(f"outlet/{page.outlet}/fetched")
            yield page

    async def _stored_as_recent(self, batch: list[tuple[str, FetchedPage]]) -> set[str]:
        """Canonical URLs of the batch stored from a fetch at least as recent as the capture."""
        if not self.skip_stored or not batch:
            return set()
        captured = {key: page.fetched_at for key, page in batch}
        try:
            coll = get_database(self.crawler)[self.articles]
            cursor = coll.find({"_id": {"$in": list(captured)}}, {"fetched_at": 1})
            stored = {doc["_id"]: doc.get("fetched_at") async for doc in cursor}
        except PyMongoError as exc:
            logger.warning("Cannot ask the store which URLs it holds (%s); ingesting all of them", exc)
            self.skip_stored = False  # asked again, every batch would wait for the timeout
            return set()
        return {key for key, when in stored.items() if when is not None and _aware(when) >= captured[key]}


def progress_counts(stats: dict[str, Any]) -> Counter[str]:
    """The progress display's counts from a crawl's stats (PROGRESS says which)."""
    counts: Counter[str] = Counter({name: 0 for name in PROGRESS})
    for key, value in stats.items():
        for name, keys in PROGRESS.items():
            if any(key == k or (k.endswith("/") and key.startswith(k)) for k in keys):
                counts[name] += int(value)
    return counts


def skipped_reasons(stats: dict[str, Any]) -> dict[str, int]:
    """{reason: count} of the records an ingest skipped."""
    prefix = "ingest/skipped/"
    return dict(sorted((k[len(prefix) :], int(v)) for k, v in stats.items() if k.startswith(prefix)))


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


__all__ = ["ArchiveSpider", "progress_counts", "skipped_reasons"]
