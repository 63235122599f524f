"""One MongoDB connection per crawl, shared by every component that needs the store.

The URI comes from the MONGODB_URI setting (or environment); without one the process attaches to the
embedded server of the data folder (starting it when none runs). Components call `get_database(crawler)`;
the connection closes when the engine stops. Every store call of a crawl goes through the connection's
one circuit breaker (`MongoConnection.breaker`), so an outage costs one wait, not one per article.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar

from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import InvalidURI
from pymongo.uri_parser import parse_uri
from scrapy import signals
from scrapy.settings import Settings

from crawler.store.breaker import CircuitBreaker
from crawler.store.embedded import EmbeddedServer

if TYPE_CHECKING:
    from pymongo.asynchronous.database import AsyncDatabase
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

# Seconds a TCP connect to one of the store's hosts may take when a crawl starts (a LAN answers in ms).
SEED_CONNECT_TIMEOUT = 0.5
# Milliseconds a store call waits for a server when none answered as the crawl started: the driver
# checks every 0.5 s while a call waits, so a store that comes back is still found by the next call.
DOWN_AT_START_TIMEOUT_MS = 500

_CREDENTIALS = re.compile(r"(?<=://)([^:@/]+):([^@/]*)@")

CLIENT_OPTIONS: dict[str, Any] = {"tz_aware": True, "appname": "vnnews"}


def redact_uri(uri: str) -> str:
    """The URI as it may appear in logs: the password replaced by ***."""
    return _CREDENTIALS.sub(r"\1:***@", uri)


def configured_uri(settings: BaseSettings | None = None) -> str | None:
    """MONGODB_URI from Scrapy settings, else from the environment; None means 'embedded'."""
    uri = settings.get("MONGODB_URI") if settings is not None else None
    return uri or os.environ.get("MONGODB_URI") or None


def resolve_uri(settings: BaseSettings | None = None) -> tuple[str, EmbeddedServer | None]:
    """The store's URI, starting the embedded server when none is configured.

    The caller owns the returned server (None when an external MongoDB is used) and stops it.
    """
    if uri := configured_uri(settings):
        return uri, None
    settings = settings if settings is not None else default_settings()
    server = EmbeddedServer(
        settings.get("VNNEWS_EMBEDDED_DIR") or None,
        idle_seconds=settings.getfloat("VNNEWS_EMBEDDED_IDLE_SECONDS"),
    )
    return server.start(), server


def default_settings() -> Settings:
    """crawler/settings.py as Scrapy settings, for commands that run outside a crawl."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def seeds_answer(uri: str, timeout: float = SEED_CONNECT_TIMEOUT) -> bool:
    """Does any host of a mongodb:// URI accept a TCP connection? (True for mongodb+srv://: the hosts
    are only known from DNS, so the driver finds out.) A refused or timed-out connect to every seed
    means the store is down, known in milliseconds instead of after the server-selection timeout."""
    if not uri.startswith("mongodb://"):
        return True
    try:
        nodes = parse_uri(uri)["nodelist"]
    except (InvalidURI, ValueError):
        return True  # the driver reports a bad URI itself
    for host, port in nodes:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return True
        except OSError:
            continue
    return False


def database_name(settings: BaseSettings | None = None) -> str:
    name = settings.get("MONGODB_DATABASE") if settings is not None else None
    return name or os.environ.get("MONGODB_DATABASE") or "vnnews"


def sync_client(uri: str, timeout_ms: int = 10_000) -> MongoClient[dict[str, Any]]:
    """A blocking client for command-line tools (never used inside a crawl)."""
    return MongoClient(uri, serverSelectionTimeoutMS=timeout_ms, **CLIENT_OPTIONS)


class MongoConnection:
    """The crawl's client and, when needed, the embedded server it started."""

    # (uri, database, what) → its preparation (collections, indexes) in this process, under way or
    # done: the crawls of a `vnnews crawl`, one per outlet, would each send the same createIndexes,
    # which a server builds under a lock, holding up every crawl's first writes (prepare_once)
    _prepared: ClassVar[dict[tuple[str, str, str], asyncio.Future[None]]] = {}

    def __init__(
        self,
        uri: str,
        db_name: str,
        timeout_ms: int,
        server: EmbeddedServer | None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.uri = uri
        self.server = server
        self.breaker = breaker or CircuitBreaker(retry_after=0.0)
        self.client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            uri, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms, **CLIENT_OPTIONS
        )
        self.database: AsyncDatabase[dict[str, Any]] = self.client[db_name]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MongoConnection:
        existing = getattr(crawler, "_vnnews_mongo", None)
        if isinstance(existing, MongoConnection):
            return existing
        uri, server = resolve_uri(crawler.settings)
        timeout_ms = crawler.settings.getint("MONGODB_SERVER_TIMEOUT_MS")
        down = not seeds_answer(uri)
        if down:
            # nothing listens: store calls outside the breaker (leases, run records) fail fast too
            logger.warning("The store at %s does not answer; articles go to the spool", redact_uri(uri))
            timeout_ms = min(timeout_ms, DOWN_AT_START_TIMEOUT_MS)
        conn = cls(
            uri,
            database_name(crawler.settings),
            timeout_ms,
            server,
            CircuitBreaker(
                crawler.settings.getfloat("MONGODB_RETRY_AFTER"),
                count=lambda key, n: crawler.stats.inc_value(key, n),
            ),
        )
        if down:
            conn.breaker.failed()  # open now instead of letting the first call wait it out
        crawler._vnnews_mongo = conn  # type: ignore[attr-defined]
        crawler.signals.connect(conn.close, signal=signals.engine_stopped)
        return conn

    async def prepare_once(self, what: str, prepare: Callable[[], Awaitable[None]]) -> None:
        """Run `prepare` once per process for this store; a crawl that asks while another crawl's run
        is under way awaits that run. A run that failed (the store was down) is run again."""
        key = (self.uri, self.database.name, what)
        done = self._prepared.get(key)
        if done is None or (done.done() and (done.cancelled() or done.exception() is not None)):
            done = self._prepared[key] = asyncio.ensure_future(prepare())
        await asyncio.shield(done)  # one crawl stopping does not cancel the run the others await

    async def close(self) -> None:
        await self.client.close()
        if self.server is not None:
            self.server.stop()
            self.server = None


def get_database(crawler: Crawler) -> AsyncDatabase[dict[str, Any]]:
    """The crawl's database; the first caller opens the connection."""
    return MongoConnection.from_crawler(crawler).database
