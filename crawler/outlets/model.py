"""What one outlet declaration holds: where its articles are published and how its pages read.

An `Outlet` is data: its source profile (domains, feeds, sitemaps, listings, archives, the article URL
pattern) and its extraction `Rules` (CSS selectors). Both are checked when the declaration is built, so
a broken pattern or selector fails at import (in CI), never in the middle of a crawl.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any, Protocol, cast
from urllib.parse import urlsplit

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from crawler.items import VN_TZ

# One slug segment of an article URL: lower-case words joined by hyphens.
SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
# Days of date archives one backfill walks at most.
MAX_ARCHIVE_DAYS = 366

Selectors = tuple[str, ...]
RULE_GROUPS = ("title", "lead", "body", "byline", "credit", "date", "category", "tags", "drop")


class ElementSelector(Protocol):
    """A compiled CSS selector or XPath whose every match is an element of an lxml.html tree."""

    @property
    def path(self) -> str: ...

    def __call__(self, node: etree._Element, /) -> list[HtmlElement]: ...


def css(selector: str) -> ElementSelector:
    """A compiled CSS selector, typed by what it returns: lxml's stubs type every XPath result as any
    XPath object, but a CSS selector matches elements only (the same `CSSSelector`, no wrapper)."""
    return cast(ElementSelector, CSSSelector(selector))


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
class Rules:
    """What the generic extraction cannot know about one outlet's page layout.

    Every selector group is a tuple tried in order; the first member that matches wins. `outlet` and
    `domains` are filled from the outlet that holds the rules.
    """

    site_name: str = ""  # how the outlet names itself on its pages, e.g. "VnExpress": never an author
    title: Selectors = ()
    lead: Selectors = ()
    body: Selectors = ()  # the article body container
    byline: Selectors = ()  # person names (may carry an agency in brackets)
    credit: Selectors = ()  # source or agency line ("Theo …", "(TTXVN/Vietnam+)")
    date: Selectors = ()  # the date as displayed in the article header
    category: Selectors = ()  # breadcrumb links, joined with " > "
    tags: Selectors = ()
    drop: Selectors = ()  # removed from the body container before reading it
    page_types: tuple[tuple[str, str], ...] = ()  # (page type, selector that marks it)
    not_article: str | None = None  # page type of every page of this outlet ("redirect" for aggregators)
    hook: Callable[[HtmlElement, Any], None] | None = None  # only for what selectors cannot say
    outlet: str = ""
    domains: tuple[str, ...] = ()
    compiled: dict[str, tuple[ElementSelector, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        compiled = {g: tuple(css(s) for s in getattr(self, g)) for g in RULE_GROUPS}
        compiled["page_types"] = tuple(css(s) for _, s in self.page_types)
        object.__setattr__(self, "compiled", compiled)

    def first(self, group: str, tree: HtmlElement) -> HtmlElement | None:
        """First element matched by the group's selectors, trying them in order."""
        for selector in self.compiled[group]:
            found = _elements(selector(tree))
            if found:
                return found[0]
        return None

    def all(self, group: str, tree: HtmlElement) -> list[HtmlElement]:
        """All elements matched by the first selector of the group that matches anything."""
        for selector in self.compiled[group]:
            found = _elements(selector(tree))
            if found:
                return found
        return []


def _elements(found: object) -> list[HtmlElement]:
    """A CSS selector's result as elements (lxml types it as any XPath result)."""
    return [el for el in found if isinstance(el, HtmlElement)] if isinstance(found, list) else []


# The rules of a page no outlet declares: the generic layer alone.
GENERIC_RULES = Rules()


@dataclass(frozen=True)
class Outlet:
    """One outlet: its source profile and its extraction rules, declared together.

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
    rules: Rules = GENERIC_RULES
    article_re: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.id or not self.domains:
            raise ValueError("an outlet needs an id and at least one domain")
        object.__setattr__(self, "article_re", re.compile(self.article_pattern))
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))
        object.__setattr__(self, "rules", replace(self.rules, outlet=self.id, domains=self.domains))
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
        """(url, kind) for every archive day in the window, newest first (at most a year of days)."""
        end = (until or datetime.now(UTC)).astimezone(VN_TZ).date()
        start = max(since.astimezone(VN_TZ).date(), end - timedelta(days=MAX_ARCHIVE_DAYS - 1))
        day = end
        while day >= start:
            for archive in self.archives:
                yield archive.for_day(day), archive.kind
            day -= timedelta(days=1)
