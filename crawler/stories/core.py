"""Story assignment as plain data: the queries and writes, decided without touching a database.

`assign_flow` is a generator that yields the operations it needs (`Find`, `Write`) and receives their
results, so the blocking runner (CLI, tests) and the asyncio runner (Scrapy pipeline) in
`crawler.stories.store` share every decision. A batch of articles is searched with one query per
group of articles (`search_batch`). Merges between writers are links in their own collection, smaller
id wins, so every writer converges on the same story whatever the interleaving. See docs/stories.md.

An index entry puts in the band index (`bands`) only the bands that no other entry of its own story
and day has (`index_bands`); all its bands are kept in `all_bands`. A search that finds an entry of a
story then fetches that story's entries in the window (`_band_search`), so it sees every entry
sharing a band, whenever they can change the story chosen: not for an article with a stored copy of
its body (the earliest copy decides), nor for one whose entries found are all of one story, one of
them at or above the threshold (that story wins whatever its other entries score), unless an earlier
article of its batch, of another story, competes for it. The stories chosen are those of an index
holding every band; the matched entry may be another entry of the same story. A story reprinted by
50 outlets is then found through a few entries, not 50, and a reprint writes a few index keys, not 42.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
from bson import Binary
from pymongo import ASCENDING, DESCENDING, DeleteOne, IndexModel, InsertOne, UpdateMany, UpdateOne

from crawler.normalize import body_hash as compute_body_hash
from crawler.stories.fingerprint import (
    FINGERPRINT_VERSION,
    Fingerprint,
    band_keys,
    estimated_jaccard,
    fingerprint,
    signature_from_bytes,
)

# Chosen with benchmarks/eval_stories.py (docs/stories.md has the table): estimated Jaccard of
# 4-syllable shingles at or above which two bodies are one story.
DEFAULT_THRESHOLD = 0.3
DEFAULT_WINDOW_DAYS = 3

# The agency's own outlets (Vietnam News Agency, TTXVN): their article is the story's original.
AGENCY_OUTLETS = frozenset({"vietnamplus", "baotintuc", "bnews", "vnanet", "ttxvn", "vna"})
AGENCY_CREDITS = ("ttxvn", "vnanet", "vietnam+", "vietnamplus", "thông tấn xã việt nam", "vna")

Kind = Literal["new", "exact", "near"]
_DAY = 86_400


@dataclass(frozen=True)
class StoryConfig:
    """What a deployment may tune (Scrapy settings STORIES_*; CLI flags)."""

    threshold: float = DEFAULT_THRESHOLD
    window_days: int = DEFAULT_WINDOW_DAYS
    max_candidates: int = 200  # per article: bounds the cost when a boilerplate text recurs
    bands_collection: str = "story_bands"
    stories_collection: str = "stories"
    articles_collection: str = "articles"
    merges_collection: str = "story_merges"  # story id → the story it was merged into
    search_batch: int = 8  # articles whose bands go in one query (see `_band_search`)
    update_articles: bool = True
    # the batch's articles are not stored yet (a crawl: their story_id rides into the store's upsert):
    # their `story_id` is not set in the store, and the results carry no `original_id`
    pending_articles: bool = False


@dataclass(frozen=True)
class StoryAssignment:
    """The story an article belongs to and how it got there."""

    article_id: str
    story_id: str
    kind: Kind
    original_id: str | None = None
    matched_id: str | None = None  # the stored article it matched (exact or near)
    score: float | None = None  # estimated Jaccard for "near", 1.0 for "exact"


# -- operations the runners execute --------------------------------------------------------------


@dataclass(frozen=True)
class Find:
    collection: str
    filter: Mapping[str, Any]
    projection: Mapping[str, Any] | None = None
    limit: int = 0


@dataclass(frozen=True)
class Together:
    """Finds that do not depend on one another: an asyncio runner sends them at once (one round trip
    of waiting, not one each); the result is the list of their results, in order."""

    finds: Sequence[Find]


@dataclass(frozen=True)
class Write:
    """An unordered bulk write; its result is a `Written`. Duplicate-key errors (an insert of a
    document another writer stored first, racing upserts) are expected and reported, not raised."""

    collection: str
    requests: Sequence[Any]


@dataclass(frozen=True)
class Written:
    """What a `Write` did: the indexes of its requests refused on a duplicate key."""

    duplicates: frozenset[int] = frozenset()


def band_indexes() -> list[IndexModel]:
    return [
        IndexModel([("bands", ASCENDING), ("d", ASCENDING)], name="band_day"),
        IndexModel([("body_hash", ASCENDING), ("d", ASCENDING)], name="body_day"),
        IndexModel([("story_id", ASCENDING)], name="by_story"),
    ]


def story_indexes() -> list[IndexModel]:
    return [
        IndexModel([("last_published_at", DESCENDING)], name="latest"),
        IndexModel([("first_published_at", DESCENDING)], name="by_first_published"),
    ]


# -- pure helpers --------------------------------------------------------------------------------


def day_bucket(when: datetime) -> int:
    """Days since 1970-01-01 UTC: the unit of the search window."""
    return int(when.timestamp()) // _DAY


def new_story_id(article_id: str) -> str:
    """Derived from the founding article, so two processes founding it agree on the id."""
    return "st_" + hashlib.sha1(article_id.encode()).hexdigest()[:20]


def original_rank(outlet: str, credit: str | None) -> int:
    """0: the agency's own outlet; 1: credited to the agency; 2: anyone else."""
    if outlet.lower() in AGENCY_OUTLETS:
        return 0
    text = (credit or "").casefold()
    return 1 if any(name in text for name in AGENCY_CREDITS) else 2


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class _Item:
    key: str
    outlet: str
    title: str
    when: datetime
    day: int
    rank: int
    body_hash: str | None
    fp: Fingerprint
    story_id: str = ""
    kind: Kind = "new"
    matched: str | None = None
    score: float | None = None
    seen: set[str] = field(default_factory=set)  # ids considered in the first search
    indexed: tuple[int, ...] | None = None  # bands it puts in the index (None: all, see `index_bands`)
    borrowed: tuple[int, ...] = ()  # bands left to earlier entries of its batch (`lenders`)
    lenders: frozenset[str] = frozenset()


def _prepare(doc: Mapping[str, Any], now: datetime) -> _Item:
    key = doc.get("_id") or doc["url"]
    body = doc.get("body") or ""
    when = _aware(doc.get("published_at")) or _aware(doc.get("fetched_at")) or now
    given = doc.get("fingerprint")  # computed beside the extraction (`BodyFingerprint`), if at all
    fp = given if isinstance(given, Fingerprint) else fingerprint(body)
    bh = (doc.get("body_hash") or compute_body_hash(body)) if fp.usable else None
    return _Item(
        key=key,
        outlet=doc.get("outlet") or "",
        title=doc.get("title") or "",
        when=when,
        day=day_bucket(when),
        rank=original_rank(doc.get("outlet") or "", doc.get("credit")),
        body_hash=bh,
        fp=fp,
    )


_BAND_PROJECTION = {"story_id": 1, "sig": 1, "d": 1, "t": 1, "body_hash": 1, "kind": 1, "matched": 1}


def pack_bands(bands: Sequence[int]) -> Binary:
    """All band keys as one binary (int64 little-endian): read back whole, never searched."""
    return Binary(np.asarray(bands, dtype="<i8").tobytes())


def entry_bands(doc: Mapping[str, Any]) -> Sequence[int]:
    """Every band of a stored entry: from `all_bands`, or for an entry written before it existed,
    from its signature (the same keys its `bands` holds)."""
    packed = doc.get("all_bands")
    if packed is None:
        return band_keys(signature_from_bytes(doc["sig"]))
    keys: list[int] = np.frombuffer(packed, dtype="<i8").tolist()
    return keys


def band_document(item: _Item, now: datetime) -> dict[str, Any]:
    bands = item.fp.bands if item.indexed is None else item.indexed
    return {
        "_id": item.key,
        "story_id": item.story_id,
        "kind": item.kind,
        "matched": item.matched,
        "score": item.score,
        "d": item.day,
        "t": item.when,
        "outlet": item.outlet,
        "title": item.title,
        "rank": item.rank,
        "body_hash": item.body_hash,
        "bands": list(bands) if item.fp.usable else [],
        "all_bands": pack_bands(item.fp.bands if item.fp.usable else ()),
        "sig": Binary(item.fp.signature_bytes()),
        "shingles": item.fp.shingle_count,
        "fp": FINGERPRINT_VERSION,
        "indexed_at": now,
    }


def _original(rank: int, when: datetime, key: str, title: str) -> dict[str, Any]:
    # Field order is the comparison order of $min: agency first, then earliest, then URL.
    return {"rank": rank, "published_at": when, "article": key, "title": title}


def _stored_time(when: datetime) -> datetime:
    """A time as the store compares it: BSON keeps milliseconds."""
    return when.replace(microsecond=when.microsecond // 1000 * 1000)


def _by_story(items: Sequence[_Item]) -> dict[str, list[_Item]]:
    by_story: dict[str, list[_Item]] = {}
    for item in items:
        by_story.setdefault(item.story_id, []).append(item)
    return by_story


def story_updates(items: Sequence[_Item], now: datetime) -> list[UpdateOne]:
    """Adds articles to their stories, one statement per story: the document one statement per
    article would leave (members in the order given, the `$min` original chosen as the store
    compares it), for a cost that does not grow with the story's share of the batch. Commutative,
    so racing writers end in the same document."""
    return [_story_update(story_id, members, now) for story_id, members in _by_story(items).items()]


def _story_members(items: Sequence[_Item]) -> tuple[list[str], list[str], list[datetime], dict[str, Any]]:
    """A story's new members as its document holds them: articles, outlets, times, the original."""
    best = min(items, key=lambda it: (it.rank, _stored_time(it.when), it.key, it.title))
    return (
        [it.key for it in items],
        list(dict.fromkeys(it.outlet for it in items)),
        [it.when for it in items],
        _original(best.rank, best.when, best.key, best.title),
    )


def _story_update(story_id: str, items: Sequence[_Item], now: datetime) -> UpdateOne:
    return _members_update(story_id, *_story_members(items), now)


def _story_insert(story_id: str, items: Sequence[_Item], now: datetime) -> InsertOne[dict[str, Any]]:
    """The document `_story_update` creates for a story not stored yet, as a plain insert (a server
    commits a bulk's inserts together, each update on its own: crawler/store/schema.py,
    `insert_article`). Fields in the order the upsert leaves them (MongoDB 5+, SecantusDB)."""
    articles, outlets, times, original = _story_members(items)  # a batch's articles are distinct
    return InsertOne(
        {
            "_id": story_id,
            "articles": articles,
            "created_at": now,
            "first_published_at": min(times),
            "last_published_at": max(times),
            "original": original,
            "outlets": outlets,
            "updated_at": now,
        }
    )


def _members_update(
    story_id: str,
    articles: list[str],
    outlets: list[str],
    times: list[datetime],
    original: dict[str, Any],
    now: datetime,
) -> UpdateOne:
    """The upsert that adds members to a story document; every part commutes with a racing one."""
    return UpdateOne(
        {"_id": story_id},
        {
            "$addToSet": {"articles": {"$each": articles}, "outlets": {"$each": outlets}},
            "$min": {"first_published_at": min(times), "original": original},
            "$max": {"last_published_at": max(times), "updated_at": now},
            "$setOnInsert": {"created_at": now},
        },
        upsert=True,
    )


def _similar(item: _Item, doc: Mapping[str, Any]) -> float:
    return estimated_jaccard(item.fp.signature, signature_from_bytes(doc["sig"]))


def _best_near(item: _Item, docs: Iterable[Mapping[str, Any]], threshold: float) -> tuple[Any, float] | None:
    best: tuple[Any, float] | None = None
    for doc in docs:
        if doc["_id"] == item.key:
            continue
        score = _similar(item, doc)
        if score >= threshold and (
            best is None or (score, -doc["t"].timestamp()) > (best[1], -best[0]["t"].timestamp())
        ):
            best = (doc, score)
    return best


def _item_as_doc(item: _Item) -> dict[str, Any]:
    return {
        "_id": item.key,
        "story_id": item.story_id,
        "sig": item.fp.signature_bytes(),
        "d": item.day,
        "t": item.when,
        "body_hash": item.body_hash,
        "bands": item.fp.bands,
    }


# -- the flow ------------------------------------------------------------------------------------

Op = Find | Write | Together
# What a search needs of an entry. Not `bands`: a server may copy every array it returns (SecantusDB
# does, at a cost like that of the match), and `all_bands` has them all as one binary.
_SEARCH_PROJECTION = {"story_id": 1, "sig": 1, "d": 1, "t": 1, "all_bands": 1}
# What an exact match needs (`_choose`): it returns every stored copy of a body in the window.
_EXACT_PROJECTION = {"story_id": 1, "d": 1, "t": 1, "body_hash": 1}
_MEMBER_PROJECTION = {"story_id": 1, "t": 1, "outlet": 1, "rank": 1, "title": 1}


def assign_flow(
    docs: Sequence[Mapping[str, Any]], config: StoryConfig, now: datetime | None = None
) -> Generator[Op, Any, list[StoryAssignment]]:
    """Assign a story to each article document (in order; later ones may join earlier ones).

    Steps: articles already indexed keep their story; an exact body match in the window joins its
    story; else the best LSH candidate whose estimated Jaccard ≥ threshold; else a new story. The
    whole batch is searched with one query. A new story is re-checked after it is written: if a
    concurrent writer indexed a match meanwhile, the two are linked, the larger id into the smaller,
    and so is a story whose founder a concurrent writer indexed first in a story of its own (the
    articles that joined the founder here follow it). Every story the batch touched is then settled
    onto the story it was merged into.
    """
    now = now or datetime.now(UTC)
    items = _unique_items(docs, now)
    if not items:
        return []
    todo = yield from _search_and_decide(items, config)
    lost = yield from _write_flow(todo, items, config, now)
    fresh = [it for it in todo if it.kind == "new" and it.fp.usable]
    # an entry of this batch that another writer indexed first carries that writer's story, which
    # this batch never weighed: the recheck looks at it like at any other writer's entry
    touched = {it.story_id for it in items}
    pairs, links = yield from _recheck_flow(fresh, {it.key for it in items} - lost, touched, config)
    linked = yield from link_flow(pairs + _orphaned(todo, lost), config, now)
    # the links of the batch's stories came with the recheck (after the writes, as settling needs)
    moved = yield from settle_flow(touched | linked, config, now, None if linked else links)
    refresh = bool(linked) or moved or not config.pending_articles
    return (yield from _results_flow(items, docs, config, refresh))


def _orphaned(todo: Sequence[_Item], lost: set[str]) -> list[tuple[str, str]]:
    """The stories this batch founded whose founder another writer indexed first, in its own story,
    each paired with that story: the articles that joined the founder here follow it there."""
    held = {it.story_id for it in todo}
    founded = ((new_story_id(it.key), it.story_id) for it in todo if it.key in lost and it.kind == "new")
    return [(sid, into) for sid, into in founded if sid in held and sid != into]


def _unique_items(docs: Sequence[Mapping[str, Any]], now: datetime) -> list[_Item]:
    items: dict[str, _Item] = {}
    for doc in docs:
        item = _prepare(doc, now)
        items.setdefault(item.key, item)
    return list(items.values())


def _day_span(items: Sequence[_Item], days: int) -> dict[str, int]:
    return {"$gte": min(it.day for it in items) - days, "$lte": max(it.day for it in items) + days}


def _band_search(
    items: Sequence[_Item],
    cfg: StoryConfig,
    extra: Sequence[Find] = (),
    others_only: bool = False,
    settled: Callable[[list[Any], Mapping[str, list[Any]]], set[str]] = lambda _extra, _first: set(),
) -> Generator[Op, Any, tuple[dict[str, list[Any]], list[Any]]]:
    """The stored entries sharing a band with each item, within its window: two queries per
    `search_batch` items, not per item, every group's sent together (and `extra` finds with the
    first ones, whose results come back second). `others_only` (decided items): an item's own
    story is not fetched for it, as only the other stories it finds count (`_recheck_flow`).

    Each item gets the share its own query on an index of every band would return: the entries that
    have one of its bands and lie in its own window, at most `max_candidates` of them. The first
    query finds the entries holding one of the group's bands in the index; the second fetches the
    entries of the stories an item found there, in the window, where the entries that left a shared
    band out of the index are (`index_bands`): an entry sharing a band with the item in its window
    is of a story and day whose entries hold that band. The group is bounded because a server may
    check every returned entry against every key of the `$in` (SecantusDB does: the cost of a query
    grows with keys × entries, docs/performance.md); MongoDB can take a whole write batch.

    `settled(extra results, first shares)` names the items the first query settles: they keep what
    it found them, their stories are not fetched for them. Returns the shares and the extra results.
    """
    size = max(1, cfg.search_batch)
    groups = [items[at : at + size] for at in range(0, len(items), size)]
    spans = [_day_span(group, cfg.window_days) for group in groups]
    limits = [cfg.max_candidates * len(group) for group in groups]
    firsts = [
        Find(
            cfg.bands_collection,
            {"bands": {"$in": sorted({band for it in group for band in it.fp.bands})}, "d": span},
            _SEARCH_PROJECTION,
            limit,
        )
        for group, span, limit in zip(groups, spans, limits, strict=True)
    ]
    results: list[Any] = (yield Together([*extra, *firsts])) if extra or firsts else []
    extra_results, founds = results[: len(extra)], results[len(extra) :]
    first: dict[str, list[Any]] = {}
    for group, found in zip(groups, founds, strict=True):
        first.update(_shares(group, found, cfg))
    done = settled(extra_results, first)
    wanted = [
        {
            d["story_id"]
            for it in group
            if it.key not in done
            for d in first[it.key]
            if not others_only or d["story_id"] != it.story_id
        }
        for group in groups
    ]
    asked = [i for i, stories in enumerate(wanted) if stories]
    members: list[Any] = []
    if asked:
        members = yield Together([_story_entries(wanted[i], spans[i], limits[i], cfg) for i in asked])
    shares = first
    for i, more in zip(asked, members, strict=True):
        weighed = [it for it in groups[i] if it.key not in done]
        shares.update(_shares(weighed, _joined(founds[i], more), cfg))
    return shares, extra_results


def _story_entries(story_ids: Iterable[str], span: Mapping[str, int], limit: int, cfg: StoryConfig) -> Find:
    """The entries of these stories in a window: where those that left a band out of the index are."""
    return Find(
        cfg.bands_collection, {"story_id": {"$in": sorted(story_ids)}, "d": span}, _SEARCH_PROJECTION, limit
    )


def _joined(found: list[Any], more: list[Any]) -> list[Any]:
    """The entries found, then those of `more` not among them."""
    known = {d["_id"] for d in found}
    return found + [d for d in more if d["_id"] not in known]


def _shares(group: Sequence[_Item], found: list[Any], cfg: StoryConfig) -> dict[str, list[Any]]:
    by_band: dict[int, list[Any]] = {}
    for doc in found:
        for band in entry_bands(doc):
            by_band.setdefault(band, []).append(doc)
    shares: dict[str, list[Any]] = {}
    for it in group:
        share: dict[str, Any] = {}
        for band in it.fp.bands:
            for doc in by_band.get(band, ()):
                if abs(doc["d"] - it.day) <= cfg.window_days:
                    share.setdefault(doc["_id"], doc)
        shares[it.key] = list(share.values())[: cfg.max_candidates]
    return shares


def index_bands(items: Sequence[_Item], near_by: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    """Which of its bands each decided item puts in the index: those that no other entry of its own
    story and day has, stored or earlier in this batch.

    What holds: every band of every stored entry is in the index on an entry of that entry's story
    and day. So a later search sharing a band left out finds an entry of the story inside the same
    windows (same day), and with it the story, whose entries `_band_search` then fetches. A merge
    moves every entry of a story together, which keeps it. A band left to an earlier entry of the
    batch is borrowed: if that entry's write loses to another writer's with another story,
    `_write_flow` puts the borrowed bands back.
    """
    lenders: dict[tuple[str, int], dict[int, str]] = {}  # (story, day) → band → earlier batch entry
    for it in items:
        if not it.fp.usable:
            continue
        group = (it.story_id, it.day)
        held = {
            band
            for doc in near_by.get(it.key, ())
            if doc["story_id"] == it.story_id and doc["d"] == it.day
            for band in entry_bands(doc)
        }
        lent = lenders.setdefault(group, {})
        borrowed = {band: lent[band] for band in it.fp.bands if band not in held and band in lent}
        it.indexed = tuple(band for band in it.fp.bands if band not in held and band not in borrowed)
        it.borrowed = tuple(borrowed)
        it.lenders = frozenset(borrowed.values())
        for band in it.fp.bands:
            lent.setdefault(band, it.key)


def _search_and_decide(items: list[_Item], cfg: StoryConfig) -> Generator[Op, Any, list[_Item]]:
    """Search and decide the batch; returns the items to write. An article already indexed keeps
    its story (looked up with the search, in the same round trip) and is not written again."""
    usable = [it for it in items if it.fp.usable]
    finds = [Find(cfg.bands_collection, {"_id": {"$in": [it.key for it in items]}}, _BAND_PROJECTION)]
    if usable:
        hashes = sorted({it.body_hash for it in usable if it.body_hash})
        span = _day_span(usable, cfg.window_days)
        finds.append(Find(cfg.bands_collection, {"body_hash": {"$in": hashes}, "d": span}, _EXACT_PROJECTION))
    # the items whose one found story is not fetched, should an earlier article of the batch
    # compete with it (then it is fetched and the batch decided again)
    unweighed: dict[str, str] = {}

    def settled(extra: list[Any], first: Mapping[str, list[Any]]) -> set[str]:
        unweighed.update(_one_story(usable, first, cfg))
        return _copied(usable, extra[1] if len(extra) > 1 else [], cfg) | set(unweighed)

    near_by, (stored, *exact_results) = yield from _band_search(usable, cfg, finds, settled=settled)
    stored_by = {d["_id"]: d for d in stored}
    for it in items:
        if (old := stored_by.get(it.key)) is not None:
            it.story_id, it.kind, it.matched = old["story_id"], old.get("kind", "new"), old.get("matched")
    todo = [it for it in items if it.key not in stored_by]
    exact_docs: list[Mapping[str, Any]] = exact_results[0] if exact_results else []
    while challenged := _decide(todo, exact_docs, near_by, cfg, unweighed):
        stories = {unweighed.pop(it.key) for it in challenged}
        span = _day_span(challenged, cfg.window_days)
        more = yield _story_entries(stories, span, cfg.max_candidates * len(challenged), cfg)
        for it in challenged:
            near_by.update(_shares([it], _joined(near_by[it.key], more), cfg))
    index_bands([it for it in todo if it.fp.usable], near_by)
    return todo


def _copied(items: Sequence[_Item], exact_docs: list[Mapping[str, Any]], cfg: StoryConfig) -> set[str]:
    """The items with a stored copy of their body in their window: `_choose` takes the earliest copy
    whatever the near candidates, so a search need not fetch the stories they found."""
    days: dict[str, list[int]] = {}
    for d in exact_docs:
        days.setdefault(d["body_hash"], []).append(d["d"])
    return {
        it.key
        for it in items
        if any(abs(day - it.day) <= cfg.window_days for day in days.get(it.body_hash or "", ()))
    }


def _one_story(items: Sequence[_Item], shares: Mapping[str, list[Any]], cfg: StoryConfig) -> dict[str, str]:
    """The items whose entries found are all of one story, one of them at or above the threshold:
    that story wins against every other stored one whatever its other entries score, so they need
    not be fetched (the match is then the best entry found, not perhaps the best of the story)."""
    one: dict[str, str] = {}
    for it in items:
        share = shares.get(it.key, ())
        stories = {d["story_id"] for d in share}
        if len(stories) == 1 and any(_similar(it, d) >= cfg.threshold for d in share):
            one[it.key] = stories.pop()
    return one


def _decide(
    todo: list[_Item],
    exact_docs: list[Mapping[str, Any]],
    near_by: dict[str, list[Any]],
    cfg: StoryConfig,
    unweighed: Mapping[str, str] | None = None,
) -> list[_Item]:
    """Decide in order; earlier articles of this batch are candidates for later ones. Returns the
    items of `unweighed` (key → the one stored story found, whose other entries were not fetched)
    that an earlier article of another story competes for: their decision needs those entries."""
    peers_by_band: dict[int, list[_Item]] = {}
    peers_by_hash: dict[str, _Item] = {}
    challenged: list[_Item] = []
    for it in todo:
        it.matched = it.score = None
        if not it.fp.usable:
            it.story_id, it.kind = new_story_id(it.key), "new"
            continue
        exact = [
            d
            for d in exact_docs
            if d["body_hash"] == it.body_hash and abs(d["d"] - it.day) <= cfg.window_days
        ]
        peer = peers_by_hash.get(it.body_hash or "")
        if peer is not None and abs(peer.day - it.day) <= cfg.window_days:
            exact.append(_item_as_doc(peer))
        candidates = list(near_by.get(it.key, []))
        peers: dict[str, _Item] = {}  # each earlier peer once, in the order its first band finds it
        for band in it.fp.bands:
            for p in peers_by_band.get(band, ()):
                if abs(p.day - it.day) <= cfg.window_days:
                    peers.setdefault(p.key, p)
        candidates += [_item_as_doc(p) for p in peers.values()]
        it.seen = {d["_id"] for d in candidates} | {d["_id"] for d in exact}
        found = (unweighed or {}).get(it.key)
        if found is not None and not exact:
            rivals = (d for d in candidates if d["story_id"] != found)
            if any(_similar(it, d) >= cfg.threshold for d in rivals):
                challenged.append(it)
        _choose(it, exact, candidates, cfg.threshold)
        peers_by_hash.setdefault(it.body_hash or "", it)
        for band in it.fp.bands:
            peers_by_band.setdefault(band, []).append(it)
    return challenged


def _choose(it: _Item, exact: list[Mapping[str, Any]], candidates: list[Any], threshold: float) -> None:
    if exact:
        match = min(exact, key=lambda d: (d["t"], d["_id"]))
        it.story_id, it.kind, it.matched, it.score = match["story_id"], "exact", match["_id"], 1.0
    elif (best := _best_near(it, candidates, threshold)) is not None:
        doc, score = best
        it.story_id, it.kind, it.matched, it.score = doc["story_id"], "near", doc["_id"], round(score, 4)
    else:
        it.story_id, it.kind = new_story_id(it.key), "new"


def _write_flow(
    todo: list[_Item], items: list[_Item], cfg: StoryConfig, now: datetime
) -> Generator[Op, Any, set[str]]:
    """Index the new articles, add them to their stories and (CLI) set their `story_id`; returns the
    articles another writer indexed first, in another story.

    The index entry is insert-if-absent: when two writers index one article, the first one's story
    wins, and the loser adds the article to that story, not to its own.
    """
    lost: set[str] = set()
    if todo:
        written = yield Write(cfg.bands_collection, [InsertOne(band_document(it, now)) for it in todo])
        # an entry this write inserted holds its own story; the others another writer indexed first
        inserted = {it.key for i, it in enumerate(todo) if i not in written.duplicates}
        won_by = {it.key: it.story_id for it in todo if it.key in inserted}
        if unsure := [it.key for it in todo if it.key not in inserted]:
            won = yield Find(cfg.bands_collection, {"_id": {"$in": unsure}}, {"story_id": 1})
            won_by.update((d["_id"], d["story_id"]) for d in won)
        lost = {it.key for it in todo if won_by.get(it.key, it.story_id) != it.story_id}
        if lost:  # bands borrowed from an entry another writer indexed in another story go back
            yield Write(
                cfg.bands_collection,
                [
                    UpdateOne({"_id": it.key}, {"$addToSet": {"bands": {"$each": list(it.borrowed)}}})
                    for it in todo
                    if it.key not in lost and it.lenders & lost
                ],
            )
        for it in todo:
            it.story_id = won_by.get(it.key, it.story_id)
        yield from _stories_write(todo, inserted, cfg, now)
    if cfg.update_articles and not cfg.pending_articles:
        yield Write(
            cfg.articles_collection,
            [
                UpdateOne(
                    {"_id": it.key, "story_id": {"$ne": it.story_id}}, {"$set": {"story_id": it.story_id}}
                )
                for it in items
            ],
        )
    return lost


def _stories_write(
    todo: list[_Item], inserted: set[str], cfg: StoryConfig, now: datetime
) -> Generator[Op, Any, None]:
    """Add the batch's articles to their stories (`story_updates`). A story founded by an article
    whose entry this batch inserted is not stored yet: it is inserted, and should another writer
    have stored it meanwhile (the same article, founding the same id), it gets the update."""
    groups = _by_story(todo)
    founded = {it.story_id for it in todo if it.kind == "new" and it.key in inserted}
    writes = [
        _story_insert(sid, members, now) if sid in founded else _story_update(sid, members, now)
        for sid, members in groups.items()
    ]
    written = yield Write(cfg.stories_collection, writes)
    beaten = [sid for i, sid in enumerate(groups) if i in written.duplicates]
    if beaten:
        yield Write(cfg.stories_collection, [_story_update(sid, groups[sid], now) for sid in beaten])


def _recheck_flow(
    fresh: list[_Item], batch_keys: set[str], story_ids: set[str], cfg: StoryConfig
) -> Generator[Op, Any, tuple[list[tuple[str, str]], list[Any]]]:
    """New stories against what concurrent writers indexed since the first search: pairs to merge,
    and the merge links of `story_ids`, asked in the same round trip (for `settle_flow`)."""
    links = Find(cfg.merges_collection, {"_id": {"$in": sorted(story_ids)}}, {"into": 1})
    found_by, (known,) = yield from _band_search(fresh, cfg, [links], others_only=True)
    pairs: list[tuple[str, str]] = []
    for it in fresh:
        for d in found_by.get(it.key, ()):
            if d["_id"] in batch_keys or d["_id"] in it.seen or d["story_id"] == it.story_id:
                continue
            if _similar(it, d) >= cfg.threshold:
                pairs.append((it.story_id, d["story_id"]))
    return pairs, known


def _results_flow(
    items: list[_Item], docs: Sequence[Mapping[str, Any]], cfg: StoryConfig, refresh: bool
) -> Generator[Op, Any, list[StoryAssignment]]:
    """The assignments; `refresh`: read the stories back first (a merge moved some). A merge that
    another writer makes after this batch settled reaches a crawl's articles when the crawl settles
    the ids it handed out (crawler/pipelines/stories.py)."""
    if refresh:
        final = yield Find(cfg.bands_collection, {"_id": {"$in": [it.key for it in items]}}, {"story_id": 1})
        final_by = {d["_id"]: d["story_id"] for d in final}
        for it in items:
            it.story_id = final_by.get(it.key, it.story_id)
    originals: dict[str, Any] = {}
    if not cfg.pending_articles:
        story_ids = sorted({it.story_id for it in items})
        stories = yield Find(cfg.stories_collection, {"_id": {"$in": story_ids}}, {"original": 1})
        originals = {s["_id"]: (s.get("original") or {}).get("article") for s in stories}
    by_key = {
        it.key: StoryAssignment(
            it.key, it.story_id, it.kind, originals.get(it.story_id), it.matched, it.score
        )
        for it in items
    }
    return [by_key[(d.get("_id") or d["url"])] for d in docs]


# -- merges: links in their own collection, settled by every writer ------------------------------


def roots_flow(
    story_ids: Iterable[str], cfg: StoryConfig, known: list[Any] | None = None
) -> Generator[Op, Any, dict[str, str]]:
    """Each story id's surviving story. Links always point to a smaller id, so every chain ends.
    `known`: the links of `story_ids` themselves, when already read."""
    ids = set(story_ids)
    parent: dict[str, str] = {}
    asked: set[str] = set()
    frontier = ids
    while frontier:
        asked |= frontier
        if known is not None:
            links, known = known, None
        else:
            links = yield Find(cfg.merges_collection, {"_id": {"$in": sorted(frontier)}}, {"into": 1})
        for link in links:
            parent[link["_id"]] = link["into"]
        frontier = {link["into"] for link in links} - asked

    def root(sid: str) -> str:
        while sid in parent:
            sid = parent[sid]
        return sid

    return {sid: root(sid) for sid in ids}


def _groups(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Union of pairs: every id that is not its group's smallest, mapped to that smallest."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent if find(x) != x}


def link_flow(
    pairs: Sequence[tuple[str, str]], cfg: StoryConfig, now: datetime
) -> Generator[Op, Any, set[str]]:
    """Record that each pair of stories is one story; returns the ids linked away.

    A link is insert-if-absent on the larger root, so two writers linking one story to two
    different targets both see which one won; the loser then links its target to the winner's.
    """
    linked: set[str] = set()
    pending = list(pairs)
    while pending:
        roots = yield from roots_flow({sid for pair in pending for sid in pair}, cfg)
        wanted = _groups((roots[a], roots[b]) for a, b in pending)
        if not wanted:
            break
        yield Write(
            cfg.merges_collection,
            [
                UpdateOne({"_id": sid}, {"$setOnInsert": {"into": into, "merged_at": now}}, upsert=True)
                for sid, into in wanted.items()
            ],
        )
        recorded = yield Find(cfg.merges_collection, {"_id": {"$in": sorted(wanted)}}, {"into": 1})
        got = {d["_id"]: d["into"] for d in recorded}
        linked |= set(wanted)
        pending = [(into, got[sid]) for sid, into in wanted.items() if got.get(sid, into) != into]
    return linked


def settle_flow(
    story_ids: Iterable[str], cfg: StoryConfig, now: datetime, known: list[Any] | None = None
) -> Generator[Op, Any, bool]:
    """Move the members of every merged-away story among these into the story that survives;
    returns whether any moved. `known`: the links of `story_ids`, read after this writer's writes.

    Each writer runs this after its own writes. A link is written before its author moves anything,
    so a writer that finds no link here wrote early enough for the link's author to move its work;
    one that finds a link moves its work itself, then checks the target again.
    """
    pending = set(story_ids)
    moved = False
    while pending:
        roots = yield from roots_flow(pending, cfg, known)
        known = None
        moves = {sid: root for sid, root in roots.items() if sid != root}
        if not moves:
            return moved
        yield from _move_flow(moves, cfg, now)
        moved = True
        pending = set(moves.values())
    return moved


def _move_flow(moves: Mapping[str, str], cfg: StoryConfig, now: datetime) -> Generator[Op, Any, None]:
    """Every index entry (and stored article) of each story moves to its target, whose document
    gains the members; the moved story's document goes. Every update commutes with a racing one."""
    yield Write(
        cfg.bands_collection,
        [UpdateMany({"story_id": sid}, {"$set": {"story_id": target}}) for sid, target in moves.items()],
    )
    if cfg.update_articles:
        yield Write(
            cfg.articles_collection,
            [UpdateMany({"story_id": sid}, {"$set": {"story_id": target}}) for sid, target in moves.items()],
        )
    targets = sorted(set(moves.values()))
    members = yield Find(cfg.bands_collection, {"story_id": {"$in": targets}}, _MEMBER_PROJECTION)
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for m in members:
        grouped.setdefault(m["story_id"], []).append(m)
    ops: list[Any] = [DeleteOne({"_id": sid}) for sid in moves]
    ops += [story_absorb(sid, ms, now) for sid, ms in grouped.items()]
    yield Write(cfg.stories_collection, ops)


def story_absorb(story_id: str, members: Sequence[Mapping[str, Any]], now: datetime) -> UpdateOne:
    """Adds the index entries of a story's members to its document, commutative like `story_updates`."""
    best = min(members, key=lambda m: (m.get("rank", 2), m["t"], m["_id"]))
    return _members_update(
        story_id,
        sorted(m["_id"] for m in members),
        sorted({m.get("outlet") or "" for m in members}),
        [m["t"] for m in members],
        _original(best.get("rank", 2), best["t"], best["_id"], best.get("title") or ""),
        now,
    )
