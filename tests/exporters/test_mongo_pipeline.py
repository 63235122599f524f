"""The MongoDB pipeline inside a real Scrapy crawl (own process: a Twisted reactor starts once)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.conftest import REPO_ROOT

CRAWL = textwrap.dedent(
    """
    import json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings
    from tests.factories import make_article

    class ItemsSpider(scrapy.Spider):
        name = "items"

        async def start(self):
            yield scrapy.Request("data:text/html,<p>x</p>", dont_filter=True)

        def parse(self, response):
            for i in range(int(sys.argv[2])):
                yield make_article(f"https://nhandan.vn/bai-{i}-post{i}.html", outlet="nhandan")

    settings = get_project_settings()
    settings.set("MONGODB_URI", sys.argv[1])
    settings.set("MONGODB_DATABASE", sys.argv[3])
    settings.set("MONGODB_BUFFER_SIZE", 7)
    settings.set("LOG_LEVEL", "WARNING")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ItemsSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({k: v for k, v in stats.items() if k.startswith(("mongo/", "outlet/"))}))
    """
)


def _crawl(tmp_path, uri: str, db: str, count: int) -> dict:
    script = tmp_path / "crawl.py"
    script.write_text(CRAWL)
    done = subprocess.run(
        [sys.executable, str(script), uri, str(count), db],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin", "VNNEWS_HOME": str(tmp_path / "home")},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_crawl_stores_every_item_once_and_rerun_changes_nothing(tmp_path, mongo_server, mongo_db):
    first = _crawl(tmp_path, mongo_server, mongo_db.name, 23)
    assert first["mongo/new"] == 23 and first["outlet/nhandan/new"] == 23
    assert mongo_db.articles.count_documents({}) == 23
    assert mongo_db.pages.count_documents({}) == 23
    second = _crawl(tmp_path, mongo_server, mongo_db.name, 23)
    assert second["mongo/unchanged"] == 23 and "mongo/new" not in second
    assert mongo_db.articles.count_documents({}) == 23
    assert first["mongo/pending_in_spool"] == 0
