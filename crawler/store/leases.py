"""Crawl leases: at most one crawl of an outlet at a time, across processes and machines.

One document per outlet in `crawl_leases`: `{_id: outlet, owner, run_id, acquired_at, expires_at}`.
A lease is taken with one atomic upsert that matches only a free lease (absent, expired, or already
ours); when another owner holds a live one the upsert collides on `_id` and the caller is refused.
The holder renews it while it crawls and deletes it at the end; a holder killed with -9 stops renewing,
so the outlet is free again once `expires_at` passes. Times are the crawlers' own clocks: machines that
share a store need clocks closer together than the lease's lifetime (NTP gives milliseconds).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

if TYPE_CHECKING:
    from pymongo.asynchronous.collection import AsyncCollection
    from pymongo.collection import Collection

LEASES = "crawl_leases"


def new_owner() -> str:
    """Who holds a lease, readable in a refusal message: host, process and a unique suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _free_or_ours(outlet: str, owner: str, now: datetime) -> dict[str, Any]:
    return {"_id": outlet, "$or": [{"expires_at": {"$lte": now}}, {"owner": owner}]}


def _taken(owner: str, run_id: str | None, now: datetime, ttl: float) -> dict[str, Any]:
    return {
        "$set": {"owner": owner, "run_id": run_id, "expires_at": now + timedelta(seconds=ttl)},
        "$setOnInsert": {"acquired_at": now},
    }


def acquire(
    leases: Collection[Any], outlet: str, owner: str, ttl: float, run_id: str | None = None
) -> dict[str, Any] | None:
    """Take the outlet's lease; None when taken, else the live lease of the other holder."""
    now = datetime.now(UTC)
    try:
        leases.find_one_and_update(
            _free_or_ours(outlet, owner, now),
            _taken(owner, run_id, now, ttl),
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
    except DuplicateKeyError:
        return leases.find_one({"_id": outlet}) or {"_id": outlet, "owner": "(released meanwhile)"}
    return None


async def acquire_async(
    leases: AsyncCollection[Any], outlet: str, owner: str, ttl: float, run_id: str | None = None
) -> dict[str, Any] | None:
    """`acquire` for the crawl's asynchronous client."""
    now = datetime.now(UTC)
    try:
        await leases.find_one_and_update(
            _free_or_ours(outlet, owner, now),
            _taken(owner, run_id, now, ttl),
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
    except DuplicateKeyError:
        return await leases.find_one({"_id": outlet}) or {"_id": outlet, "owner": "(released meanwhile)"}
    return None


async def renew_async(
    leases: AsyncCollection[Any], outlets: Iterable[str], owner: str, ttl: float
) -> list[str]:
    """Push our leases' expiry forward; the outlets whose lease we no longer hold (expired and taken)."""
    lost = []
    expires = datetime.now(UTC) + timedelta(seconds=ttl)
    for outlet in outlets:
        done = await leases.update_one({"_id": outlet, "owner": owner}, {"$set": {"expires_at": expires}})
        if done.matched_count == 0:
            lost.append(outlet)
    return lost


async def release_async(leases: AsyncCollection[Any], outlets: Iterable[str], owner: str) -> None:
    """Free our leases (never another holder's)."""
    await leases.delete_many({"_id": {"$in": list(outlets)}, "owner": owner})


def release(leases: Collection[Any], outlets: Iterable[str], owner: str) -> None:
    leases.delete_many({"_id": {"$in": list(outlets)}, "owner": owner})


def describe(lease: dict[str, Any]) -> str:
    """A refusal message's tail: who holds the lease and until when."""
    expires = lease.get("expires_at")
    until = f" until {expires.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC" if isinstance(expires, datetime) else ""
    return f"held by {lease.get('owner')} (run {lease.get('run_id')}){until}"
