"""`vnnews status` on run records and articles written into a real store: each unhealthy reason, JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from crawler.commands.status import run

NOW = datetime.now(UTC)
USUAL = 10  # articles a day in the weeks before


def _run_doc(outlet: str, hours_ago: float, **row: object) -> dict[str, object]:
    ended = NOW - timedelta(hours=hours_ago)
    counts = {"found": 10, "fetched": 10, "new": 10, "articles": 10, "articles_with_warnings": 1}
    counts.update(row)  # type: ignore[arg-type]
    return {
        "_id": f"{outlet}-{hours_ago}",
        "spider": outlet,
        "outlets": [outlet],
        "status": "finished",
        "started_at": ended - timedelta(minutes=5),
        "heartbeat_at": ended,
        "ended_at": ended,
        "per_outlet": {outlet: counts},
        "discovery_failures": [],
    }


def _articles(outlet: str, per_day: int, last_day: int) -> list[dict[str, object]]:
    docs = []
    for day in range(1, 29):
        for i in range(per_day):
            docs.append(
                {
                    "_id": f"{outlet}-{day}-{i}",
                    "outlet": outlet,
                    "published_at": NOW - timedelta(days=day, hours=1 + i % 20),
                }
            )
    for i in range(last_day):
        docs.append(
            {"_id": f"{outlet}-now-{i}", "outlet": outlet, "published_at": NOW - timedelta(hours=1 + i)}
        )
    return docs


def _status(mongo_server, mongo_db, capsys, *args: str) -> tuple[int, dict[str, dict]]:
    code = run([*args, "--json", "--uri", mongo_server, "--database", mongo_db.name])
    return code, {r["outlet"]: r for r in json.loads(capsys.readouterr().out)}


def test_each_unhealthy_reason_and_the_exit_code(mongo_server, mongo_db, capsys):
    feed = {
        "outlet": "tuoitre",
        "kind": "feed",
        "url": "https://tuoitre.vn/rss/tin-moi-nhat.rss",
        "status": 404,
    }
    moved = _run_doc("tuoitre", 1, discovery_failed={"http_404": 1}) | {"discovery_failures": [feed]}
    mongo_db.crawl_runs.insert_many(
        [
            _run_doc("vnexpress", 30),
            _run_doc("vnexpress", 1),
            moved,
            _run_doc("thanhnien", 1, rule_miss={"body": 8, "title": 1}),
            _run_doc("dantri", 1),
            _run_doc("nhandan", 72),
            _run_doc("znews", 1),
            _run_doc("kenh14", 1, fetched=2, articles=2, rule_miss={"body": 2}),  # too few to judge
            _run_doc("znews", 0) | {"_id": "refused", "status": "refused", "per_outlet": {}},
        ]
    )
    for outlet, last_day in (("vnexpress", USUAL), ("dantri", 1), ("thanhnien", USUAL), ("tuoitre", USUAL)):
        mongo_db.articles.insert_many(_articles(outlet, USUAL, last_day))

    code, rows = _status(mongo_server, mongo_db, capsys)
    assert code == 1
    assert rows["vnexpress"]["healthy"] and rows["vnexpress"]["usual_per_day"] == USUAL
    assert rows["vnexpress"]["articles_24h"] == USUAL and rows["vnexpress"]["articles_7d"] == USUAL * 7
    assert rows["vnexpress"]["warning_rate"] == 0.1 and rows["vnexpress"]["rule_miss_rate"] == 0
    (why,) = rows["tuoitre"]["reasons"]
    assert why.startswith("feed moved? discovery failing") and feed["url"] in why
    (why,) = rows["thanhnien"]["reasons"]
    assert why == "layout changed? rule misses on 80% of pages (body)"
    (why,) = rows["dantri"]["reasons"]
    assert why == "volume low: 1 articles in 24 h against a usual 10/day"
    assert rows["nhandan"]["reasons"] == ["no successful run in 48 h"]
    assert rows["znews"]["last_run"] == "finished" and rows["znews"]["healthy"]  # the refused run skipped
    assert rows["kenh14"]["healthy"] and rows["kenh14"]["rule_miss_rate"] is None  # < STATUS_MIN_PAGES
    assert rows["baomoi"]["last_run"] == "never" and rows["baomoi"]["healthy"]  # never crawled, not asked

    code, rows = _status(mongo_server, mongo_db, capsys, "vnexpress", "znews")
    assert code == 0 and sorted(rows) == ["vnexpress", "znews"]


def test_running_crawl_with_a_stale_heartbeat_is_unfinished(mongo_server, mongo_db, capsys):
    mongo_db.crawl_runs.insert_many(
        [
            _run_doc("vietnamplus", 2),
            {"_id": "live", "outlets": ["vietnamplus"], "status": "running",
             "started_at": NOW - timedelta(minutes=1), "heartbeat_at": NOW - timedelta(seconds=10)},
        ]
    )  # fmt: skip
    code, rows = _status(mongo_server, mongo_db, capsys, "vietnamplus")
    assert code == 0 and rows["vietnamplus"]["last_run"] == "running"
    mongo_db.crawl_runs.update_one({"_id": "live"}, {"$set": {"heartbeat_at": NOW - timedelta(hours=1)}})
    code, rows = _status(mongo_server, mongo_db, capsys, "vietnamplus")
    assert code == 1 and rows["vietnamplus"]["last_run"] == "unfinished"
    assert rows["vietnamplus"]["reasons"] == ["last run unfinished: its heartbeat stopped (killed?)"]


def test_table_output_names_the_reasons(mongo_server, mongo_db, capsys):
    mongo_db.crawl_runs.insert_one(_run_doc("genk", 1, rule_miss={"lead": 9}))
    code = run(["genk", "--uri", mongo_server, "--database", mongo_db.name])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[0].split()[:3] == ["outlet", "last", "ok"]
    assert "UNHEALTHY" in out and "genk: layout changed? rule misses on 90% of pages (lead)" in out
