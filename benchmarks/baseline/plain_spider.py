"""The baseline of benchmarks/bench_crawl.py: the twenty lines of Scrapy plus trafilatura vnnews replaces.

A plain Scrapy spider fetches a list of article URLs and runs `trafilatura.bare_extraction` in its
callback; a JSONL feed writes the items. No store, no dates of our own, no dedup, no stories. Run with
`scrapy runspider` from a folder without scrapy.cfg, so none of the project's settings apply.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
import trafilatura


class PlainSpider(scrapy.Spider):
    name = "plain"

    def __init__(self, urls: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls_file = urls  # lines `url<TAB>host`: the host is the download slot, as vnnews keeps it

    async def start(self) -> AsyncIterator[scrapy.Request]:
        with open(self.urls_file, encoding="utf-8") as fh:
            for line in fh:
                url, host = line.rstrip("\n").split("\t")
                yield scrapy.Request(url, meta={"download_slot": host})

    def parse(self, response: scrapy.http.Response) -> Iterator[dict[str, Any]]:
        document = trafilatura.bare_extraction(response.text, url=response.url, with_metadata=True)
        if document is not None:
            fields = document.as_dict()
            yield {key: fields.get(key) for key in ("url", "title", "author", "date", "text")}
