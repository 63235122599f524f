"""The source profile: where an outlet publishes its article URLs and what an article URL looks like.

A profile is data. The spiders are generated from the registry (spiders/outlets.py), so adding an
outlet means adding a profile here (plus its extraction rules and fixtures), never writing a spider.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Listing:
    """A section page and how its later pages are spelled (`{page}` = 2, 3, …)."""

    url: str
    page_url: str | None = None

    def page(self, number: int) -> str:
        if number <= 1 or not self.page_url:
            return self.url
        return self.page_url.format(page=number)


@dataclass(frozen=True)
class Archive:
    """A per-day archive for backfill: `url` is formatted with `day` (a date), `from_ts`, `to_ts`.

    `kind` says how to read it: "sitemap" (a urlset) or "listing" (an HTML page of links).
    """

    url: str
    kind: str = "listing"

    def for_day(self, day: date) -> str:
        start = datetime.combine(day, time.min, VN_TZ)
        end = start + timedelta(days=1) - timedelta(seconds=1)
        return self.url.format(day=day, from_ts=int(start.timestamp()), to_ts=int(end.timestamp()))


@dataclass(frozen=True)
class SourceProfile:
    """One outlet as the crawler sees it.

    `article_pattern` is matched against the URL path, after the host has been checked against
    `domains`; it must reject home, section and pagination pages. The query (tracking parameters such as
    `?utm_source=rss`) is ignored, unless the pattern itself spells one (`\\?`): then it is matched
    against the path with `?query`.
    `verified` is True when a real saved page of the outlet (../shared/fixtures) backs the pattern;
    feed and sitemap URLs cannot be checked offline and come from the outlets' public pages.
    """

    id: str
    name: str
    domains: tuple[str, ...]
    article_pattern: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()  # sitemap indexes (as robots.txt lists them) or plain sitemaps
    news_sitemaps: tuple[str, ...] = ()  # Google News sitemaps: the last two days, with publication dates
    listings: tuple[Listing, ...] = ()
    archives: tuple[Archive, ...] = ()
    home: str = ""
    max_listing_pages: int = 3
    verified: bool = False
    notes: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)  # per-outlet Scrapy overrides
    article_re: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.id or not self.domains:
            raise ValueError("a source profile needs an id and at least one domain")
        object.__setattr__(self, "article_re", re.compile(self.article_pattern))
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))
        for url in self.start_urls():
            if not self.owns(url):
                raise ValueError(f"{self.id}: {url} is not on the outlet's domains {self.domains}")

    def owns(self, url: str) -> bool:
        """True when the URL's host is one of the outlet's domains or a subdomain of one."""
        try:
            host = (urlsplit(url).hostname or "").lower().rstrip(".")
        except ValueError:
            return False
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def is_article(self, url: str) -> bool:
        """True when the URL is an article page of this outlet (not home, section or pagination)."""
        if not self.owns(url):
            return False
        parts = urlsplit(url)
        target = parts.path
        if parts.query and self.query_in_pattern:
            target += f"?{parts.query}"
        return self.article_re.fullmatch(target) is not None

    @property
    def query_in_pattern(self) -> bool:
        """True when the article pattern matches a `?query` (an article identified by a parameter)."""
        return "\\?" in self.article_pattern

    def start_urls(self) -> Iterator[str]:
        yield from self.feeds
        yield from self.sitemaps
        yield from self.news_sitemaps
        for listing in self.listings:
            yield listing.url
        if self.home:
            yield self.home

    def archive_urls(self, since: datetime, until: datetime | None = None) -> Iterator[tuple[str, str]]:
        """(url, kind) for every archive day in the window, newest first (at most 366 days)."""
        end = (until or datetime.now(UTC)).astimezone(VN_TZ).date()
        start = max(since.astimezone(VN_TZ).date(), end - timedelta(days=365))
        day = end
        while day >= start:
            for archive in self.archives:
                yield archive.for_day(day), archive.kind
            day -= timedelta(days=1)
