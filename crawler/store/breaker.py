"""A circuit breaker in front of the store: one failure pauses every store call of the crawl.

Without it each article's story assignment waits out the server-selection timeout on its own
(3 s an article with the store down). With it, the first failure opens the breaker; calls are then
refused at once (the caller spools or skips) until `retry_after` seconds have passed, when one call
goes through as a probe: success closes the breaker, failure opens it again. One breaker is shared by
every component of a crawl (`MongoConnection.breaker`), so the writer's probe also serves the story
pipeline. It knows nothing of Scrapy: counts go through the `count` callback (`store/…` stats).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pymongo.errors import ConnectionFailure, PyMongoError

T = TypeVar("T")

Count = Callable[[str, int], None]


def _no_count(key: str, n: int) -> None:
    return None


class StoreUnavailable(ConnectionFailure):
    """Raised instead of calling the store while the breaker is open (a PyMongoError, so callers that
    already handle an outage handle this too)."""


class CircuitBreaker:
    """closed → (a store call fails) → open for `retry_after` s → one probe → closed or open again."""

    def __init__(
        self, retry_after: float, *, count: Count = _no_count, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.retry_after = retry_after
        self.count = count
        self.clock = clock
        self.failures = 0  # store calls that failed: each one waited for the store
        self.refused = 0  # store calls not made because the breaker was open
        self.successes = 0
        self._open_until: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self._open_until is not None

    def allow(self) -> bool:
        """May a store call be made now? While open, only one probe once `retry_after` has passed."""
        if self._open_until is None:
            return True
        if not self._probing and self.clock() >= self._open_until:
            self._probing = True
            self.count("store/probes", 1)
            return True
        self.refused += 1
        self.count("store/refused", 1)
        return False

    def succeeded(self) -> None:
        if self._open_until is not None:
            self.count("store/recovered", 1)
        self._open_until = None
        self._probing = False
        self.successes += 1
        if self.successes == 1:
            self.count("store/reached", 1)

    def failed(self) -> None:
        self.failures += 1
        self.count("store/failures", 1)
        if self._open_until is None:
            self.count("store/opened", 1)
        self._open_until = self.clock() + self.retry_after
        self._probing = False

    def abandoned(self) -> None:
        """A call let through ended without an answer (cancelled): the next caller may probe."""
        self._probing = False

    async def call(self, operation: Callable[[], Awaitable[T]]) -> T:
        """Run one store operation behind the breaker; StoreUnavailable when it is open."""
        if not self.allow():
            raise StoreUnavailable("the store is unavailable; not retried before the breaker's probe")
        try:
            result = await operation()
        except PyMongoError:
            self.failed()
            raise
        except BaseException:
            self.abandoned()
            raise
        self.succeeded()
        return result


__all__ = ["CircuitBreaker", "StoreUnavailable"]
