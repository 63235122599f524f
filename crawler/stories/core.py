"""Story assignment as plain data: the queries and writes, decided without touching a database.

`assign_flow` is a generator that yields the operations it needs (`Find`, `FindEach`, `Write`) and
receives their results, so the blocking runner (CLI, tests) and the asyncio runner (Scrapy pipeline)
in `crawler.stories.store` share every decision. See docs/stories.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from bson import Binary
from pymongo import ASCENDING, DESCENDING, DeleteOne, IndexModel, ReplaceOne, UpdateMany, UpdateOne

from crawler.normalize import body_hash as compute_body_hash
from crawler.stories.fingerprint import (
    FINGERPRINT_VERSION,
    Fingerprint,
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
    update_articles: bool = True


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
class FindEach:
    """Several independent finds: run one after another (sync) or together (async)."""

    finds: Sequence[Find]


@dataclass(frozen=True)
class Write:
    """An unordered bulk write; duplicate-key errors from racing upserts are expected and ignored."""

    collection: str
    requests: Sequence[Any]


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


def _prepare(doc: Mapping[str, Any], now: datetime) -> _Item:
    key = doc.get("_id") or doc["url"]
    body = doc.get("body") or ""
    when = _aware(doc.get("published_at")) or _aware(doc.get("fetched_at")) or now
    fp = fingerprint(body)
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


def _window(item: _Item, days: int) -> dict[str, int]:
    return {"$gte": item.day - days, "$lte": item.day + days}


def near_query(item_bands: Iterable[int], day: int, days: int) -> dict[str, Any]:
    """Stored articles sharing an LSH band with these keys, published within ±days."""
    return {"bands": {"$in": list(item_bands)}, "d": {"$gte": day - days, "$lte": day + days}}


def band_document(item: _Item, now: datetime) -> dict[str, Any]:
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
        "bands": list(item.fp.bands) if item.fp.usable else [],
        "sig": Binary(item.fp.signature_bytes()),
        "shingles": item.fp.shingle_count,
        "fp": FINGERPRINT_VERSION,
        "indexed_at": now,
    }


def _original(rank: int, when: datetime, key: str, title: str) -> dict[str, Any]:
    # Field order is the comparison order of $min: agency first, then earliest, then URL.
    return {"rank": rank, "published_at": when, "article": key, "title": title}


def story_update(story_id: str, item: _Item, now: datetime) -> UpdateOne:
    """Adds one article to its story; commutative, so racing writers end in the same document."""
    return UpdateOne(
        {"_id": story_id},
        {
            "$addToSet": {"articles": item.key, "outlets": item.outlet},
            "$min": {
                "first_published_at": item.when,
                "original": _original(item.rank, item.when, item.key, item.title),
            },
            "$max": {"last_published_at": item.when, "updated_at": now},
            "$setOnInsert": {"created_at": now},
        },
        upsert=True,
    )


def story_document(story_id: str, members: Sequence[Mapping[str, Any]], now: datetime) -> dict[str, Any]:
    """A story rebuilt from its index entries (after a merge)."""
    times = [m["t"] for m in members]
    best = min(members, key=lambda m: (m.get("rank", 2), m["t"], m["_id"]))
    return {
        "_id": story_id,
        "articles": sorted(m["_id"] for m in members),
        "outlets": sorted({m.get("outlet") or "" for m in members}),
        "first_published_at": min(times),
        "last_published_at": max(times),
        "original": _original(best.get("rank", 2), best["t"], best["_id"], best.get("title") or ""),
        "created_at": now,
        "updated_at": now,
    }


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


def assign_flow(
    docs: Sequence[Mapping[str, Any]], config: StoryConfig, now: datetime | None = None
) -> Generator[Find | FindEach | Write, Any, list[StoryAssignment]]:
    """Assign a story to each article document (in order; later ones may join earlier ones).

    Steps: articles already indexed keep their story; an exact body match in the window joins its
    story; else the best LSH candidate whose estimated Jaccard ≥ threshold; else a new story. A new
    story is re-checked after it is written: if a concurrent writer indexed a match meanwhile, both
    stories merge into the smaller id, which every writer computes alike.
    """
    now = now or datetime.now(UTC)
    cfg, bands_c, stories_c = config, config.bands_collection, config.stories_collection
    items: list[_Item] = []
    first: dict[str, _Item] = {}
    for doc in docs:
        item = _prepare(doc, now)
        if item.key not in first:
            first[item.key] = item
            items.append(item)
    if not items:
        return []

    stored = yield Find(bands_c, {"_id": {"$in": [it.key for it in items]}}, _BAND_PROJECTION)
    stored_by = {d["_id"]: d for d in stored}
    todo = [it for it in items if it.key not in stored_by]
    for it in items:
        if it.key in stored_by:
            old = stored_by[it.key]
            it.story_id, it.kind, it.matched = old["story_id"], old.get("kind", "new"), old.get("matched")

    usable = [it for it in todo if it.fp.usable]
    exact_docs: list[Mapping[str, Any]] = []
    near_docs: list[list[Mapping[str, Any]]] = []
    if usable:
        lo = min(it.day for it in usable) - cfg.window_days
        hi = max(it.day for it in usable) + cfg.window_days
        hashes = sorted({it.body_hash for it in usable if it.body_hash})
        exact_docs = yield Find(
            bands_c, {"body_hash": {"$in": hashes}, "d": {"$gte": lo, "$lte": hi}}, _BAND_PROJECTION
        )
        near_docs = yield FindEach(
            [
                Find(
                    bands_c,
                    near_query(it.fp.bands, it.day, cfg.window_days),
                    _BAND_PROJECTION,
                    cfg.max_candidates,
                )
                for it in usable
            ]
        )
    near_by = {it.key: found for it, found in zip(usable, near_docs, strict=True)}

    # Decide in order; earlier articles of this batch are candidates for later ones.
    peers_by_band: dict[int, list[_Item]] = {}
    peers_by_hash: dict[str, _Item] = {}
    for it in todo:
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
        for band in it.fp.bands:
            for p in peers_by_band.get(band, ()):
                if abs(p.day - it.day) <= cfg.window_days:
                    candidates.append(_item_as_doc(p))
        it.seen = {d["_id"] for d in candidates} | {d["_id"] for d in exact}
        if exact:
            match = min(exact, key=lambda d: (d["t"], d["_id"]))
            it.story_id, it.kind, it.matched, it.score = match["story_id"], "exact", match["_id"], 1.0
        elif (best := _best_near(it, candidates, cfg.threshold)) is not None:
            doc, score = best
            it.story_id, it.kind, it.matched, it.score = doc["story_id"], "near", doc["_id"], round(score, 4)
        else:
            it.story_id, it.kind = new_story_id(it.key), "new"
        peers_by_hash.setdefault(it.body_hash or "", it)
        for band in it.fp.bands:
            peers_by_band.setdefault(band, []).append(it)

    if todo:
        yield Write(
            bands_c,
            [
                UpdateOne({"_id": it.key}, {"$setOnInsert": band_document(it, now)}, upsert=True)
                for it in todo
            ],
        )
        yield Write(stories_c, [story_update(it.story_id, it, now) for it in todo])

    # Re-check new stories against what concurrent writers indexed since the first search.
    fresh = [it for it in todo if it.kind == "new" and it.fp.usable]
    merges: dict[str, str] = {}
    if fresh:
        batch_keys = {it.key for it in items}
        rechecked = yield FindEach(
            [
                Find(
                    bands_c,
                    near_query(it.fp.bands, it.day, cfg.window_days),
                    _BAND_PROJECTION,
                    cfg.max_candidates,
                )
                for it in fresh
            ]
        )
        for it, found in zip(fresh, rechecked, strict=True):
            others = [d for d in found if d["_id"] not in batch_keys and d["_id"] not in it.seen]
            others = [d for d in others if d["story_id"] != it.story_id and _similar(it, d) >= cfg.threshold]
            if others:
                group = {it.story_id, *(d["story_id"] for d in others)}
                target = min(group)
                for sid in group - {target}:
                    merges[sid] = target
    if merges:
        yield from _merge_flow(merges, cfg, now)

    final = yield Find(bands_c, {"_id": {"$in": [it.key for it in items]}}, {"story_id": 1})
    final_by = {d["_id"]: d["story_id"] for d in final}
    for it in items:
        it.story_id = final_by.get(it.key, it.story_id)
    if cfg.update_articles:
        yield Write(
            cfg.articles_collection,
            [
                UpdateOne(
                    {"_id": it.key, "story_id": {"$ne": it.story_id}}, {"$set": {"story_id": it.story_id}}
                )
                for it in items
            ],
        )
    story_ids = sorted({it.story_id for it in items})
    stories = yield Find(stories_c, {"_id": {"$in": story_ids}}, {"original": 1})
    originals = {s["_id"]: (s.get("original") or {}).get("article") for s in stories}
    result = [
        StoryAssignment(it.key, it.story_id, it.kind, originals.get(it.story_id), it.matched, it.score)
        for it in items
    ]
    by_key = {a.article_id: a for a in result}
    return [by_key[(d.get("_id") or d["url"])] for d in docs]


def _merge_flow(merges: Mapping[str, str], cfg: StoryConfig, now: datetime) -> Generator[Any, Any, None]:
    """Move every article of each merged story into its target and rebuild the target's document."""

    # Resolve chains (a→b, b→c) so each story moves once, straight to its final target.
    def root(sid: str) -> str:
        while sid in merges:
            sid = merges[sid]
        return sid

    moves = {sid: root(sid) for sid in merges}
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
    members = yield Find(
        cfg.bands_collection,
        {"story_id": {"$in": targets}},
        {"story_id": 1, "t": 1, "outlet": 1, "rank": 1, "title": 1},
    )
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for m in members:
        grouped.setdefault(m["story_id"], []).append(m)
    ops: list[Any] = [DeleteOne({"_id": sid}) for sid in moves]
    ops += [
        ReplaceOne({"_id": sid}, story_document(sid, ms, now), upsert=True) for sid, ms in grouped.items()
    ]
    yield Write(cfg.stories_collection, ops)
