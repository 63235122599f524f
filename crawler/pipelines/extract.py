"""The extraction stage: a `FetchedPage` in, an `Article` with fields and date candidates out.

In a crawl, pages are extracted in a pool of worker processes (EXTRACTION_WORKERS,
crawler/pipelines/pool.py), off the reactor thread; a page whose worker hangs or dies is dropped and
counted (`extraction/timeout`, `extraction/worker_crashed`) and the crawl goes on. Offline runs
(`PageFlow`) extract in-process through `process_offline`.

Pages that are not news (an aggregator's redirect, a listing, a challenge) are dropped with
`NotNews`, which the incremental skip remembers (crawler/middlewares/incremental.py); pages that
should have been an article and gave none are dropped with `PageFailed`. Both are counted per outlet.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import DropItem

from crawler.extraction import NEWS_TYPES, ExtractionResult, extract_page, rule_miss_fields
from crawler.items import Article, FetchedPage
from crawler.normalize import body_hash, nfc
from crawler.outlets import outlet_for_url
from crawler.pipelines.pool import ExtractionPool, ExtractionTimeout, WorkerCrashed
from crawler.stories.fingerprint import MINHASH_LIBRARY, BodyFingerprint, fingerprint

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.pipelines import Stats

logger = logging.getLogger(__name__)


def count_rule_misses(stats: Stats, article: Article) -> None:
    """`extraction/<outlet>/rule_miss/<field>` per `rule miss:` warning: a redesign shows in the stats."""
    for field in rule_miss_fields(article.extraction.warnings):
        stats.inc_value(f"extraction/{article.outlet}/rule_miss/{field}")


@dataclass(frozen=True)
class WorkerExtraction:
    """`extract_page` and what the stages after it would otherwise do in the reactor thread, the
    crawl's busiest: the story fingerprint of the body (`fingerprint`, for story assignment,
    crawler/pipelines/stories.py) and the raw page compressed as the store keeps it (`pack`).
    Frozen, so the crawlers of a process that ask for the same steps share one pool."""

    fingerprint: bool = True
    pack: bool = True

    def __call__(self, page: FetchedPage) -> ExtractionResult:
        result = extract_page(page)
        article = result.article
        if article is not None and self.fingerprint:
            text = nfc(article.body)  # the body as the normalisation stage leaves it
            article.story_fingerprint = BodyFingerprint(body_hash(text), fingerprint(text))
        if article is not None and article.raw is not None and self.pack:
            article.raw.pack()
        return result


class PageDropped(DropItem):
    """A fetched page that gave no article; `result` says what it was and why."""

    def __init__(self, page: FetchedPage, result: ExtractionResult, log_level: str) -> None:
        super().__init__(f"No article from {page.url}: {result.error}", log_level=log_level)
        self.page = page
        self.result = result


class NotNews(PageDropped):
    """A page that is not a news item (redirect, listing, challenge): remembered, not fetched again."""


class PageFailed(PageDropped):
    """A page that should have been an article (or was broken) and gave none."""


class ExtractionAborted(DropItem):
    """A page whose extraction timed out or whose worker died: counted, logged, the crawl goes on."""


class ExtractPipeline:
    """Runs extraction on every `FetchedPage`; other items pass through."""

    offline = True  # runs without a crawl: `vnnews extract`, `reextract` and archive ingests use it

    def __init__(
        self, stats: Stats, pool: ExtractionPool | None = None, timeout: float | None = None
    ) -> None:
        self.stats = stats
        self.pool = pool  # None: extract in this process (EXTRACTION_WORKERS = 0, offline runs)
        self.timeout = timeout  # seconds a page may take in a worker (None: no limit)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        settings = crawler.settings
        workers = settings.getint("EXTRACTION_WORKERS")
        pool = None
        if workers > 0:  # one pool for every crawler of the process (pool.py)
            queue = settings.getint("EXTRACTION_QUEUE_SIZE")
            steps = WorkerExtraction(
                settings.getbool("STORIES_ENABLED"), settings.getbool("RAW_HTML_ENABLED")
            )
            pool = ExtractionPool.shared(
                workers, queue, steps, (MINHASH_LIBRARY,) if steps.fingerprint else ()
            )
        pipe = cls(crawler.stats, pool, settings.getfloat("EXTRACTION_TIMEOUT"))
        crawler.signals.connect(pipe.close, signal=signals.engine_stopped)
        return pipe

    def close(self) -> None:
        if self.pool is not None:
            self.pool.release()
            self.pool = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedPage):
            return item
        if self.pool is None:
            return self.process_offline(item)
        try:
            result, seconds = await self.pool.extract(item, self.timeout)
        except (ExtractionTimeout, WorkerCrashed) as exc:
            key = "timeout" if isinstance(exc, ExtractionTimeout) else "worker_crashed"
            self.stats.inc_value(f"extraction/{key}")
            self.stats.inc_value(f"outlet/{item.outlet or outlet_for_url(item.url)}/failed")
            logger.error("Extraction of %s failed: %s; the worker was replaced", item.url, exc)
            raise ExtractionAborted(f"No article from {item.url}: {exc}", log_level="ERROR") from exc
        return self._article(item, result, seconds)

    def process_offline(self, item: Any) -> Any:
        """The same stage, synchronous and in this process (`PageFlow`)."""
        if not isinstance(item, FetchedPage):
            return item
        started = time.perf_counter()
        result = extract_page(item)
        return self._article(item, result, time.perf_counter() - started)

    def _article(self, item: FetchedPage, result: ExtractionResult, seconds: float) -> Article:
        self.stats.inc_value("extraction/seconds", seconds, start=0.0)
        self.stats.inc_value("extraction/calls")
        outlet = item.outlet or result.outlet
        if result.article is None or result.page_type not in NEWS_TYPES:
            if result.page_type in NEWS_TYPES or result.page_type == "error":
                self.stats.inc_value(f"outlet/{outlet}/failed/extraction/{result.page_type}")
                self.stats.inc_value(f"outlet/{outlet}/failed")
                raise PageFailed(item, result, "WARNING")
            self.stats.inc_value(f"outlet/{outlet}/not_news/{result.page_type}")
            raise NotNews(item, result, "INFO")
        result.article.outlet = outlet
        count_rule_misses(self.stats, result.article)
        return result.article
