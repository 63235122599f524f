"""Extraction in worker processes, so the reactor thread only fetches and the cores all extract.

Built on pebble's ProcessPool rather than concurrent.futures: a ProcessPoolExecutor whose worker dies
is broken for good (every later page fails with BrokenProcessPool), and it has no per-task time
limit. pebble kills a worker that runs past the limit, or notices one that crashed, fails only that
page (TimeoutError, ProcessExpired) and starts a new worker in its place. Workers are started with
`forkserver`: the crawl's process has threads (pymongo's), which a plain fork would copy mid-lock;
the fork server has the extraction imported, so a replacement worker starts in milliseconds.

The fork server is started as soon as the pool is built, so it imports the extraction (a second or
more) while the crawls start and fetch their feeds. pebble starts its workers on the first task, and
starting them waits for those imports: the first page starts them in a thread and awaits that, so
the reactor never blocks on it. A crawl that extracts nothing starts no worker.

A new worker extracts one small built-in page before it takes any (`_warm_up`): the first extraction
in a process loads dateparser's and trafilatura's data, which takes seconds on a loaded machine, and
pebble's clock for a page starts when a worker takes it, so that load never counts against a page.

One pool serves a whole process (`ExtractionPool.shared`): a `vnnews crawl` runs one Scrapy crawler per
outlet in one process, and a pool each would start workers × outlets processes on a machine with
`workers` cores. The crawlers share it, and the last one to stop stops it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.forkserver
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from typing import ClassVar

from pebble import ProcessExpired, ProcessPool

from crawler.extraction import ExtractionResult, extract_page
from crawler.items import FetchedPage

logger = logging.getLogger(__name__)

Extract = Callable[[FetchedPage], ExtractionResult]
_PRELOAD = "crawler.extraction"
_WARM_UP_PAGE = FetchedPage(
    url="https://vnnews.invalid/warm-up.html",
    body=(
        "<html lang='vi'><head><title>Khởi động</title>"
        "<meta property='article:published_time' content='2026-01-02T08:30:00+07:00'></head>"
        "<body><article><h1>Khởi động bộ trích xuất</h1><p class='date'>Thứ sáu, 02/01/2026 08:30 (GMT+7)</p>"
        + "<p>Đoạn văn thứ nhất của bài viết khởi động, đủ dài để được coi là nội dung chính.</p>" * 6
        + "</article></body></html>"
    ).encode(),
    fetched_at=datetime(2026, 1, 2, 2, 0, tzinfo=UTC),
    content_type="text/html; charset=utf-8",
)


class ExtractionTimeout(Exception):
    """A page ran past the per-page time limit; its worker was killed and replaced."""


class WorkerCrashed(Exception):
    """The worker extracting a page died (a segfault in a parser, the OOM killer); it was replaced."""


def _warm_up(function: Extract) -> None:
    """Runs in each new worker before its first page (see the module docstring)."""
    try:
        function(_WARM_UP_PAGE)
    except Exception:  # a warm-up that fails costs only the warm-up; the page will say what is wrong
        logger.exception("Extraction worker warm-up failed")


def _nothing() -> None:
    """The task that starts the pool (`ExtractionPool._start`)."""


def _timed(function: Extract, page: FetchedPage) -> tuple[ExtractionResult, float]:
    """Runs in a worker: the result and the seconds the extraction itself took (not the queue wait).

    The article's raw page is the page the worker was sent: it goes back without its bytes, which the
    crawl's process still holds (`ExtractionPool.extract` puts them back), so only the fields travel.
    """
    started = time.perf_counter()
    result = function(page)
    raw = result.article.raw if result.article is not None else None
    if raw is not None and raw.body is page.body:
        raw.body = b""
    return result, time.perf_counter() - started


class ExtractionPool:
    """`workers` processes; at most `queue_size` pages handed to them at once (memory stays flat).

    `preload`: modules the workers' fork server imports besides the extraction (what `function`
    imports only when it first runs)."""

    _shared: ClassVar[dict[tuple[int, int, Extract], tuple[ExtractionPool, int]]] = {}

    def __init__(
        self, workers: int, queue_size: int, function: Extract = extract_page, preload: Sequence[str] = ()
    ) -> None:
        self.function = function
        self._slots = asyncio.Semaphore(max(queue_size, workers))
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([_PRELOAD, function.__module__, *preload])
        multiprocessing.forkserver.ensure_running()  # returns at once; the server imports meanwhile
        self._pool = ProcessPool(
            max_workers=workers, context=context, initializer=_warm_up, initargs=(function,)
        )
        self._started: Future[None] | None = None  # the workers' start, begun by the first page

    def _start(self) -> Future[None]:
        """The workers' start, begun in a thread on the first call (see the module docstring)."""
        if self._started is None:
            started = self._started = Future()

            def start() -> None:
                try:
                    self._pool.schedule(_nothing)  # pebble starts its workers on the first task
                except BaseException as exc:  # every page raises it
                    started.set_exception(exc)
                else:
                    started.set_result(None)

            threading.Thread(target=start, name="extraction-pool-start", daemon=True).start()
        return self._started

    @classmethod
    def shared(
        cls, workers: int, queue_size: int, function: Extract = extract_page, preload: Sequence[str] = ()
    ) -> ExtractionPool:
        """The process's pool of this shape, started when first asked for; give it back with `release`."""
        key = (workers, queue_size, function)
        pool, users = cls._shared.get(key) or (cls(workers, queue_size, function, preload), 0)
        cls._shared[key] = (pool, users + 1)
        return pool

    def release(self) -> None:
        """One user of a shared pool is done; the last one stops it (a pool of its own: stopped now)."""
        for key, (pool, users) in list(self._shared.items()):
            if pool is self:
                if users > 1:
                    self._shared[key] = (pool, users - 1)
                    return
                del self._shared[key]
        self.close()

    async def extract(self, page: FetchedPage, timeout: float | None) -> tuple[ExtractionResult, float]:
        """The page's extraction result and its seconds in the worker, or ExtractionTimeout (past
        `timeout` seconds; None: no limit) / WorkerCrashed."""
        started = self._start()
        if not started.done():
            await asyncio.wrap_future(started)
        started.result()  # a pool that could not start fails every page with why
        async with self._slots:
            future = self._pool.schedule(_timed, args=(self.function, page), timeout=timeout)
            try:
                result, seconds = await asyncio.wrap_future(future)
            except FutureTimeout as exc:
                raise ExtractionTimeout(f"extraction ran past {timeout or 0:g} s") from exc
            except ProcessExpired as exc:
                raise WorkerCrashed(f"extraction worker died (exit code {exc.exitcode})") from exc
            except asyncio.CancelledError:
                future.cancel()  # type: ignore[no-untyped-call]  # pebble's methods are unannotated
                raise
        raw = result.article.raw if result.article is not None else None
        if raw is not None and not raw.body:  # sent back without the page's bytes (`_timed`)
            raw.body = page.body
        return result, seconds

    def close(self) -> None:
        """Stop the workers; the crawls awaited every page they handed over, and so its start."""
        if self._started is not None:
            self._started.exception()  # a start under way (a crawl stopped mid-page) would go on
        self._pool.stop()  # type: ignore[no-untyped-call]  # pebble's methods are unannotated
        self._pool.join()
