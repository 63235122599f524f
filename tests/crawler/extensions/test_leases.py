"""The per-outlet lease against a real store: one winner among racing crawls, expiry, renewal, release."""

from __future__ import annotations

import asyncio
import threading
import time

from pymongo import AsyncMongoClient

from crawler.store.leases import LEASES, acquire, acquire_async, describe, release, renew_async

RACERS = 8


def test_one_of_many_racing_owners_gets_the_lease(mongo_db):
    leases = mongo_db[LEASES]
    start = threading.Barrier(RACERS)
    results: dict[str, object] = {}

    def take(owner: str) -> None:
        start.wait()
        results[owner] = acquire(leases, "vnexpress", owner, ttl=60)

    threads = [threading.Thread(target=take, args=(f"crawler-{i}",)) for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [owner for owner, holder in results.items() if holder is None]
    assert len(winners) == 1
    held = leases.find_one({"_id": "vnexpress"})
    assert held["owner"] == winners[0]
    for owner, holder in results.items():
        if owner != winners[0]:
            assert holder["owner"] == winners[0]  # the refusal names the holder
    assert winners[0] in describe(held) and "UTC" in describe(held)
    assert acquire(leases, "vnexpress", winners[0], ttl=60) is None  # the holder may take it again
    assert acquire(leases, "dantri", "crawler-1", ttl=60) is None  # other outlets are independent


def test_expired_lease_is_free_and_its_old_holder_finds_it_lost(mongo_server, mongo_db):
    leases = mongo_db[LEASES]
    assert acquire(leases, "tuoitre", "killed", ttl=0.5) is None
    assert acquire(leases, "tuoitre", "next", ttl=60)["owner"] == "killed"
    time.sleep(0.7)  # the killed crawl never renewed
    assert acquire(leases, "tuoitre", "next", ttl=60) is None

    async def old_holder() -> tuple[list[str], list[str], object]:
        client = AsyncMongoClient(mongo_server, tz_aware=True)
        try:
            coll = client[mongo_db.name][LEASES]
            lost = await renew_async(coll, ["tuoitre"], "killed", ttl=60)
            kept = await renew_async(coll, ["tuoitre"], "next", ttl=60)
            refused = await acquire_async(coll, "tuoitre", "killed", ttl=60)
            return lost, kept, refused
        finally:
            await client.close()

    lost, kept, refused = asyncio.run(old_holder())
    assert lost == ["tuoitre"] and kept == [] and refused["owner"] == "next"
    release(leases, ["tuoitre"], "killed")  # never frees another holder's lease
    assert leases.find_one({"_id": "tuoitre"})["owner"] == "next"
    release(leases, ["tuoitre"], "next")
    assert leases.count_documents({}) == 0
