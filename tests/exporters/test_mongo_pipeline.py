"""The MongoDB pipeline inside a real Scrapy crawl (own process: a Twisted reactor starts once)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap

from scrapy.utils.test import get_crawler

from exporters.mongo.pipeline import MongoPipeline
from tests.conftest import REPO_ROOT
from tests.factories import make_article, with_project_settings

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


def test_closing_lets_a_timed_flush_in_progress_finish(tmp_path, mongo_server, mongo_db):
    """close_spider during a timed flush: the batch being written is stored, not dropped or spooled."""
    crawler = get_crawler(
        settings_dict=with_project_settings(
            {
                "MONGODB_URI": mongo_server,
                "MONGODB_DATABASE": mongo_db.name,
                "MONGODB_FLUSH_INTERVAL": 0.01,
                "MONGODB_SPOOL_DIR": str(tmp_path / "spool"),
            }
        )
    )
    crawler._apply_settings()
    articles = [
        make_article(f"https://nhandan.vn/bai-dong-{i}-post{i}.html", outlet="nhandan") for i in range(9)
    ]

    async def crawl() -> None:
        pipeline = MongoPipeline.from_crawler(crawler)
        try:
            await pipeline.open_spider()
            writing = asyncio.Event()
            real_write = pipeline.writer._write

            async def signalling_write(entries: list) -> None:
                writing.set()
                await real_write(entries)

            pipeline.writer._write = signalling_write  # type: ignore[method-assign]
            for article in articles:
                await pipeline.process_item(article)
            await writing.wait()  # the ticker is inside its flush now
            await pipeline.close_spider()
        finally:
            await pipeline.connection.close()

    asyncio.run(crawl())
    assert sorted(mongo_db.articles.distinct("_id")) == sorted(a.url for a in articles)
    assert crawler.stats.get_value("mongo/pending_in_spool") == 0
    assert crawler.stats.get_value("mongo/new") == 9
    assert crawler.stats.get_value("mongo/spooled") is None  # finished in place, not cancelled into the spool
