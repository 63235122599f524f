"""The frontier's Redis side: one namespace per crawl (spider), five keys, five atomic Lua scripts.

    <ns>:queue     sorted set  request id -> -priority (ZPOPMIN takes the highest priority first;
                   ids begin with the enqueue time, so equal priorities come out oldest first)
    <ns>:requests  hash        request id -> the pickled request (Request.to_dict)
    <ns>:leases    sorted set  request id -> deadline (Redis TIME) of the worker that took it
    <ns>:scores    hash        request id -> its queue score while leased (to put it back)
    <ns>:seen      sorted set  article key -> PENDING while queued or leased, else the time it was done
    <ns>:bad       hash        request id -> a payload no worker could read, kept for a look

Deadlines and seen times are read from Redis' own clock (TIME), so workers on machines whose clocks
disagree still agree on when a lease has run out. Every change is one script, so two workers can
never take the same request or both enqueue the same article.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable

import redis

# The seen score of an article that is queued or leased: above any clock, so never "expired".
PENDING = 1e18
# Expired leases moved back per reclaim call: bounds one script's run time (Redis is single-threaded).
RECLAIM_BATCH = 500

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1e6 "

# KEYS queue, requests, seen; ARGV id, score, payload, article key ('' = not an article), seen seconds,
# PENDING
_PUSH = (
    _NOW
    + """
if ARGV[4] ~= '' then
  local s = redis.call('ZSCORE', KEYS[3], ARGV[4])
  if s and tonumber(s) > now - tonumber(ARGV[5]) then return 0 end
  redis.call('ZADD', KEYS[3], ARGV[6], ARGV[4])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
"""
)
# KEYS queue, leases, requests, scores; ARGV lease seconds
_POP = (
    _NOW
    + """
local r = redis.call('ZPOPMIN', KEYS[1])
if #r == 0 then return false end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[1]), r[1])
redis.call('HSET', KEYS[4], r[1], r[2])
return {r[1], redis.call('HGET', KEYS[3], r[1])}
"""
)
# KEYS leases; ARGV lease seconds, id...
_RENEW = (
    _NOW
    + """
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
return #ARGV - 1
"""
)
# KEYS leases, requests, scores, seen; ARGV seen seconds, then pairs of id, article key ('' = none)
_ACK = (
    _NOW
    + """
for i = 2, #ARGV, 2 do
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
  if ARGV[i + 1] ~= '' then redis.call('ZADD', KEYS[4], 'XX', now, ARGV[i + 1]) end
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[1]))
return (#ARGV - 1) / 2
"""
)
# KEYS leases, queue, scores; ARGV batch size, then the ids to put back (none: every expired lease)
_REQUEUE = (
    _NOW
    + """
local ids = {}
if #ARGV > 1 then
  for i = 2, #ARGV do ids[#ids + 1] = ARGV[i] end
else
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
end
local n = 0
for _, id in ipairs(ids) do
  if redis.call('ZREM', KEYS[1], id) == 1 then
    redis.call('ZADD', KEYS[2], redis.call('HGET', KEYS[3], id) or '0', id)
    redis.call('HDEL', KEYS[3], id)
    n = n + 1
  end
end
return n
"""
)


def new_request_id() -> str:
    """Enqueue time (hex nanoseconds, fixed width) then randomness: sorts by age, never collides."""
    return f"{time.time_ns():016x}{uuid.uuid4().hex[:8]}"


class RedisFrontier:
    """The shared queue, leases and seen articles of one crawl namespace, on redis-py."""

    def __init__(
        self, client: redis.Redis, namespace: str, *, lease_seconds: float, seen_seconds: float
    ) -> None:
        self.client = client
        self.namespace = namespace
        self.lease_seconds = lease_seconds
        self.seen_seconds = seen_seconds
        k = {name: f"{namespace}:{name}" for name in ("queue", "requests", "leases", "scores", "seen", "bad")}
        self.keys = k
        self._push = client.register_script(_PUSH)
        self._pop = client.register_script(_POP)
        self._renew = client.register_script(_RENEW)
        self._ack = client.register_script(_ACK)
        self._requeue = client.register_script(_REQUEUE)

    def push(self, payload: bytes, priority: int, article_key: str | None) -> bool:
        """Queue a request; False when `article_key` is queued, leased or was done within seen_seconds."""
        k = self.keys
        added = self._push(
            keys=[k["queue"], k["requests"], k["seen"]],
            args=[new_request_id(), -priority, payload, article_key or "", self.seen_seconds, PENDING],
        )
        return bool(added)

    def pop(self) -> tuple[str, bytes | None] | None:
        """Take the next request under a lease: (id, payload), or None when the queue is empty."""
        k = self.keys
        got = self._pop(keys=[k["queue"], k["leases"], k["requests"], k["scores"]], args=[self.lease_seconds])
        if not got:
            return None
        return got[0].decode(), got[1] or None

    def renew(self, ids: Iterable[str]) -> None:
        """Push the deadline of these leases forward (only those still leased)."""
        ids = list(ids)
        if ids:
            self._renew(keys=[self.keys["leases"]], args=[self.lease_seconds, *ids])

    def ack(self, done: Iterable[tuple[str, str | None]]) -> int:
        """Forget finished requests; their articles count as seen from now on. Returns how many."""
        args: list[str | float] = [self.seen_seconds]
        for request_id, article_key in done:
            args += [request_id, article_key or ""]
        if len(args) == 1:
            return 0
        k = self.keys
        return int(self._ack(keys=[k["leases"], k["requests"], k["scores"], k["seen"]], args=args))

    def release(self, ids: Iterable[str]) -> int:
        """Put leased requests back in the queue now (a worker stopping before it fetched them)."""
        ids = list(ids)
        return self._requeue_ids(ids) if ids else 0

    def reclaim(self) -> int:
        """Put every request whose lease ran out back in the queue (its worker died)."""
        return self._requeue_ids([])

    def _requeue_ids(self, ids: list[str]) -> int:
        k = self.keys
        return int(self._requeue(keys=[k["leases"], k["queue"], k["scores"]], args=[RECLAIM_BATCH, *ids]))

    def bury(self, request_id: str, payload: bytes) -> None:
        """Set aside a request no worker can read (kept in <ns>:bad) and end its lease."""
        self.client.hset(self.keys["bad"], request_id, payload)
        self.ack([(request_id, None)])

    def counts(self) -> tuple[int, int]:
        """(requests queued, requests leased by any worker)."""
        pipe = self.client.pipeline(transaction=False)
        pipe.zcard(self.keys["queue"])
        pipe.zcard(self.keys["leases"])
        queued, leased = pipe.execute()
        return int(queued), int(leased)

    def clear(self) -> None:
        """Delete the namespace (tests, or an operator starting a crawl from nothing)."""
        self.client.delete(*self.keys.values())
