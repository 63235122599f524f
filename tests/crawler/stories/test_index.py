"""The band index holds each band once per story and day, and searches still decide as an index of
every band would (issue #11: a reprint of a story carried by 50 outlets fetched all 50 entries)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.normalize import body_hash
from crawler.stories import StoryConfig, assign_stories, ensure_story_indexes
from crawler.stories.core import (
    Find,
    Write,
    _decide,
    _prepare,
    assign_flow,
    day_bucket,
    entry_bands,
    new_story_id,
    pack_bands,
)
from crawler.stories.evaluation import EDITS
from crawler.stories.fingerprint import BANDS
from crawler.stories.samples import SAMPLES
from crawler.stories.store import _execute_sync

T0 = datetime(2026, 7, 17, 6, 0, tzinfo=UTC)
PIPELINE = StoryConfig(update_articles=False)
# Edits that keep a reprint well above the threshold, as agency copy reprinted by many outlets is.
LIGHT = ["dateline (Dân trí)", "agency dateline + Theo TTXVN", "byline changed", "photo captions",
         "paragraph cut", "paragraph added", "tone spelling + NFD", "synonyms", "combined"]  # fmt: skip


def doc(url: str, outlet: str, body: str, when: datetime) -> dict[str, Any]:
    return {
        "_id": url,
        "url": url,
        "outlet": outlet,
        "title": url,
        "body": body,
        "body_hash": body_hash(body),
        "published_at": when,
        "fetched_at": when,
    }


def syndicated(copies: int, seed: int = 11) -> list[dict[str, Any]]:
    """Each sample story, then `copies` reprints of it by as many outlets within the day, each with
    one or two light edits (some of them of an earlier reprint); the other samples in between."""
    rng = random.Random(seed)
    bodies = ["\n".join(paras) for articles in SAMPLES.values() for paras in articles]
    docs = []
    for n, body in enumerate(bodies):
        start = T0 + timedelta(hours=n)
        docs.append(doc(f"https://goc.vn/{n}", "vietnamplus", body, start))
        texts = [body]
        for c in range(copies if n % 2 == 0 else 2):
            text = rng.choice(texts)
            for name in rng.sample(LIGHT, rng.randint(1, 2)):
                text = EDITS[name](text, rng)
            texts.append(text)
            when = start + timedelta(minutes=rng.randint(1, 600))
            docs.append(doc(f"https://o{c}.vn/{n}", f"o{c}", text, when))
    return sorted(docs, key=lambda d: (d["published_at"], d["_id"]))


def oracle(db: Any, batch: list[dict[str, Any]], cfg: StoryConfig) -> list[tuple[Any, ...]]:
    """The batch's decisions with every stored entry searched by all its bands (no index)."""
    now = datetime.now(UTC)
    items = [_prepare(d, now) for d in batch]
    stored = list(db[cfg.bands_collection].find({}))
    exact = [d for d in stored if d["body_hash"] in {it.body_hash for it in items}]
    near_by = {
        it.key: [
            d
            for d in stored
            if set(entry_bands(d)) & set(it.fp.bands) and abs(d["d"] - it.day) <= cfg.window_days
        ]
        for it in items
    }
    _decide(items, exact, near_by, cfg)
    return [(it.key, it.story_id, it.kind, it.matched, it.score) for it in items]


def test_decisions_are_those_of_an_index_of_every_band(mongo_db: Any) -> None:
    """Every article gets the story and kind an index of every band gives it. A near match may name
    another entry of that story: an article whose entries found are all of one story, one of them
    at or above the threshold, is not weighed against the story's other entries (`_one_story`)."""
    ensure_story_indexes(mongo_db)
    docs = syndicated(copies=30)
    got, expected = [], []
    for at in range(0, len(docs), 7):
        batch = docs[at : at + 7]
        expected += oracle(mongo_db, batch, PIPELINE)
        got += [
            (r.article_id, r.story_id, r.kind, r.matched_id, r.score)
            for r in assign_stories(mongo_db, batch, PIPELINE)
        ]
    assert [g[:3] for g in got] == [e[:3] for e in expected]
    entries = {d["_id"]: d for d in mongo_db.story_bands.find({})}
    settled_early = 0
    for (_, story, kind, matched, score), (*_, best_matched, best) in zip(got, expected, strict=True):
        if kind == "near":
            assert entries[matched]["story_id"] == story and PIPELINE.threshold <= score <= best
            settled_early += (matched, score) != (best_matched, best)
    assert settled_early  # the corpus has reprints whose best entry of the story was not fetched
    # Every story of the corpus is found again: one per sample, its reprints all in it.
    stories = {sid for _, sid, *_ in got}
    assert len(stories) == sum(len(a) for a in SAMPLES.values())
    # The reprints left most of their bands to the entries of their story already there.
    assert sum(len(d["bands"]) for d in entries.values()) < 0.5 * BANDS * len(entries)
    assert all(len(entry_bands(d)) == BANDS for d in entries.values())


def test_an_article_two_stories_compete_for_weighs_every_entry_of_both(mongo_db: Any) -> None:
    """An article whose stored candidates are of one story, while an earlier article of its batch,
    of another story, scores at or above the threshold too: the story's other entries are fetched
    and the batch decided again, as an index of every band decides it."""
    ensure_story_indexes(mongo_db)
    storm, crash = (SAMPLES[topic][0] for topic in ("bão", "giao thông"))
    stored = [doc("https://a.vn/bao", "a", "\n".join(storm), T0)]
    stored.append(
        doc("https://b.vn/bao", "b", "(Dân trí) - " + stored[0]["body"] + "\nPV", T0 + timedelta(hours=1))
    )
    for one in stored:
        assign_stories(mongo_db, [one], PIPELINE)
    crash_report = doc("https://c.vn/tai-nan", "c", "\n".join(crash), T0 + timedelta(hours=2))
    both = doc("https://d.vn/ca-hai", "d", "\n".join(storm[:5] + crash[:4]), T0 + timedelta(hours=3))
    batch = [crash_report, both]
    expected = oracle(mongo_db, batch, PIPELINE)
    flow = assign_flow(batch, PIPELINE)
    story_fetches = 0
    try:
        op = next(flow)
        while True:
            story_fetches += isinstance(op, Find) and "story_id" in op.filter
            op = flow.send(_execute_sync(mongo_db, op))
    except StopIteration as stop:
        results = stop.value
    assert [(r.article_id, r.story_id, r.kind, r.matched_id, r.score) for r in results] == expected
    assert expected[1][1] == new_story_id(stored[0]["_id"]) and expected[1][2] == "near"
    assert story_fetches == 1  # the stored story, fetched once the crash report competed


def test_a_big_story_is_found_through_a_few_entries(mongo_db: Any) -> None:
    """A new reprint of a story carried by 31 outlets: the band query returns one entry, not 31."""
    ensure_story_indexes(mongo_db)
    docs = syndicated(copies=30)
    first = [d for d in docs if d["_id"].endswith("/0")]
    for at in range(0, len(first), 4):  # as a crawl meets them over the day, a few per batch
        assign_stories(mongo_db, first[at : at + 4], PIPELINE)
    reprint = doc("https://moi.vn/0", "moi", "TPO - " + first[0]["body"] + "\nPV", T0 + timedelta(hours=11))
    fp = _prepare(reprint, T0).fp
    hits = mongo_db.story_bands.count_documents({"bands": {"$in": list(fp.bands)}})
    # The first batch met no stored entry of the story and indexed every band; later ones, little.
    assert hits <= 8 < len(first)
    (result,) = assign_stories(mongo_db, [reprint], PIPELINE)
    assert result.story_id == new_story_id(first[0]["_id"]) and result.kind == "near"


def test_entries_written_with_every_band_are_still_searched(mongo_db: Any) -> None:
    """Entries written before `all_bands` existed hold all their bands in `bands`."""
    ensure_story_indexes(mongo_db)
    storm = "\n".join(SAMPLES["bão"][0])
    a = doc("https://a.vn/bao", "a", storm, T0)
    b = doc("https://b.vn/bao", "b", "(Dân trí) - " + storm + "\nTheo TTXVN", T0 + timedelta(hours=1))
    (ra,) = assign_stories(mongo_db, [a], PIPELINE)
    mongo_db.story_bands.update_one({"_id": a["_id"]}, {"$unset": {"all_bands": 1}})
    (rb,) = assign_stories(mongo_db, [b], PIPELINE)
    assert (rb.story_id, rb.kind, rb.matched_id) == (ra.story_id, "near", a["_id"])
    assert mongo_db.story_bands.find_one({"_id": b["_id"]})["bands"] == []  # a holds them all


def test_bands_lent_by_an_entry_another_writer_indexed_go_back(mongo_db: Any) -> None:
    """An entry left its bands to an earlier one of its batch, whose write then lost to another
    writer's entry in another story: the bands go back into the index on the borrower's entry."""
    ensure_story_indexes(mongo_db)
    storm = "\n".join(SAMPLES["bão"][0])
    lender = doc("https://a.vn/bao", "a", storm, T0)
    borrower = doc("https://b.vn/bao", "b", "(Dân trí) - " + storm + "\nTheo TTXVN", T0 + timedelta(hours=1))
    flow = assign_flow([lender, borrower], PIPELINE)
    op = next(flow)
    while not isinstance(op, Write):  # the searches; nothing is stored yet
        op = flow.send(_execute_sync(mongo_db, op))
    fp = _prepare(lender, T0).fp
    other = {"_id": lender["_id"], "story_id": "st_another_writer", "d": day_bucket(T0), "t": T0}
    mongo_db.story_bands.insert_one({**other, "bands": list(fp.bands), "all_bands": pack_bands(fp.bands)})
    try:
        while True:
            op = flow.send(_execute_sync(mongo_db, op))
    except StopIteration as stop:
        results = stop.value
    # the borrower joined the lender's story through the lender, and follows it into the other
    # writer's story (`_orphaned`): the story the lender founded here is linked away
    assert [r.story_id for r in results] == ["st_another_writer", "st_another_writer"]
    assert mongo_db.story_merges.find_one({"_id": new_story_id(lender["_id"])})["into"] == "st_another_writer"
    entry = mongo_db.story_bands.find_one({"_id": borrower["_id"]})
    assert set(entry["bands"]) == set(fp.bands) == set(entry_bands(entry))
