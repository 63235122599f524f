"""The replay switch: with REPLAY_URL set, every request goes to the replay server instead of the site.

The spiders do not change. This downloader middleware sits last before the downloader (after
robots.txt, retries, throttling and the offsite check have seen the real URL): it sends
`https://host/path?q` as `REPLAY_URL/host/path?q` and gives the response its real URL back, so
callbacks, extraction, canonical URLs and the store only ever see the real one. Per-site download
slots are kept (`download_slot` = the real host), so politeness settings behave as they would live.
Off (NotConfigured) when REPLAY_URL is empty: a live crawl has no trace of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

META_KEY = "replay_real_url"


def replay_url_for(base: str, url: str) -> str:
    parts = urlsplit(url)
    return f"{base}/{parts.hostname}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


class ReplayMiddleware:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        base = crawler.settings.get("REPLAY_URL")
        if not base:
            raise NotConfigured
        return cls(base)

    def process_request(self, request: Request) -> Request | None:
        if META_KEY in request.meta or request.url.startswith(self.base):
            return None
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            return None
        meta = {
            **request.meta,
            META_KEY: request.url,
            "dont_obey_robotstxt": True,  # robots.txt was checked against the real URL already
            "allow_offsite": True,  # so was the domain
            "download_slot": request.meta.get("download_slot") or parts.hostname,
        }
        return request.replace(url=replay_url_for(self.base, request.url), meta=meta, dont_filter=True)

    def process_response(self, request: Request, response: Response) -> Response:
        real = request.meta.get(META_KEY)
        return response.replace(url=real) if real else response
