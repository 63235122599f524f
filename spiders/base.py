"""The one outlet spider. Every per-outlet spider is this class bound to a source profile.

Discovery order: feeds, then news sitemaps (and, for a backfill window, the sitemap index and the
date archives), then listing pages with their pagination. Only URLs that match the profile's article
pattern on its domains are followed. Each fetched article page is handed on as a `FetchedPage` (body,
URL, status, headers, fetch time) to the stages in ITEM_PIPELINES; counts go to `outlet/<id>/…`.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from lxml import etree
from protego import Protego
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.response import get_base_url

from crawler.dates import parse_date
from crawler.items import VN_TZ, FetchedPage
from crawler.normalize import canonical_url
from crawler.outlets import OUTLETS, Listing, Outlet, get_outlet

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

# Request priorities: articles first (they finish work), then feeds, robots.txt (its sitemaps), sitemaps,
# listings, archives.
PRIORITY = {"article": 40, "feed": 30, "robots": 25, "sitemap": 20, "listing": 10, "archive": 0}
ALL_CHANNELS = ("feeds", "sitemaps", "listings")
FOLLOWED_SCHEMES = ("http", "https")  # discovered links with any other scheme are refused and counted
SITEMAP_CHILDREN_WITHOUT_WINDOW = 2  # children of a sitemap index followed when no `since` is given
_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hd])\s*$", re.IGNORECASE)
# `-a` names a scheduler adds on its own (Scrapyd passes `_job`): accepted, never read.
SCHEDULER_ARGUMENT_PREFIX = "_"
BOUND_FORMS = "an ISO date (2026-07-16), 48h, 7d, yesterday, hôm qua, 3 ngày trước or 16/07/2026"


class SpiderArgumentError(ValueError):
    """A `-a name=value` the spider cannot use; the message is one line naming the valid choices."""


# Scrapy's messages for a response over DOWNLOAD_MAXSIZE: the download handler's (announced or received
# size, DownloadCancelledError) and HttpCompressionMiddleware's (inflated size, IgnoreRequest).
_TOO_LARGE = re.compile(r"larger than download max size|exceeded DOWNLOAD_MAXSIZE")
# a bad .gz: truncated (EOFError), corrupt (zlib.error, OSError), over DOWNLOAD_MAXSIZE (ValueError)
_GUNZIP_ERRORS = (OSError, EOFError, zlib.error, struct.error, ValueError)


def parse_bound(
    value: str | datetime | None, now: datetime | None = None, *, end_of_day: bool = False
) -> datetime | None:
    """A window bound from `-a since=…`: ISO date/datetime, `48h`/`7d` ago, or any date `parse_date` reads.

    A date without a time is 00:00 that day in Vietnam; with `end_of_day` (the `until` bound) it is the
    last instant of that day, so the whole day is inside the window.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=VN_TZ)
    now = now or datetime.now(UTC)
    text = str(value).strip()
    if m := _RELATIVE.match(text):
        amount = float(m.group(1))
        return now - (timedelta(hours=amount) if m.group(2).lower() == "h" else timedelta(days=amount))
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        found = parse_date(text, now=now)
        if found is None:
            raise ValueError(f"cannot read the date {value!r}") from None
        if end_of_day and found.precision == "day":
            return _day_end(found.value.astimezone(VN_TZ).date())
        return found.value
    if end_of_day and _is_iso_date(text):
        return _day_end(parsed.date())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _day_end(day: date) -> datetime:
    """The last instant (to the microsecond) of a Vietnamese calendar day."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=VN_TZ)
    return midnight + timedelta(days=1) - timedelta(microseconds=1)


def parse_feed_date(text: str | None) -> datetime | None:
    """RFC 822 (RSS), ISO 8601 (Atom, sitemaps), else the Vietnamese date reader."""
    if not text or not text.strip():
        return None
    text = text.strip()
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        value = None
    if value is None:
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            found = parse_date(text)
            value = getattr(found, "value", None) if found is not None else None
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(elem: etree._Element, *names: str) -> str | None:
    for child in elem.iter():
        if child is not elem and _local(child.tag) in names:
            text = (child.text or "").strip()
            if text:
                return text
    return None


class OutletSpider(scrapy.Spider):
    """Crawl one outlet described by `source`. Arguments (all optional, as `-a name=value`; any other
    name is refused, except the `_`-prefixed ones a scheduler adds, such as Scrapyd's `_job`):

    since, until   the publication window (ISO date, `48h`, `7d`, or a date `parse_date` reads: `hôm qua`,
                   `3 ngày trước`, `yesterday`, `16/07/2026`; a date-only `until` takes in that whole
                   day); `since` also turns on backfill from the sitemap index and the date archives
    max_pages      budget of article pages fetched in this run
    refresh_hours  re-fetch stored articles published within the last N hours (corrections)
    channels       comma list of feeds,sitemaps,listings (default: all, in that order)
    """

    source: ClassVar[Outlet]
    ARGUMENTS: ClassVar[tuple[str, ...]] = ("since", "until", "max_pages", "refresh_hours", "channels")

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        values = self.read_arguments(kwargs)
        super().__init__(name, **{k: v for k, v in kwargs.items() if k not in self.ARGUMENTS})
        self.since, self.until = values["since"], values["until"]
        self.max_pages, self.refresh_hours = values["max_pages"], values["refresh_hours"]
        self.channels = values["channels"]
        self.allowed_domains = list(self.source.domains)
        self._seen: set[str] = set()  # canonical URLs found in this run (bounded by the run)

    @classmethod
    def read_arguments(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The `-a` values, read and checked before any request; SpiderArgumentError says what is wrong.

        `scrapy crawl` calls it before the crawl starts (spiders/commands/crawl.py), so a bad argument
        is one line and exit code 2 there, not a traceback from inside the engine.
        """
        unknown = sorted(
            k for k in kwargs if k not in cls.ARGUMENTS and not k.startswith(SCHEDULER_ARGUMENT_PREFIX)
        )
        if unknown:
            raise SpiderArgumentError(
                f"unknown argument {', '.join(unknown)}; valid: {', '.join(cls.ARGUMENTS)}"
            )
        since = _argument(kwargs, "since", parse_bound, BOUND_FORMS)
        until = _argument(kwargs, "until", lambda v: parse_bound(v, end_of_day=True), BOUND_FORMS)
        if since is not None and until is not None and until < since:
            raise SpiderArgumentError(f"until={kwargs['until']} is before since={kwargs['since']}")
        channels = tuple(c.strip() for c in str(kwargs.get("channels") or "").split(",") if c.strip())
        unknown = sorted(set(channels) - set(ALL_CHANNELS))
        if unknown:
            raise SpiderArgumentError(
                f"unknown channels {', '.join(unknown)}; valid: {', '.join(ALL_CHANNELS)}"
            )
        return {
            "since": since,
            "until": until,
            "max_pages": _argument(kwargs, "max_pages", _whole_number, "a whole number of pages, 0 or more"),
            "refresh_hours": _argument(kwargs, "refresh_hours", _hours, "a number of hours, 0 or more"),
            "channels": channels or ALL_CHANNELS,
        }

    # -- stats ---------------------------------------------------------------------------------------

    def count(self, what: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"outlet/{self.source.id}/{what}", n)

    # -- discovery -------------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        for request in self.discovery_requests():
            yield request

    def discovery_requests(self) -> Iterator[scrapy.Request]:
        src = self.source
        if "feeds" in self.channels:
            for url in src.feeds:
                yield self._discovery(url, self.parse_feed, "feed")
        if "sitemaps" in self.channels:
            yield self._discovery(self.robots_url(), self.parse_robots, "robots")
            for url in src.news_sitemaps:
                yield self._discovery(url, self.parse_sitemap, "sitemap")
            if self.since is not None or not src.news_sitemaps:
                for url in src.sitemaps:
                    yield self._discovery(url, self.parse_sitemap, "sitemap")
        if "listings" in self.channels:
            for listing in src.listings:
                yield self._discovery(listing.url, self.parse_listing, "listing", listing=listing, page=1)
        if self.since is not None and src.archives:
            for url, kind in src.archive_urls(self.since, self.until):
                if kind == "sitemap":
                    yield self._discovery(url, self.parse_sitemap, "archive")
                else:
                    yield self._discovery(url, self.parse_listing, "archive", listing=None, page=1)

    def _discovery(self, url: str, callback: Any, kind: str, **cb_kwargs: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.robots_failed if kind == "robots" else self.discovery_failed,
            priority=PRIORITY[kind],
            cb_kwargs=cb_kwargs,
            meta={"vnnews_kind": kind, "vnnews_outlet": self.source.id},
        )

    def in_window(self, when: datetime | None) -> bool:
        """Undated entries are kept: the article page itself says when it was published."""
        if when is None:
            return True
        if self.since is not None and when < self.since:
            return False
        return not (self.until is not None and when > self.until)

    def article_requests(self, links: Iterable[str], via: str, base: str) -> Iterator[scrapy.Request]:
        """Requests for links that are new article URLs of this outlet (first sighting wins), `base`
        the URL they are relative to: a feed's or sitemap's own URL (`Response.urljoin` would decode
        the whole document, and the copy lives as long as the response: 500 KB for a sitemap of 600
        articles), a listing's base URL.

        A malformed link (e.g. a port out of range) is skipped and counted (`bad_link`); a link that is
        not http(s) (`refused/scheme`) or leads off the outlet's domains (`refused/offsite`) is refused.
        """
        for link in links:
            try:
                url = urljoin(base, link.strip()).split("#", 1)[0]
                refused = _refusal(url, self.source)
                key = canonical_url(url) if not refused and self.source.is_article(url) else None
            except ValueError:
                self.count("bad_link")
                continue
            if refused:
                self.count(f"refused/{refused}")
                continue
            if key is None or key in self._seen:
                continue
            self._seen.add(key)
            self.count("found")
            self.count(f"found_via/{via}")
            yield scrapy.Request(
                url,
                callback=self.parse_article,
                errback=self.article_failed,
                priority=PRIORITY["article"],
                meta={"vnnews_article": key, "vnnews_kind": "article", "vnnews_outlet": self.source.id},
            )

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self.article_requests(self._feed_links(response), "feed", response.url)

    def _feed_links(self, response: Response) -> list[str]:
        """The feed's article links in the window. A function of its own, so that the parsed tree
        (~5× the document: 48 MB for the 54 feeds and sitemaps of a 10,000-URL replay) is freed
        before the requests go out, not kept while the store says which are known."""
        root = self._xml(response)
        if root is None:
            return []
        links = []
        for item in root.iter():
            if _local(item.tag) not in ("item", "entry"):
                continue
            when = parse_feed_date(_child_text(item, "pubDate", "published", "updated", "date"))
            if not self.in_window(when):
                self.count("outside_window")
                continue
            link = _child_text(item, "link", "guid")
            if link is None:  # Atom: <link rel="alternate" href="…"/>
                for child in item:
                    if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
                        link = child.get("href")
                        break
            if link:
                links.append(link)
        return links

    def robots_url(self) -> str:
        """robots.txt of the outlet's home host (its first domain when the profile has no home page)."""
        return urljoin(self.source.home or f"https://{self.source.domains[0]}/", "/robots.txt")

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """Sitemaps that robots.txt lists and the profile does not (`robots_sitemaps`); their articles
        are counted as `found_via/robots_sitemap`. The profile's own sitemaps keep their schedule."""
        known = {*self.source.news_sitemaps, *self.source.sitemaps}
        text = response.body.decode("utf-8", errors="replace")
        found = dict.fromkeys(response.urljoin(s.strip()) for s in Protego.parse(text).sitemaps)
        for url in found:
            if url in known or not self.source.owns(url):
                continue
            self.count("robots_sitemaps")
            yield self._discovery(url, self.parse_sitemap, "sitemap", via="robots_sitemap")

    def parse_sitemap(self, response: Response, via: str = "sitemap") -> Iterator[scrapy.Request]:
        children, links = self._sitemap_entries(response)
        for url in children:
            yield self._discovery(url, self.parse_sitemap, "sitemap", via=via)
        yield from self.article_requests(links, via, response.url)

    def _sitemap_entries(self, response: Response) -> tuple[list[str], list[str]]:
        """(child sitemaps of an index, article links of a sitemap) in the window, the parsed tree
        freed on return (`_feed_links`)."""
        root = self._xml(response)
        if root is None:
            return [], []
        if _local(root.tag) == "sitemapindex":
            children = []
            for entry in root:
                loc = _child_text(entry, "loc")
                lastmod = parse_feed_date(_child_text(entry, "lastmod"))
                if loc and (self.since is None or lastmod is None or lastmod >= self.since):
                    children.append((lastmod or datetime.max.replace(tzinfo=UTC), loc))
            children.sort(reverse=True)
            if self.since is None:
                children = children[:SITEMAP_CHILDREN_WITHOUT_WINDOW]
            urls = [response.urljoin(loc) for _, loc in children]
            return [url for url in urls if self.source.owns(url)], []
        links = []
        for entry in root:
            loc = _child_text(entry, "loc")
            if not loc:
                continue
            when = parse_feed_date(_child_text(entry, "publication_date") or _child_text(entry, "lastmod"))
            if self.in_window(when):
                links.append(loc)
            else:
                self.count("outside_window")
        return [], links

    def parse_listing(
        self, response: TextResponse, listing: Listing | None, page: int
    ) -> Iterator[scrapy.Request]:
        before = len(self._seen)
        links = response.css("a::attr(href)").getall()
        yield from self.article_requests(links, "listing", get_base_url(response))
        found_new = len(self._seen) > before
        limit = self.source.max_listing_pages
        if listing is not None and listing.page_url and found_new and page < limit:
            yield self._discovery(
                listing.page(page + 1), self.parse_listing, "listing", listing=listing, page=page + 1
            )

    def _xml(self, response: Response) -> etree._Element | None:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            except _GUNZIP_ERRORS:
                body = b""
        try:
            root = etree.fromstring(body, parser=_XML_PARSER) if body.strip() else None
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            self.count("discovery_failed/not_xml")
        return root

    # -- articles ----------------------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[FetchedPage]:
        self.count("fetched")
        content_type = response.headers.get("Content-Type")
        yield FetchedPage(
            url=response.url,
            body=response.body,
            fetched_at=datetime.now(UTC),
            status=response.status,
            content_type=content_type.decode("latin-1") if content_type else None,
            encoding=getattr(response, "encoding", None),
            outlet=self.source.id,
        )

    # -- failures --------------------------------------------------------------------------------------

    def article_failed(self, failure: Failure) -> None:
        self.count("failed")
        self.count(f"failed/{failure_reason(failure)}")

    def discovery_failed(self, failure: Failure) -> None:
        self.count(f"discovery_failed/{failure_reason(failure)}")

    def robots_failed(self, failure: Failure) -> None:
        """No robots.txt only means no extra sitemaps: not a discovery failure."""
        self.count(f"robots_sitemaps_failed/{failure_reason(failure)}")


def _argument(kwargs: dict[str, Any], name: str, read: Any, expected: str) -> Any:
    """One optional argument through its reader; a value it cannot read names what was expected."""
    value = kwargs.get(name)
    if value is None or value == "":
        return None
    try:
        return read(value)
    except (TypeError, ValueError):
        raise SpiderArgumentError(f"cannot read {name}={value}: expected {expected}") from None


def _whole_number(value: Any) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _hours(value: Any) -> float:
    number = float(value)
    if not number >= 0:  # also refuses nan
        raise ValueError(value)
    return number


def _refusal(url: str, source: Outlet) -> str | None:
    """Why a discovered link is refused outright: `scheme` (javascript:, mailto:, ftp:…), `offsite`."""
    if urlsplit(url).scheme not in FOLLOWED_SCHEMES:
        return "scheme"
    return None if source.owns(url) else "offsite"


def failure_reason(failure: Failure) -> str:
    """A short, stable stats key for why a request failed."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if _TOO_LARGE.search(str(exc)):  # Scrapy's size cap: cancelled download or refused decompression
        return "too_large"
    if isinstance(exc, IgnoreRequest):
        return "robots_txt" if "robots" in str(exc).lower() else "ignored"
    return type(exc).__name__


class NewsSpider(OutletSpider):
    """`scrapy crawl news -a source=<id>`: any outlet by name (per-outlet settings need its own spider)."""

    name = "news"
    ARGUMENTS = ("source", *OutletSpider.ARGUMENTS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.source = self.outlet_argument(kwargs.get("source"))  # type: ignore[misc]
        super().__init__(*args, **kwargs)

    @classmethod
    def read_arguments(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        cls.outlet_argument(kwargs.get("source"))
        return super().read_arguments(kwargs)

    @staticmethod
    def outlet_argument(source: str | None) -> Outlet:
        if not source:
            raise SpiderArgumentError("give the outlet: scrapy crawl news -a source=<id>")
        try:
            return get_outlet(source)
        except KeyError:
            raise SpiderArgumentError(
                f"unknown outlet {source}; valid: {', '.join(sorted(OUTLETS))}"
            ) from None


def spider_for(profile: Outlet, module: str) -> type[OutletSpider]:
    """The spider class of one outlet: a name, its profile and the profile's own settings."""
    return type(
        f"{profile.id.capitalize()}Spider",
        (OutletSpider,),
        {
            "name": profile.id,
            "source": profile,
            "custom_settings": dict(profile.settings),
            "__module__": module,
            "__doc__": f"Crawl {profile.name} ({', '.join(profile.domains)}).",
        },
    )
