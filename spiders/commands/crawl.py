"""`scrapy crawl` that refuses bad `-a` arguments before anything starts: one line, exit code 2.

Scrapy builds the spider inside the running crawl, where an exception in `__init__` becomes a logged
traceback and exit code 1. Reading the arguments first, with the spider's own reader, while the options
are processed (before the crawler process logs its start-up) keeps that path for real failures only.
Scrapyd's jobs run through this command as well.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.spiderloader import get_spider_loader

from crawler.exitcodes import ExitCodeCrawl as ScrapyCrawl  # the exit code is the crawl's outcome (C)
from spiders.base import SpiderArgumentError

if TYPE_CHECKING:
    import argparse

# Exit code for a run refused because of its arguments (docs/operations.md, "Exit codes").
EXIT_BAD_ARGUMENTS = 2


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) != 1 or self.settings is None:
            return  # Scrapy's own usage error follows
        try:
            spidercls = get_spider_loader(self.settings).load(args[0])
        except KeyError:
            return  # Scrapy's own message for an unknown spider follows
        read = getattr(spidercls, "read_arguments", None)
        if read is None:
            return
        try:
            read(dict(opts.spargs))
        except SpiderArgumentError as exc:
            print(f"scrapy crawl {args[0]}: {exc}", file=sys.stderr)
            sys.exit(EXIT_BAD_ARGUMENTS)
