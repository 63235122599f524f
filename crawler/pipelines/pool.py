"""Extraction in worker processes, so the reactor thread only fetches and the cores all extract.

Built on pebble's ProcessPool rather than concurrent.futures: a ProcessPoolExecutor whose worker dies
is broken for good (every later page fails with BrokenProcessPool), and it has no per-task time
limit. pebble kills a worker that runs past the limit, or notices one that crashed, fails only that
page (TimeoutError, ProcessExpired) and starts a new worker in its place. Workers are started with
`forkserver`: the crawl's process has threads (pymongo's), which a plain fork would copy mid-lock;
the fork server has the extraction imported, so a replacement worker starts in milliseconds.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from crawler.extraction import ExtractionResult, extract_page
from crawler.items import FetchedPage

Extract = Callable[[FetchedPage], ExtractionResult]
_PRELOAD = "crawler.extraction"


class ExtractionTimeout(Exception):
    """A page ran past the per-page time limit; its worker was killed and replaced."""


class WorkerCrashed(Exception):
    """The worker extracting a page died (a segfault in a parser, the OOM killer); it was replaced."""


class ExtractionPool:
    """`workers` processes; at most `queue_size` pages handed to them at once (memory stays flat)."""

    def __init__(
        self, workers: int, timeout: float, queue_size: int, function: Extract = extract_page
    ) -> None:
        self.timeout = timeout
        self.function = function
        self._slots = asyncio.Semaphore(max(queue_size, workers))
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([_PRELOAD, function.__module__])
        self._pool = ProcessPool(max_workers=workers, context=context)

    async def extract(self, page: FetchedPage) -> ExtractionResult:
        """The page's extraction result, or ExtractionTimeout / WorkerCrashed."""
        async with self._slots:
            future = self._pool.schedule(self.function, args=(page,), timeout=self.timeout)
            try:
                return await asyncio.wrap_future(future)
            except FutureTimeout as exc:
                raise ExtractionTimeout(f"extraction ran past {self.timeout:g} s") from exc
            except ProcessExpired as exc:
                raise WorkerCrashed(f"extraction worker died (exit code {exc.exitcode})") from exc
            except asyncio.CancelledError:
                future.cancel()
                raise

    def close(self) -> None:
        """Stop the workers; the crawl awaited every page it handed over before it stopped."""
        self._pool.stop()
        self._pool.join()
