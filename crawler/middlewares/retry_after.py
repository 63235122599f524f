"""Back off when a site says so: wait for `Retry-After` (or an exponential delay) on 429/503.

Scrapy's RetryMiddleware retries 429/503 at once. This middleware sits just below it (closer to the
downloader), so it sees the response first: it waits before handing the response on (the retry is
scheduled after the wait) and raises the domain's download delay, so the other requests to that
site slow down too. AutoThrottle lowers the delay again as responses come back healthy.

Settings: RETRY_AFTER_ENABLED (True), RETRY_AFTER_HTTP_CODES ([429, 503]),
RETRY_AFTER_MAX_DELAY (300 s: a longer demand is not waited for; the request is not retried, so it
fails with the 429/503, stat `retry_after/gave_up`),
RETRY_BACKOFF_BASE (2 s: without the header, wait base × 2^retries).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None when unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    def __init__(
        self, crawler: Crawler, codes: list[int], max_delay: float, base: float, retry_times: int
    ) -> None:
        self.crawler = crawler
        self.codes = set(codes)
        self.max_delay = max_delay
        self.base = base
        self.retry_times = retry_times

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("RETRY_AFTER_ENABLED") or not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        return cls(
            crawler,
            [int(c) for c in settings.getlist("RETRY_AFTER_HTTP_CODES")],
            settings.getfloat("RETRY_AFTER_MAX_DELAY"),
            settings.getfloat("RETRY_BACKOFF_BASE"),
            settings.getint("RETRY_TIMES"),
        )

    def delay_for(self, request: Request, response: Response) -> float | None:
        """How long to wait before the retry; None when no retry will follow or the wait is too long
        (then the request is marked `dont_retry`, so it is not retried at once either)."""
        retries = int(request.meta.get("retry_times", 0))
        if retries >= int(request.meta.get("max_retry_times", self.retry_times)) or request.meta.get(
            "dont_retry"
        ):
            return None
        header = retry_after_seconds(response.headers.get("Retry-After"))
        delay = header if header is not None else self.base * 2**retries
        if delay > self.max_delay:
            logger.warning(
                "%s asks to wait %.0f s (over RETRY_AFTER_MAX_DELAY); not retrying", request.url, delay
            )
            request.meta["dont_retry"] = True  # RetryMiddleware, next in line, would retry at once
            self.crawler.stats.inc_value("retry_after/gave_up")
            return None
        return delay

    async def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in self.codes:
            return response
        delay = self.delay_for(request, response)
        if delay is None or delay <= 0:
            return response
        stats = self.crawler.stats
        stats.inc_value("retry_after/count")
        # Scrapy annotates the increment as int; the collector adds any number, and seconds are fractional
        stats.inc_value("retry_after/seconds", delay)  # type: ignore[arg-type]
        self._slow_down(request, delay)
        logger.info("%s answered %d; waiting %.1f s before retrying", request.url, response.status, delay)
        await asyncio.sleep(delay)
        return response

    def _slow_down(self, request: Request, delay: float) -> None:
        """Raise the download delay of the request's slot (its domain) to at least `delay`."""
        engine = self.crawler.engine
        downloader = getattr(engine, "downloader", None)
        if downloader is None:
            return
        key = request.meta.get("download_slot")
        slot = downloader.slots.get(key) if key else None
        if slot is None:
            _, slot = downloader._get_slot(request)
        slot.delay = max(slot.delay, min(delay, self.max_delay))
