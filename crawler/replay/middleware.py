"""The replay switch: with REPLAY_URL set, every request goes to the replay server instead of the site.

The spiders do not change. This downloader middleware sits last before the downloader (after
robots.txt, retries, throttling and the offsite check have seen the real URL): it sends
`https://host/path?q` as `REPLAY_URL/host/path?q` and gives the response its real URL back, so
callbacks, extraction, canonical URLs and the store only ever see the real one. Per-site download
slots are kept (`download_slot` = the real host), so politeness settings behave as they would live.
Off (NotConfigured) when REPLAY_URL is empty: a live crawl has no trace of it.

Whether a request is sent to the replay is decided by its URL: anything not already under REPLAY_URL
is rewritten, so a redirect (or a retry, a meta refresh) built from a replayed request can never reach
the network. On a 3xx the replay's marks are taken off the request before Scrapy's RedirectMiddleware
copies it, and a relative `Location` is resolved against the real URL, so the redirect target is
checked (robots.txt, offsite) and replayed like any other URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import NotConfigured
from w3lib.url import safe_url_string

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

META_KEY = "replay_real_url"
ADDED_KEY = "replay_added_meta"  # the flags this middleware set, taken off again on a redirect
FLAGS = {
    "dont_obey_robotstxt": True,  # robots.txt was checked against the real URL already
    "allow_offsite": True,  # so was the domain
}


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
        if request.url.startswith(self.base + "/"):
            return None  # already the replay's (e.g. a retry of a replayed request)
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            return None
        added = tuple(key for key in FLAGS if key not in request.meta)
        meta = {
            **request.meta,
            **{key: FLAGS[key] for key in added},
            META_KEY: request.url,
            ADDED_KEY: added,
            "download_slot": request.meta.get("download_slot") or parts.hostname,
        }
        return request.replace(url=replay_url_for(self.base, request.url), meta=meta, dont_filter=True)

    def process_response(self, request: Request, response: Response) -> Response:
        real = request.meta.get(META_KEY)
        if not real:
            return response
        if not 300 <= response.status < 400:
            return response.replace(url=real)
        # A redirect is built next from this request (RedirectMiddleware copies its meta): make it
        # the request the spider sent, and the Location an absolute real URL.
        for key in (META_KEY, *request.meta.pop(ADDED_KEY, ())):
            request.meta.pop(key, None)
        headers = response.headers.copy()
        location = headers.get("Location")
        if location:
            headers["Location"] = urljoin(real, safe_url_string(location))
        return response.replace(url=real, headers=headers)
