"""`vnnews demo` end to end on two outlets of the own corpus, and its summary table."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from crawler.commands.demo import outlet_summary, print_summary
from tests.conftest import REPO_ROOT


def test_summary_columns_come_from_outlet_stats():
    stats = {
        "a": {"outlet/x/found": 3, "outlet/x/fetched": 2, "outlet/x/skipped_known": 1, "outlet/x/new": 1},
        "b": {
            "outlet/x/not_news/redirect": 1,
            "outlet/x/failed": 1,
            "outlet/x/failed/http_404": 1,
            "outlet/x/discovery_failed/CannotResolveHostError": 2,
            "outlet/x/discovery_failed/http_404": 1,
            "mongo/new": 1,
        },
    }
    row = outlet_summary(stats)["x"]
    assert (row["found"], row["fetched"], row["known"], row["new"], row["not news"], row["failed"]) == (
        3,
        2,
        1,
        1,
        1,
        1,
    )
    assert row["discovery failed"] == 3
    out = io.StringIO()
    print_summary({"x": row}, out)
    assert out.getvalue().splitlines()[-1].split()[:3] == ["total", "3", "2"]


def test_demo_crawls_the_replay_and_prints_latest_articles_and_stories(tmp_path, mongo_server, mongo_db_name):
    env = {**os.environ, "MONGODB_URI": mongo_server, "MONGODB_DATABASE": mongo_db_name}
    env.update(VNNEWS_HOME=str(tmp_path), PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "crawler.commands.demo",
            "--corpus",
            "own",
            "--outlets",
            "vnexpress,baomoi,baotintuc,dantri",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    table = {line.split()[0]: line.split()[1:] for line in lines if line.startswith(("vnexpress", "baomoi"))}
    assert table["vnexpress"][:4] == ["1", "1", "0", "1"]  # found, fetched, known, new
    assert table["baomoi"][7] == "1"  # not news
    assert any("Trường học vùng cao" in line for line in lines)
    assert f"5 articles in {mongo_db_name}.articles" in done.stdout
    # the own replay's agency story reprinted by dantri is listed once, with both outlets
    assert " 2 outlets  Mưa lũ gây sạt lở trên quốc lộ ở Hà Giang" in done.stdout
    assert f"4 stories in {mongo_db_name}.stories, 1 of them from more than one outlet" in done.stdout
