"""Run the real spiders in this process (one CrawlerProcess) and return each crawl's stats.

Used by the demo, the benchmark and, through `python -m crawler.replay.run`, by the end-to-end tests
(a Twisted reactor starts once per process, so tests run crawls in a subprocess).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

# What a crawl of the local replay changes: no delays (the server is ours), more concurrency, and
# short back-off. Live politeness settings stay as crawler/settings.py and the profiles set them.
REPLAY_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_BACKOFF_BASE": 0.2,
}


def project_settings(overrides: Mapping[str, Any] | None = None) -> Any:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.setdict(dict(overrides or {}), priority="cmdline")
    return settings


def run_crawls(
    spiders: Iterable[str],
    overrides: Mapping[str, Any] | None = None,
    spider_args: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Crawl the named spiders side by side; {spider name: its final stats}."""
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(project_settings(overrides))
    crawlers = {}
    for name in spiders:
        crawler = process.create_crawler(name)
        crawlers[name] = crawler
        process.crawl(crawler, **dict(spider_args or {}))
    process.start()
    return {name: dict(c.stats.get_stats()) for name, c in crawlers.items()}


def _pairs(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep:
            raise SystemExit(f"expected NAME=VALUE, got {value!r}")
        out[key] = val
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.replay.run", description=__doc__)
    parser.add_argument("spiders", nargs="+")
    parser.add_argument("--replay-url", help="REPLAY_URL (omit for a live crawl)")
    parser.add_argument("-s", "--set", action="append", default=[], help="Scrapy setting NAME=VALUE")
    parser.add_argument("-a", "--arg", action="append", default=[], help="spider argument NAME=VALUE")
    parser.add_argument("--out", type=Path, help="write the stats as JSON here (default: stdout)")
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    if args.replay_url:
        overrides.update(REPLAY_SETTINGS, REPLAY_URL=args.replay_url)
    overrides.update(_pairs(args.set))
    stats = run_crawls(args.spiders, overrides, _pairs(args.arg))
    text = json.dumps(stats, default=str, indent=1, sort_keys=True)
    if args.out:
        args.out.write_text(text)
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
