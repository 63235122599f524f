"""One spider per source profile, generated from the registry: no per-outlet spider code."""

from __future__ import annotations

from crawler.outlets import OUTLETS
from spiders.base import NewsSpider, OutletSpider, spider_for

SPIDERS: dict[str, type[OutletSpider]] = {p.id: spider_for(p, __name__) for p in OUTLETS.values()}
globals().update({cls.__name__: cls for cls in SPIDERS.values()})

__all__ = ["SPIDERS", "NewsSpider", *(cls.__name__ for cls in SPIDERS.values())]
