"""Batched story assignment decides as one article at a time did, with a constant number of queries,
and writers in several processes converge on one story per set of reprints (issues #11, #14)."""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from typing import Any

import pymongo
import pytest

from crawler.normalize import body_hash
from crawler.stories import StoryConfig, assign_stories, ensure_story_indexes, settle_stories
from crawler.stories.core import (
    Find,
    Together,
    Write,
    _prepare,
    _story_insert,
    _story_update,
    assign_flow,
    new_story_id,
)
from crawler.stories.evaluation import build_pairs, sample_texts
from crawler.stories.samples import SAMPLES
from crawler.stories.store import _execute_sync

T0 = datetime(2026, 7, 17, 8, 0, tzinfo=UTC)
# The crawl's articles reach the store after their assignment: nothing to update then.
PIPELINE = StoryConfig(update_articles=False)


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


def corpus() -> list[dict[str, Any]]:
    """Every project sample with its edited reprints and shared-quote negatives, in time order."""
    bodies: dict[str, str] = {}
    for pair in build_pairs(sample_texts()):
        for text in (pair.a, pair.b):
            bodies.setdefault(text.name, text.body)
    return [
        doc(f"https://o{i % 9}.vn/{i}", f"o{i % 9}", body, T0 + timedelta(minutes=7 * i))
        for i, body in enumerate(bodies.values())
    ]


def decisions(results: list[Any]) -> list[tuple[Any, ...]]:
    return [(r.article_id, r.story_id, r.kind, r.matched_id, r.score, r.original_id) for r in results]


def test_batches_decide_as_one_article_at_a_time(mongo_server: str) -> None:
    docs = corpus()
    assert len(docs) > 90
    outcomes = []
    stories: list[list[dict[str, Any]]] = []
    with pymongo.MongoClient(mongo_server, tz_aware=True) as client:
        for n, size in enumerate((1, 7, len(docs))):
            db = client[f"vnnews_test_batch_{size}_{n}_{id(docs)}"]
            ensure_story_indexes(db)
            results = []
            for at in range(0, len(docs), size):
                results += assign_stories(db, docs[at : at + size], PIPELINE)
            outcomes.append(decisions(results))
            # the story documents too: one statement per story of a batch leaves what one per article did
            stories.append(list(db.stories.find({}, {"created_at": 0, "updated_at": 0}).sort("_id", 1)))
            client.drop_database(db.name)
    one, seven, whole = outcomes
    assert seven == one
    assert whole == one
    assert stories[1] == stories[0] and stories[2] == stories[0]
    assert any(len(story["articles"]) > 2 for story in stories[0])  # members in arrival order
    kinds = {d[2] for d in one}
    assert kinds == {"new", "exact", "near"}  # the corpus exercises every path


def count_ops(db: Any, flow: Generator[Any, Any, Any]) -> tuple[list[Any], dict[str, int]]:
    """Run a flow, counting the operations it asks for by kind."""
    counts: dict[str, int] = defaultdict(int)
    try:
        op = next(flow)
        while True:
            counts["round_trips"] += 1
            if isinstance(op, Together):
                counts["find"] += len(op.finds)
            else:
                counts["find" if isinstance(op, Find) else "write"] += 1
            op = flow.send(_execute_sync(db, op))
    except StopIteration as stop:
        return stop.value, counts


def test_one_search_for_a_whole_batch(mongo_db: Any) -> None:
    """The round trips of a batch do not grow with its size (it used to be one search per article)."""
    ensure_story_indexes(mongo_db)
    docs = corpus()
    whole = StoryConfig(update_articles=False, search_batch=100)
    _, few = count_ops(mongo_db, assign_flow(docs[:3], whole))
    _, many = count_ops(mongo_db, assign_flow(docs[3:80], whole))
    # A search's second query (the stories of what the first found) is skipped when the first finds
    # nothing, as for the first articles of an empty store.
    assert many["write"] == few["write"] and few["find"] <= many["find"] <= few["find"] + 1, (few, many)
    _, grouped = count_ops(
        mongo_db, assign_flow(docs[80:], StoryConfig(update_articles=False, search_batch=4))
    )
    assert grouped["find"] > few["find"]  # the groups of 4 each make a query,
    assert grouped["round_trips"] <= few["round_trips"] + 1  # sent together: not a round trip each


def test_a_crawl_batch_makes_at_most_five_round_trips(mongo_db: Any) -> None:
    """A crawl's batch on a store with no merges: the lookup with the searches, the stories of what
    they found (not when every article found one story whose entry passes the threshold, or a copy
    of its body), the index write, the story write, the recheck with the merge links; no read-back."""
    ensure_story_indexes(mongo_db)
    docs = corpus()
    crawl = StoryConfig(update_articles=False, pending_articles=True)
    count_ops(mongo_db, assign_flow(docs[:12], crawl))
    results, counts = count_ops(mongo_db, assign_flow(docs[12:24], crawl))
    assert counts["round_trips"] == 4 and counts["write"] == 2, counts
    assert {r.kind for r in results} >= {"new", "near"}
    # a reprint of two stories, one of them stored: its entries are of two stories
    one, other = results[0], next(r for r in results if r.story_id != results[0].story_id)
    by_id = {d["_id"]: d for d in docs}
    mixed = doc(
        "https://x.vn/hai", "x", by_id[one.article_id]["body"] + "\n" + by_id[other.article_id]["body"], T0
    )
    _, counts = count_ops(mongo_db, assign_flow([mixed], crawl))
    assert counts["round_trips"] == 5 and counts["write"] == 2, counts


def test_copies_of_stored_bodies_fetch_no_story(mongo_db: Any) -> None:
    """A batch of copies (each body stored at another URL) decides on the earliest copy, whatever
    the near candidates, so its search does not fetch the entries of the stories it found."""
    ensure_story_indexes(mongo_db)
    storm = "\n".join(SAMPLES["bão"][0])
    crash = "\n".join(SAMPLES["giao thông"][0])
    stored = [
        doc("https://a.vn/bao", "a", storm, T0),
        doc("https://b.vn/bao", "b", "(Dân trí) - " + storm + "\nTheo TTXVN", T0 + timedelta(hours=1)),
        doc("https://a.vn/tai-nan", "a", crash, T0 + timedelta(hours=2)),
    ]
    for one in stored:  # one batch each: the story of the storm has two entries
        assign_stories(mongo_db, [one], PIPELINE)
    copies = [
        doc("https://c.vn/bao", "c", storm, T0 + timedelta(hours=3)),
        doc("https://c.vn/tai-nan", "c", crash, T0 + timedelta(hours=3)),
    ]
    crawl = StoryConfig(update_articles=False, pending_articles=True)
    results, counts = count_ops(mongo_db, assign_flow(copies, crawl))
    # the search with the lookup and the exact query, the index write, the story write, the links
    assert counts["round_trips"] == 4 and counts["write"] == 2, counts
    assert [(r.story_id, r.kind, r.matched_id) for r in results] == [
        (new_story_id("https://a.vn/bao"), "exact", "https://a.vn/bao"),
        (new_story_id("https://a.vn/tai-nan"), "exact", "https://a.vn/tai-nan"),
    ]


def step(db: Any, flow: Generator[Any, Any, Any], ops: int) -> tuple[Any, Any]:
    """Run the first `ops` operations of a flow; returns (the next pending op, the flow)."""
    op = next(flow)
    for _ in range(ops):
        op = flow.send(_execute_sync(db, op))
    return op, flow


def finish(db: Any, op: Any, flow: Generator[Any, Any, Any]) -> Any:
    try:
        while True:
            op = flow.send(_execute_sync(db, op))
    except StopIteration as stop:
        return stop.value


def test_story_merged_by_another_writer_after_its_article_was_given_it(mongo_db: Any) -> None:
    """The stale story_id of issue #14: writer B hands its article story S_b, B's article is written
    (as the crawl's store does, later), then writer A merges S_b into its smaller S_a. Settling
    B's ids after its write moves the article."""
    storm = "\n".join(SAMPLES["bão"][0])
    a_url, b_url = "https://a.vn/bao", "https://b.vn/bao"
    if new_story_id(a_url) > new_story_id(b_url):
        a_url, b_url = b_url, a_url  # A's story must be the smaller id: the one that survives
    ensure_story_indexes(mongo_db)
    a_doc = doc(a_url, "a", "(Dân trí) - " + storm, T0)
    b_doc = doc(b_url, "b", "TPO - " + storm + "\nTheo TTXVN", T0 + timedelta(minutes=5))
    # A searches (nothing stored yet) and pauses before writing: op 0 looks it up and sends the exact
    # and the band query, together.
    a_op, a_flow = step(mongo_db, assign_flow([a_doc], PIPELINE), 1)
    assert isinstance(a_op, Write)
    (b_result,) = assign_stories(mongo_db, [b_doc], PIPELINE)
    assert b_result.story_id == new_story_id(b_url) and b_result.kind == "new"
    (a_result,) = finish(mongo_db, a_op, a_flow)  # merges S_b into S_a: B's article is not stored yet
    assert a_result.story_id == new_story_id(a_url)
    assert mongo_db.story_merges.find_one({"_id": b_result.story_id})["into"] == a_result.story_id
    mongo_db.articles.insert_one({**b_doc, "story_id": b_result.story_id})  # B's store writes it now
    assert mongo_db.articles.find_one({"_id": b_url})["story_id"] == b_result.story_id  # stale
    settle_stories(mongo_db, [b_result.story_id])  # what B's crawl does once its articles are written
    assert mongo_db.articles.find_one({"_id": b_url})["story_id"] == a_result.story_id
    (story,) = mongo_db.stories.find()
    assert sorted(story["articles"]) == sorted([a_url, b_url])
    bands = {d["_id"]: d["story_id"] for d in mongo_db.story_bands.find()}
    assert bands == {a_url: a_result.story_id, b_url: a_result.story_id}


def test_an_article_another_writer_indexed_first_is_rechecked(mongo_db: Any) -> None:
    """Writer A's batch holds copies a and b of one story; writer B indexes b in a story of its own
    after A searched and before A writes. A's b then carries B's story, which A never weighed: A's
    recheck must link its new story to it, or the two copies stay in two stories."""
    storm = "\n".join(SAMPLES["bão"][0])
    ensure_story_indexes(mongo_db)
    a_doc = doc("https://a.vn/bao", "a", "(Dân trí) - " + storm, T0)
    b_doc = doc("https://b.vn/bao", "b", "TPO - " + storm + "\nTheo TTXVN", T0 + timedelta(minutes=5))
    # A searches (nothing stored yet) and pauses before writing: op 0 looks both up and sends the
    # exact and the band query, together.
    a_op, a_flow = step(mongo_db, assign_flow([a_doc, b_doc], PIPELINE), 1)
    assert isinstance(a_op, Write)
    (b_result,) = assign_stories(mongo_db, [b_doc], PIPELINE)  # B founds b's story first
    assert b_result.story_id == new_story_id(b_doc["_id"])
    finish(mongo_db, a_op, a_flow)
    bands = {d["_id"]: d["story_id"] for d in mongo_db.story_bands.find()}
    assert len(set(bands.values())) == 1, bands  # one story: A linked its story to B's
    (story,) = mongo_db.stories.find()
    assert sorted(story["articles"]) == sorted([a_doc["_id"], b_doc["_id"]])


def test_a_story_whose_founder_another_writer_indexed_first_joins_that_writers_story(
    mongo_db: Any,
) -> None:
    """Writer B's batch holds k and m: k founds a story and m joins it through k. Writer A indexes k
    first, in the story of its own j, after B searched and before B writes. B's k then carries A's
    story, and the story k founded in B holds m alone unless B links it to A's: every copy must
    end in one story."""
    storm = "\n".join(SAMPLES["bão"][0])
    ensure_story_indexes(mongo_db)
    j_doc = doc("https://j.vn/bao", "j", "(Dân trí) - " + storm, T0)
    k_doc = doc("https://k.vn/bao", "k", "TPO - " + storm + "\nTheo TTXVN", T0 + timedelta(minutes=5))
    m_doc = doc("https://m.vn/bao", "m", "Hà Nội (TTXVN) - " + storm + "\nPV", T0 + timedelta(minutes=9))
    b_op, b_flow = step(mongo_db, assign_flow([k_doc, m_doc], PIPELINE), 1)
    assert isinstance(b_op, Write)
    a_results = assign_stories(mongo_db, [j_doc, k_doc], PIPELINE)  # A indexes k in j's story first
    assert [r.kind for r in a_results] == ["new", "near"]
    b_results = finish(mongo_db, b_op, b_flow)
    bands = {d["_id"]: d["story_id"] for d in mongo_db.story_bands.find()}
    assert len(set(bands.values())) == 1, bands  # one story: B linked the story k founded to A's
    (story,) = mongo_db.stories.find()
    assert sorted(story["articles"]) == sorted(d["_id"] for d in (j_doc, k_doc, m_doc))
    assert {r.story_id for r in b_results} == {story["_id"]}


def test_a_story_a_batch_founds_is_inserted_as_its_update_would_create_it(mongo_db: Any) -> None:
    storm = "\n".join(SAMPLES["bão"][0])
    docs = [
        doc("https://b.vn/bao", "b", "TPO - " + storm, T0 + timedelta(minutes=5)),
        doc("https://a.vn/bao", "a", "(Dân trí) - " + storm, T0),
        doc("https://c.vn/bao", "b", storm + "\nTheo TTXVN", T0 + timedelta(hours=1)),
    ]
    members = [_prepare(d, T0) for d in docs]
    mongo_db.inserted.bulk_write([_story_insert("st_1", members, T0)])
    mongo_db.updated.bulk_write([_story_update("st_1", members, T0)])
    inserted, updated = mongo_db.inserted.find_one(), mongo_db.updated.find_one()
    assert inserted == updated
    assert list(inserted) == list(updated)  # the same fields in the same order
    assert inserted["outlets"] == ["b", "a"] and inserted["original"]["article"] == "https://a.vn/bao"


def test_a_story_another_writer_stored_first_gets_the_members_of_both(mongo_db: Any) -> None:
    """Writer A founds a story and pauses before its story write; writer B stores that story first
    (the same article in both, so the same id, with a member of B's own). A's insert of the story
    fails on `_id`, and A adds its members with the update instead: nothing of either is lost."""
    storm = "\n".join(SAMPLES["bão"][0])
    ensure_story_indexes(mongo_db)
    a_doc = doc("https://a.vn/bao", "a", "(Dân trí) - " + storm, T0)
    op, flow = step(mongo_db, assign_flow([a_doc], PIPELINE), 0)
    while not (isinstance(op, Write) and op.collection == PIPELINE.stories_collection):
        op = flow.send(_execute_sync(mongo_db, op))
    story_id = new_story_id(a_doc["_id"])
    b_member = _prepare(doc("https://b.vn/bao", "b", "TPO - " + storm, T0 + timedelta(minutes=5)), T0)
    mongo_db.stories.bulk_write([_story_update(story_id, [b_member], T0)])  # B's write lands first
    (result,) = finish(mongo_db, op, flow)
    assert result.story_id == story_id and result.kind == "new"
    (story,) = mongo_db.stories.find()
    assert story["articles"] == ["https://b.vn/bao", "https://a.vn/bao"]
    assert story["outlets"] == ["b", "a"] and story["original"]["article"] == "https://a.vn/bao"


# -- three processes ------------------------------------------------------------------------------

WORKERS = 3
BATCH = 4


def syndicated_sets() -> list[list[dict[str, Any]]]:
    """Each sample story reprinted by several outlets; each worker gets an overlapping share."""
    docs = []
    for topic, articles in SAMPLES.items():
        for i, paras in enumerate(articles):
            body = "\n".join(paras)
            for copy, prefix in enumerate(["", "(Dân trí) - ", "TPO - ", "Hà Nội (TTXVN) - ", "(PLO) - "]):
                when = T0 + timedelta(minutes=3 * copy + 17 * i)
                url = f"https://r{copy}.vn/{topic.replace(' ', '-')}-{i}"
                docs.append((f"{topic}:{i}", doc(url, f"r{copy}", prefix + body + f"\nPV {copy}", when)))
    # Worker w takes two thirds of the copies, interleaved, so every copy is in two workers' sets.
    return [[d for n, (_, d) in enumerate(docs) if n % WORKERS != w] for w in range(WORKERS)]


def crawl_worker(uri: str, db_name: str, docs: list[dict[str, Any]], start: Any) -> None:
    """A crawl in miniature: assign a batch, then store its articles (keeping a stored story_id, as
    the store's upsert does), and settle the ids it handed out at the end."""
    with pymongo.MongoClient(uri, tz_aware=True) as client:
        db = client[db_name]
        given: set[str] = set()
        start.wait()
        for at in range(0, len(docs), BATCH):
            batch = docs[at : at + BATCH]
            for d, result in zip(batch, assign_stories(db, batch, PIPELINE), strict=True):
                given.add(result.story_id)
                db.articles.update_one(
                    {"_id": d["_id"]}, {"$setOnInsert": {**d, "story_id": result.story_id}}, upsert=True
                )
        settle_stories(db, given)


@pytest.mark.parametrize("round_", range(2))
def test_three_processes_on_overlapping_syndicated_sets(
    mongo_server: str, mongo_db_name: str, round_: int
) -> None:
    sets = syndicated_sets()
    with pymongo.MongoClient(mongo_server, tz_aware=True) as client:
        ensure_story_indexes(client[mongo_db_name])
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=crawl_worker, args=(mongo_server, mongo_db_name, s, start)) for s in sets]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    with pymongo.MongoClient(mongo_server, tz_aware=True) as client:
        db = client[mongo_db_name]
        by_story: dict[str, set[str]] = defaultdict(set)
        for art in db.articles.find({}, {"story_id": 1}):
            by_story[art["story_id"]].add(art["_id"])
        stories = {s["_id"]: set(s["articles"]) for s in db.stories.find()}
        bands: dict[str, set[str]] = defaultdict(set)
        for b in db.story_bands.find({}, {"story_id": 1}):
            bands[b["story_id"]].add(b["_id"])
        assert stories == dict(by_story) == dict(bands)
        expected = sum(len(a) for a in SAMPLES.values())
        assert len(stories) == expected  # one story per sample, carried by its five outlets
        assert all(len(members) == 5 for members in stories.values())
        assert db.articles.count_documents({}) == 5 * expected
