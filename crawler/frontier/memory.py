"""The crawl's own scheduler queue in memory (SCHEDULER_MEMORY_QUEUE): waiting requests as tuples.

A request waiting in Scrapy's memory queue costs ~2.6 KB: the Request, its Headers and meta, and the
fingerprint and parsed URL Scrapy caches for it. The article requests of a big sitemap wait there
until the downloader has room, up to 26 MB for 10,000 of them: memory that grows with the crawl
(docs/performance.md measures it). `CompactLifoMemoryQueue` keeps a request of the plain shape the
outlet spiders make (a `GET` without body, cookies, flags or cb_kwargs; callback and errback methods
of the spider; meta of plain values) as a tuple of what makes it (~0.6 KB) and makes the Request
again when the scheduler takes it. Any other request is kept as it is. The order is Scrapy's
default one: LIFO per priority.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from queuelib.queue import LifoMemoryQueue
from scrapy import Request

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_PLAIN = (str, int, float, bool, type(None))  # meta values a tuple may share with the request
_SHARED_MAX = 4096  # distinct header values and meta key sets kept once, then the cache starts again

# url, priority, dont_filter, callback name, errback name, meta keys, meta values, header pairs
_Packed = tuple[str, int, bool, str | None, str | None, tuple[str, ...], tuple[Any, ...], tuple[Any, ...]]


class CompactLifoMemoryQueue(LifoMemoryQueue):
    """Scrapy's LIFO memory queue, holding plain requests as tuples (module docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__()
        self.crawler = crawler
        # the Referer of a sitemap's articles, their meta keys: one object each, not one per request
        self._shared: dict[Any, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, key: str) -> Self:
        return cls(crawler)

    def push(self, request: Request) -> None:
        super().push(self._pack(request) or request)

    def pop(self) -> Request | None:
        return self._unpack(super().pop())

    def peek(self) -> Request | None:
        return self._unpack(super().peek())

    def _share(self, value: Any) -> Any:
        if len(self._shared) >= _SHARED_MAX:
            self._shared.clear()
        return self._shared.setdefault(value, value)

    def _pack(self, request: Request) -> _Packed | None:
        """The tuple that makes `request` again, or None when it is not of the plain shape."""
        if (
            type(request) is not Request
            or request.method != "GET"
            or request.body
            or request.cookies
            or request.flags
            or request.cb_kwargs
            or request.encoding != "utf-8"
        ):
            return None
        spider = self.crawler.spider
        callback, errback = request.callback, request.errback
        if not (_spider_method(callback, spider) and _spider_method(errback, spider)):
            return None
        meta = request.meta
        if not all(type(v) in _PLAIN for v in meta.values()):
            return None
        headers = tuple(
            (self._share(name), tuple(map(self._share, values))) for name, values in request.headers.items()
        )
        keys = self._share(tuple(meta))
        names = (callback.__name__ if callback else None, errback.__name__ if errback else None)
        return (
            request.url,
            request.priority,
            request.dont_filter,
            *names,
            keys,
            tuple(meta.values()),
            headers,
        )

    def _unpack(self, entry: Request | _Packed | None) -> Request | None:
        if entry is None or isinstance(entry, Request):
            return entry
        url, priority, dont_filter, callback, errback, keys, values, headers = entry
        spider = self.crawler.spider
        return Request(
            url,
            callback=getattr(spider, callback) if callback else None,
            errback=getattr(spider, errback) if errback else None,
            priority=priority,
            dont_filter=dont_filter,
            meta=dict(zip(keys, values, strict=True)),
            headers=[(name, list(vals)) for name, vals in headers],
        )


def _spider_method(func: Any, spider: Any) -> bool:
    """None, or a method of the spider that its name finds again (a lambda or a partial is not one)."""
    if func is None:
        return True
    name = getattr(func, "__name__", None)
    return (
        isinstance(name, str)
        and getattr(func, "__self__", None) is spider
        and getattr(spider, name, None) == func
    )
