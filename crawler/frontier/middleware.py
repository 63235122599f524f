"""Tells the frontier scheduler when a download failed for good, so that the request's lease can end.

Scrapy sends `response_received` for a final response but nothing for a final failure. This
middleware sits first in DOWNLOADER_MIDDLEWARES (closest to the engine): its `process_exception`
runs only when no later middleware (retry, Retry-After, redirect) turned the failure into a new
request, i.e. when the errback is about to be called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from scrapy.exceptions import NotConfigured

from crawler.frontier.scheduler import LEASE_META, request_failed_for_good

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler


class FrontierFailureMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("FRONTIER_URL"):
            raise NotConfigured
        return cls(crawler)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if LEASE_META in request.meta:
            self.crawler.signals.send_catch_log(request_failed_for_good, request=request)
