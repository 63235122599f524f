"""The frontier's Redis scripts against a real redis-server: order, leases, seen articles."""

from __future__ import annotations

import time

import pytest

from crawler.frontier.store import PENDING, RedisFrontier

LEASE = 0.4  # seconds: short, so a lease can run out inside a test
SEEN = 0.6


@pytest.fixture
def frontier(redis_client, key_prefix) -> RedisFrontier:
    return RedisFrontier(redis_client, key_prefix, lease_seconds=LEASE, seen_seconds=SEEN)


def test_highest_priority_first_then_oldest(frontier):
    for payload, priority in ((b"feed", 30), (b"a1", 40), (b"listing", 10), (b"a2", 40)):
        assert frontier.push(payload, priority, None)
    order = [frontier.pop()[1] for _ in range(4)]
    assert order == [b"a1", b"a2", b"feed", b"listing"]
    assert frontier.pop() is None
    assert frontier.counts() == (0, 4)


def test_an_article_is_queued_once_until_seen_expires(frontier, redis_client):
    assert frontier.push(b"x", 40, "https://a.vn/x")
    assert not frontier.push(b"x again", 40, "https://a.vn/x")  # queued
    request_id, _ = frontier.pop()
    assert not frontier.push(b"x again", 40, "https://a.vn/x")  # leased
    assert float(redis_client.zscore(frontier.keys["seen"], "https://a.vn/x")) == PENDING
    assert frontier.ack([(request_id, "https://a.vn/x")]) == 1
    assert not frontier.push(b"x again", 40, "https://a.vn/x")  # done, within seen_seconds
    assert frontier.counts() == (0, 0)
    time.sleep(SEEN + 0.1)
    assert frontier.push(b"x later", 40, "https://a.vn/x")  # a later run may fetch it again
    assert frontier.pop()[1] == b"x later"


def test_an_expired_lease_comes_back_with_its_priority(frontier):
    frontier.push(b"lost", 40, "https://a.vn/lost")
    frontier.push(b"kept", 40, "https://a.vn/kept")
    lost, _ = frontier.pop()
    kept, _ = frontier.pop()
    frontier.push(b"feed", 30, None)
    assert frontier.reclaim() == 0  # nothing has run out yet
    for _ in range(3):
        time.sleep(LEASE / 2)
        frontier.renew([kept])  # a live worker renews; the killed one does not
    assert frontier.reclaim() == 1
    assert frontier.pop() == (lost, b"lost")  # before the lower-priority feed
    assert frontier.counts() == (1, 2)


def test_release_puts_requests_back_at_once(frontier):
    frontier.push(b"a", 40, "https://a.vn/a")
    request_id, _ = frontier.pop()
    assert frontier.release([request_id, "not-a-lease"]) == 1
    assert frontier.counts() == (1, 0)
    assert frontier.pop() == (request_id, b"a")


def test_bury_keeps_the_payload_aside(frontier, redis_client):
    frontier.push(b"\x80garbage", 40, None)
    request_id, payload = frontier.pop()
    frontier.bury(request_id, payload)
    assert redis_client.hget(frontier.keys["bad"], request_id) == b"\x80garbage"
    assert frontier.counts() == (0, 0)
