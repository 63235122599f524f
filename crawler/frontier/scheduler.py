"""A Scrapy scheduler whose queue and seen articles live in Redis, shared by every worker of a crawl.

Each request a worker takes is leased (docs/scale-out.md): the worker renews the lease while it works
on the request and ends it once the request is done, i.e. its article left the item pipelines
FRONTIER_ACK_DELAY ago (long enough for the store's buffered write). A worker killed -9 renews
nothing, so after FRONTIER_LEASE_SECONDS its requests go back to the queue for the others.

Requests born from a leased one (a retry, a redirect, the replay's rewrite) stay in this worker's
memory and keep the lease alive: they finish the same piece of work. An article is enqueued once
across all workers by its canonical key (`request.meta["vnnews_article"]`, set by the spiders);
discovery requests (feeds, sitemaps, listings) are only told apart within one worker, so each run
of each worker reads them afresh.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import pickle
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit, urlunsplit

import redis
from scrapy import Request, signals
from scrapy.core.scheduler import BaseScheduler
from scrapy.exceptions import NotConfigured
from scrapy.utils.request import request_from_dict
from twisted.internet.task import LoopingCall

from crawler.frontier.store import RedisFrontier

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

LEASE_META = "vnnews_frontier_lease"  # the id of the lease a request (or its retry/redirect) works on
ARTICLE_META = "vnnews_article"  # the spiders' canonical key of an article request
# A lease is renewed this many times per FRONTIER_LEASE_SECONDS: two renewals may be late or lost
# (a busy reactor, a Redis hiccup) before another worker takes the request.
RENEWALS_PER_LEASE = 3
# Finished leases are looked at this many times per FRONTIER_ACK_DELAY, so none waits much longer.
ACK_CHECKS_PER_DELAY = 2
RECLAIM_INTERVAL = 1.0  # seconds between two looks for expired leases (one small script each)
# Seconds between two looks at the queue while this worker has nothing to do: Scrapy's engine asks an
# idle scheduler again only every 5 s, too slow to pick up work another worker has just queued.
IDLE_POLL_INTERVAL = 1.0
PICKLE_PROTOCOL = 5

# Sent by FrontierFailureMiddleware when a download failed for good (after retries): its lease is done.
request_failed_for_good = object()


@dataclass
class _Lease:
    key: str | None  # the article key, marked seen when the lease ends
    done: bool = False  # the request's chain reached the spider (response, failure or error)
    settled_at: float | None = None  # monotonic time of the chain's last event; None: not yet


def redact(url: str) -> str:
    """The URL without its password, for logs and errors."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def namespace_for(prefix: str, spider: Spider) -> str:
    """One namespace per spider, and per outlet for the generic `news -a source=…` spider."""
    outlet = getattr(getattr(spider, "source", None), "id", None)
    if outlet in (None, spider.name):
        return f"{prefix}:{spider.name}"
    return f"{prefix}:{spider.name}:{outlet}"


class FrontierScheduler(BaseScheduler):
    """Switched on by `crawler.frontier.FrontierAddon` when FRONTIER_URL is set."""

    def __init__(self, crawler: Crawler, client: redis.Redis, url: str) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.client = client
        self.url = url
        self.prefix = settings.get("FRONTIER_KEY_PREFIX")
        self.lease_seconds = settings.getfloat("FRONTIER_LEASE_SECONDS")
        self.seen_seconds = settings.getfloat("FRONTIER_SEEN_SECONDS")
        self.ack_delay = settings.getfloat("FRONTIER_ACK_DELAY")
        self.frontier: RedisFrontier | None = None
        self.spider: Spider | None = None
        self._held: dict[str, _Lease] = {}
        self._local: list[tuple[int, int, Request]] = []  # (-priority, order, request)
        self._order = itertools.count()
        self._fingerprints: set[bytes] = set()  # discovery requests of this worker's run
        self._last_reclaim = 0.0
        self._starved = False  # the engine asked for a request and got none
        self._beat: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        url = crawler.settings.get("FRONTIER_URL")
        if not url:
            raise NotConfigured("FRONTIER_URL is not set: leave SCHEDULER to FrontierAddon")
        timeout = crawler.settings.getfloat("FRONTIER_CONNECT_TIMEOUT")
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        return cls(crawler, client, url)

    # -- lifecycle ----------------------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.frontier = RedisFrontier(
            self.client,
            namespace_for(self.prefix, spider),
            lease_seconds=self.lease_seconds,
            seen_seconds=self.seen_seconds,
        )
        try:
            self.client.ping()
            queued, leased = self._store.counts()
        except redis.RedisError as exc:
            raise RuntimeError(f"cannot reach the frontier at {redact(self.url)}: {exc}") from exc
        logger.info(
            "Frontier %s at %s: %d requests queued, %d leased by workers",
            self._store.namespace,
            redact(self.url),
            queued,
            leased,
        )
        connect = self.crawler.signals.connect
        connect(self._start_heartbeat, signal=signals.spider_opened)
        connect(self._on_response, signal=signals.response_received)
        connect(self._on_item, signal=signals.item_scraped)
        connect(self._on_item, signal=signals.item_dropped)
        connect(self._on_item, signal=signals.item_error)
        connect(self._on_spider_error, signal=signals.spider_error)
        connect(self._on_failed, signal=request_failed_for_good)

    def close(self, reason: str) -> None:
        """The pipelines are closed (the store flushed): finished leases end, the others go back."""
        if self.frontier is None:  # open() failed: nothing was taken
            return
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        done = [(i, lease.key) for i, lease in self._held.items() if lease.done]
        unfinished = [i for i, lease in self._held.items() if not lease.done]
        try:
            self._count("acked", self._store.ack(done))
            self._count("released", self._store.release(unfinished))
        except redis.RedisError as exc:
            logger.error(
                "Frontier: could not hand back %d leases (%s); they return after FRONTIER_LEASE_SECONDS",
                len(self._held),
                exc,
            )
        self._held.clear()
        if self._local:
            logger.warning(
                "Frontier: %d requests held in memory were not crawled (%s)", len(self._local), reason
            )

    def _start_heartbeat(self, spider: Spider) -> None:
        """Started on spider_opened: a LoopingCall takes the reactor, which the crawl has installed."""
        self._beat = LoopingCall(self.heartbeat)
        interval = min(
            self.lease_seconds / RENEWALS_PER_LEASE, self.ack_delay / ACK_CHECKS_PER_DELAY, IDLE_POLL_INTERVAL
        )
        self._beat.start(max(interval, 0.1), now=False)

    def heartbeat(self) -> None:
        """End the leases whose work is stored, renew the rest, wake the engine when work came in."""
        now = time.monotonic()
        due = [
            (i, lease.key)
            for i, lease in self._held.items()
            if lease.settled_at is not None and now - lease.settled_at >= self.ack_delay
        ]
        try:
            self._count("acked", self._store.ack(due))
            for request_id, _ in due:
                del self._held[request_id]
            self._store.renew(self._held)
            if self._starved and not self._local:
                self._wake()
        except redis.RedisError as exc:
            self._redis_error("heartbeat", exc)

    def _wake(self) -> None:
        """Hand a queued request to the idle engine: `engine.crawl` schedules it (into this worker's
        memory, as the lease is ours) and makes the engine ask for more at once."""
        engine = getattr(self.crawler, "engine", None)  # None outside a running crawl
        if engine is None:
            return
        self._reclaim()
        while (got := self._store.pop()) is not None:
            request = self._leased(*got)
            if request is not None:
                self._starved = False
                engine.crawl(request)
                return

    @property
    def _store(self) -> RedisFrontier:
        if self.frontier is None:
            raise RuntimeError("the frontier scheduler is used before open()")
        return self.frontier

    # -- the scheduler interface ------------------------------------------------------------------------

    def has_pending_requests(self) -> bool:
        """Work here, in the queue, or leased by another worker (it may add more, or die and return it)."""
        if self._local:
            return True
        try:
            queued, leased = self._store.counts()
        except redis.RedisError as exc:
            self._redis_error("count", exc)
            return False
        return queued > 0 or leased > len(self._held)

    def enqueue_request(self, request: Request) -> bool:
        lease_id = request.meta.get(LEASE_META)
        if lease_id in self._held:
            self._push_local(request)  # a retry, redirect or rewrite of work this worker holds
            self._count("enqueued/follow_up")
            return True
        request.meta.pop(LEASE_META, None)
        key = request.meta.get(ARTICLE_META)
        kind = "article" if key else "discovery"
        if not key and not request.dont_filter:
            fingerprint = self.crawler.request_fingerprinter.fingerprint(request)
            if fingerprint in self._fingerprints:
                self._count("duplicate/discovery")
                return False
            self._fingerprints.add(fingerprint)
        try:
            payload = pickle.dumps(request.to_dict(spider=self.spider), protocol=PICKLE_PROTOCOL)
        except (ValueError, pickle.PicklingError, TypeError, AttributeError) as exc:
            logger.warning("Frontier: %s cannot be shared (%s); crawled by this worker", request, exc)
            self._push_local(request)
            self._count("enqueued/local")
            return True
        try:
            added = self._store.push(payload, request.priority, None if request.dont_filter else key)
        except redis.RedisError as exc:
            self._redis_error("enqueue", exc)
            self._push_local(request)  # kept and crawled here: nothing is lost while Redis is away
            self._count("enqueued/local")
            return True
        self._count(f"enqueued/{kind}" if added else f"duplicate/{kind}")
        return added

    def next_request(self) -> Request | None:
        if self._local:
            return heapq.heappop(self._local)[2]
        try:
            self._reclaim()
            while (got := self._store.pop()) is not None:
                request = self._leased(*got)
                if request is not None:
                    self._starved = False
                    return request
        except redis.RedisError as exc:
            self._redis_error("dequeue", exc)
        self._starved = True
        return None

    def __len__(self) -> int:
        try:
            return len(self._local) + self._store.counts()[0]
        except redis.RedisError:
            return len(self._local)

    # -- helpers ----------------------------------------------------------------------------------------

    def _leased(self, request_id: str, payload: bytes | None) -> Request | None:
        try:
            request = request_from_dict(pickle.loads(payload), spider=self.spider)  # type: ignore[arg-type]
        except Exception as exc:  # anything unpickling a stranger's bytes can raise
            logger.error(
                "Frontier: request %s is unreadable (%s); kept in %s",
                request_id,
                exc,
                self._store.keys["bad"],
            )
            self._store.bury(request_id, payload or b"")
            self._count("bad_request")
            return None
        request.meta[LEASE_META] = request_id
        self._held[request_id] = _Lease(key=request.meta.get(ARTICLE_META))
        self._count("dequeued")
        return request

    def _reclaim(self) -> None:
        now = time.monotonic()
        if now - self._last_reclaim >= RECLAIM_INTERVAL:
            self._last_reclaim = now
            self._count("reclaimed", self._store.reclaim())

    def _push_local(self, request: Request) -> None:
        heapq.heappush(self._local, (-request.priority, next(self._order), request))

    def _lease_of(self, request: Request | None) -> _Lease | None:
        lease_id = request.meta.get(LEASE_META) if request is not None else None
        return self._held.get(lease_id) if lease_id else None

    def _settle(self, request: Request | None, *, done: bool = True) -> None:
        lease = self._lease_of(request)
        if lease is not None:
            lease.done = lease.done or done
            lease.settled_at = time.monotonic()

    def _on_response(self, response: Response, request: Request, spider: Spider) -> None:
        lease = self._lease_of(request)
        if lease is not None:
            lease.done = True
            if lease.key is None:  # discovery: its links are queued as the callback runs
                lease.settled_at = time.monotonic()
            # an article settles when its item has left the pipelines (_on_item)

    def _on_item(self, item: Any, response: Response | None, spider: Spider, **kwargs: Any) -> None:
        self._settle(getattr(response, "request", None))

    def _on_spider_error(self, failure: Any, response: Response, spider: Spider) -> None:
        self._settle(getattr(response, "request", None))

    def _on_failed(self, request: Request) -> None:
        self._settle(request)

    def _count(self, what: str, n: int = 1) -> None:
        if n:
            self.stats.inc_value(f"frontier/{what}", n)

    def _redis_error(self, during: str, exc: Exception) -> None:
        self._count(f"redis_error/{during}")
        logger.warning("Frontier: Redis at %s failed during %s: %s", redact(self.url), during, exc)
