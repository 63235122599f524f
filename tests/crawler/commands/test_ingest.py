"""`vnnews ingest` end to end: a WARC written here (warcio) into the real store, counts exact.

Each ingest runs in a subprocess (a Twisted reactor starts once per process), against the session's
SecantusDB daemon (or MONGODB_URI).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pymongo
import pytest

from tests.conftest import REPO_ROOT
from tests.crawler.archives.warcs import (
    CAPTURED,
    UNDECLARED_PAGE,
    UNDECLARED_URL,
    response,
    write_mixed_warc,
)

# A cold start of a crawl subprocess on a loaded 2-core machine, with room to spare.
INGEST_TIMEOUT = 300


def ingest(tmp_path: Path, uri: str, db: str, *args: str) -> tuple[dict[str, Any], str]:
    """Run `vnnews ingest ARGS`; (the run's stats, what it printed)."""
    out = tmp_path / f"stats-{len(list(tmp_path.glob('stats-*')))}.json"
    command = [sys.executable, "-m", "crawler.cli", "ingest", *args, "--uri", uri, "--database", db]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "VNNEWS_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [*command, "--stats-out", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=INGEST_TIMEOUT,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "Traceback" not in done.stderr, done.stderr[-4000:]
    return json.loads(out.read_text()), done.stdout


def skipped(stats: dict[str, Any]) -> dict[str, int]:
    prefix = "ingest/skipped/"
    return {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix)}


def test_a_mixed_warc_is_ingested_with_exact_counts_and_a_second_ingest_adds_nothing(
    tmp_path: Path, mongo_server: str, mongo_db_name: str, mongo_db: pymongo.database.Database
) -> None:
    warc = tmp_path / "mixed.warc.gz"
    expected = write_mixed_warc(warc)
    stats, printed = ingest(tmp_path, mongo_server, mongo_db_name, str(warc))

    assert skipped(stats) == expected.skipped
    stored = len(expected.articles)
    assert stats["ingest/pages"] == stored
    assert stats["ingest/records"] == stored + sum(expected.skipped.values())
    assert stats["mongo/new"] == stored
    assert stats["mongo/duplicate"] == expected.duplicates
    assert sorted(d["fetched_url"] for d in mongo_db.articles.find()) == sorted(expected.articles)
    assert mongo_db.pages.count_documents({}) == stored  # the raw page of each is kept
    assert mongo_db.articles.count_documents({"duplicate_of": {"$ne": None}}) == expected.duplicates
    assert mongo_db.articles.count_documents({"story_id": {"$ne": None}}) == stored
    undeclared = mongo_db.articles.find_one({"fetched_url": UNDECLARED_URL})
    assert undeclared is not None and undeclared["outlet"] == "nld.com.vn"
    assert undeclared["title"] == "Hà Nội trồng thêm cây xanh trên phố"
    assert undeclared["published_at"].isoformat() == "2026-10-20T01:30:00+00:00"
    assert "nld.com.vn" in printed and "not_vietnamese" in printed  # the tables

    again, _ = ingest(tmp_path, mongo_server, mongo_db_name, str(warc))
    assert again.get("mongo/new", 0) == 0 and again.get("mongo/updated", 0) == 0
    assert skipped(again)["stored"] == stored
    assert mongo_db.articles.count_documents({}) == stored


def test_a_newer_capture_updates_and_an_older_one_is_skipped(
    tmp_path: Path, mongo_server: str, mongo_db_name: str, mongo_db: pymongo.database.Database
) -> None:
    from warcio.warcwriter import WARCWriter

    def capture(name: str, when: Any, text: str) -> Path:
        path = tmp_path / name
        with path.open("wb") as fh:
            body = UNDECLARED_PAGE.replace("giảm nhiệt độ", text).encode()
            response(WARCWriter(fh, gzip=True), UNDECLARED_URL, body, when=when)
        return path

    first = capture("first.warc.gz", CAPTURED, "giảm nhiệt độ")
    newer = capture("newer.warc.gz", CAPTURED.replace(day=22), "hạ nhiệt độ")
    older = capture("older.warc.gz", CAPTURED.replace(day=19), "làm mát")
    assert ingest(tmp_path, mongo_server, mongo_db_name, str(first))[0]["mongo/new"] == 1
    assert ingest(tmp_path, mongo_server, mongo_db_name, str(newer))[0]["mongo/updated"] == 1
    stats, _ = ingest(tmp_path, mongo_server, mongo_db_name, str(older))
    assert skipped(stats) == {"stored": 1}
    doc = mongo_db.articles.find_one({"fetched_url": UNDECLARED_URL})
    assert doc is not None and doc["revision"] == 2 and "hạ nhiệt độ" in doc["body"]


def test_a_folder_of_saved_pages_takes_urls_from_a_manifest(
    tmp_path: Path, mongo_server: str, mongo_db_name: str, mongo_db: pymongo.database.Database
) -> None:
    from tests.crawler.archives.warcs import ENGLISH_PAGE

    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "cay-xanh.html").write_text(UNDECLARED_PAGE, encoding="utf-8")
    (folder / "english.html").write_text(ENGLISH_PAGE, encoding="utf-8")
    (folder / "no-url.html").write_text(UNDECLARED_PAGE, encoding="utf-8")
    (folder / "notes.txt").write_text("not a page", encoding="utf-8")
    manifest = folder / "MANIFEST.tsv"
    manifest.write_text(f"file\turl\ncay-xanh.html\t{UNDECLARED_URL}\nenglish.html\thttps://e.vn/x\n")
    stats, _ = ingest(
        tmp_path, mongo_server, mongo_db_name, str(folder), "--url-from", f"manifest:{manifest}"
    )
    assert skipped(stats) == {"not_vietnamese": 1, "no_url": 1, "not_archive": 1}
    assert stats["mongo/new"] == 1
    assert mongo_db.articles.find_one({"fetched_url": UNDECLARED_URL})["outlet"] == "nld.com.vn"


@pytest.mark.parametrize("args", [["/no/such/file.warc.gz"], ["{tmp}", "--url-from", "sitemap"]])
def test_bad_arguments_are_one_clear_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "ingest", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert done.returncode == 2
    assert done.stderr.startswith("vnnews ingest: ") and "Traceback" not in done.stderr


# Publication times inside and outside the window of the test below (-a since=2026-10-01).
_NEW, _OLD = "2026-10-20T08:30:00+07:00", "2025-03-10T08:30:00+07:00"


def _article_page(title: str, sentence: str, published: str) -> bytes:
    """A Vietnamese article of the undeclared outlet (generic extraction), published then."""
    return (
        UNDECLARED_PAGE.replace("Hà Nội trồng thêm cây xanh trên phố", title)
        .replace("2026-10-20T08:30:00+07:00", published)
        .replace("Thành phố sẽ trồng thêm hai nghìn cây xanh", sentence)
        .encode()
    )


def _listing_page(section: str) -> bytes:
    """A section front of links: extraction calls it a listing, not news."""
    links = "".join(
        f'<li><a href="https://tin.nld.com.vn/{section}/bai-so-{i}-1962610{i:02d}.htm">'
        f"Tin {section} số {i}: người dân Hà Nội đón mùa thu</a></li>"
        for i in range(40)
    )
    return (
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{section} - Tin mới nhất'
        f"</title></head><body><h1>{section}</h1><ul>{links}</ul></body></html>"
    ).encode()


def test_pages_dropped_by_the_stages_give_their_room_back(
    tmp_path: Path, mongo_server: str, mongo_db_name: str, mongo_db: pymongo.database.Database
) -> None:
    """With ARCHIVE_MAX_IN_FLIGHT=2, ten of the sixteen pages never reach the store (five listings
    dropped as not news, five articles outside -a since): each must still free its place, or the
    spider waits for room forever at the third dropped page. Counts are exact."""
    from warcio.warcwriter import WARCWriter

    warc = tmp_path / "dropped.warc.gz"
    base = "https://tin.nld.com.vn/thoi-su"
    kept = [f"{base}/trong-cay-dot-{i}-19626102{i}.htm" for i in range(4)]
    copies = [f"{base}/ban-sao-{i}-19626103{i}.htm" for i in range(2)]
    with warc.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, url in enumerate(kept):
            page = _article_page(
                f"Hà Nội trồng cây đợt {i}", f"Đợt {i} sẽ trồng thêm {i + 2} nghìn cây", _NEW
            )
            response(writer, url, page)
        for url in copies:  # the text of kept[0] at another URL: stored, as its duplicate
            response(
                writer, url, _article_page("Hà Nội trồng cây đợt 0", "Đợt 0 sẽ trồng thêm 2 nghìn cây", _NEW)
            )
        for i in range(5):
            old = _article_page(f"Tin cũ số {i}", f"Năm ngoái thành phố trồng {i + 1} nghìn cây", _OLD)
            response(writer, f"{base}/tin-cu-{i}-19625031{i}.htm", old)
            response(writer, f"https://tin.nld.com.vn/chuyen-muc-{i}.htm", _listing_page(f"chuyen-muc-{i}"))
        response(writer, kept[1], _article_page("Lần chụp thứ hai", "Không được đọc", _NEW))  # repeated URL

    out = tmp_path / "stats.json"
    command = [sys.executable, "-m", "crawler.replay.run", "archive", "--out", str(out)]
    command += ["-a", f"paths={warc}", "-a", "since=2026-10-01"]
    for setting in ("ARCHIVE_MAX_IN_FLIGHT=2", "ARCHIVE_BATCH_SIZE=3", f"MONGODB_URI={mongo_server}"):
        command += ["-s", setting]
    command += ["-s", f"MONGODB_DATABASE={mongo_db_name}", "-s", "LOG_LEVEL=WARNING"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "VNNEWS_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=INGEST_TIMEOUT, env=env
    )
    assert done.returncode == 0, done.stderr[-4000:]
    stats = json.loads(out.read_text())["archive"]

    assert stats["ingest/records"] == 17
    assert skipped(stats) == {"repeated_url": 1}
    assert stats["ingest/pages"] == 16
    assert stats["outlet/nld.com.vn/not_news/listing"] == 5
    assert stats["outlet/nld.com.vn/outside_window"] == 5
    assert stats["mongo/new"] == 6
    assert stats["mongo/duplicate"] == 2
    assert stats["item_dropped_count"] == 10 and stats["item_scraped_count"] == 6
    assert sorted(d["fetched_url"] for d in mongo_db.articles.find()) == sorted(kept + copies)
