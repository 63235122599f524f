"""The store's circuit breaker: with the store down, one call waits; the rest are refused at once."""

from __future__ import annotations

import asyncio

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import OperationFailure

from crawler.store.breaker import CircuitBreaker, StoreUnavailable


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_one_failure_opens_then_one_probe_closes():
    clock, counts = Clock(), {}
    breaker = CircuitBreaker(10.0, clock=clock, count=lambda k, n: counts.update({k: counts.get(k, 0) + n}))
    assert breaker.allow()
    breaker.failed()
    assert [breaker.allow() for _ in range(5)] == [False] * 5
    clock.now = 10.0
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # only one probe at a time
    breaker.succeeded()
    assert breaker.allow() and not breaker.is_open
    assert counts == {
        "store/failures": 1,
        "store/opened": 1,
        "store/refused": 6,
        "store/probes": 1,
        "store/recovered": 1,
        "store/reached": 1,
    }


def test_a_cancelled_probe_lets_the_next_caller_probe():
    clock = Clock()
    breaker = CircuitBreaker(1.0, clock=clock)
    breaker.failed()
    clock.now = 1.0

    async def cancelled() -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(breaker.call(cancelled))
    assert breaker.allow()


def test_an_answer_that_is_an_error_still_counts_as_failure_of_the_call():
    breaker = CircuitBreaker(5.0, clock=Clock())

    async def refused() -> None:
        raise OperationFailure("validation", code=121)

    with pytest.raises(OperationFailure):
        asyncio.run(breaker.call(refused))
    assert breaker.is_open and breaker.successes == 0


def test_closed_port_waits_once_for_many_calls(free_port):
    """20 store calls against a closed port: one waits out the server timeout, 19 are refused."""
    breaker = CircuitBreaker(60.0)
    waited = refused = 0

    async def run() -> None:
        nonlocal waited, refused
        client = AsyncMongoClient(f"mongodb://127.0.0.1:{free_port}/", serverSelectionTimeoutMS=300)
        try:
            for _ in range(20):
                try:
                    await breaker.call(lambda: client.vnnews.command("ping"))
                except StoreUnavailable:
                    refused += 1
                except Exception:
                    waited += 1
        finally:
            await client.close()

    asyncio.run(run())
    assert (waited, refused) == (1, 19)
    assert breaker.failures == 1 and breaker.successes == 0
