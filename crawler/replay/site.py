"""A virtual copy of each outlet's site built from saved pages: the articles under their real paths,
plus the feeds, news sitemaps, sitemap index, listing pages and robots.txt the outlet's source
profile points at, generated so that the unchanged spiders discover exactly those articles.

robots.txt lists every sitemap with `Sitemap:` lines; with `robots_sitemap=True` one more sitemap,
named nowhere else, offers pages as a fourth channel. A site can also be told to refuse paths in
robots.txt, to answer a URL with errors first (e.g. 429 with Retry-After), to redirect a URL (a
moved article) and to answer a URL with a reply of the test's own (raw body and headers: a bad page),
which the tests use. It records every path asked for.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import urljoin, urlsplit

from crawler.outlets import OUTLETS, Outlet
from crawler.replay.corpus import ReplayPage

XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


def host_key(host: str) -> str:
    """Hosts are served without `www.`: www.vietnamplus.vn and vietnamplus.vn are one site."""
    host = host.lower().split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def path_key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return host_key(parts.hostname or ""), (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def robots_sitemap_url(profile: Outlet) -> str:
    """A sitemap on the outlet's home host that no profile lists: only robots.txt leads to it."""
    return urljoin(profile.home or f"https://{profile.domains[0]}/", "/replay-robots-sitemap.xml")


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class ReplaySite:
    def __init__(
        self,
        pages: Iterable[ReplayPage],
        *,
        split: bool = False,
        now: datetime | None = None,
        robots_sitemap: bool = False,
    ) -> None:
        self.now = now or datetime.now(UTC)
        self.robots_sitemap = robots_sitemap  # also offer pages in a sitemap only robots.txt names
        self.pages: dict[tuple[str, str], ReplayPage] = {}
        self.generated: dict[tuple[str, str], Reply] = {}
        self.disallowed: dict[str, list[str]] = defaultdict(list)
        self.faults: dict[tuple[str, str], list[Reply]] = defaultdict(list)
        self.redirects: dict[tuple[str, str], Reply] = {}
        self.moved: dict[tuple[str, str], ReplayPage] = {}  # pages served under a new URL
        self.served: dict[tuple[str, str], Reply] = {}  # replies of a test's own (`serve`)
        self.hits: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._sitemap_urls: dict[tuple[str, str], str] = {}  # for robots.txt `Sitemap:` lines
        by_outlet: dict[str, list[ReplayPage]] = defaultdict(list)
        for page in pages:
            self.pages[path_key(page.url)] = page
            by_outlet[page.outlet].append(page)
        for outlet, outlet_pages in by_outlet.items():
            self._build(OUTLETS[outlet], sorted(outlet_pages, key=lambda p: p.published, reverse=True), split)

    @property
    def outlets(self) -> list[str]:
        return sorted({p.outlet for p in self.pages.values()})

    # -- test hooks -------------------------------------------------------------------------------

    def disallow(self, url: str) -> None:
        """Refuse the URL's path (a prefix) in its host's robots.txt."""
        host, path = path_key(url)
        self.disallowed[host].append(path)

    def fail(
        self, url: str, status: int = 429, times: int = 1, headers: dict[str, str] | None = None
    ) -> None:
        """Answer the URL with `status` the next `times` times before serving it."""
        reply = Reply(status, TEXT, f"{status}\n".encode(), dict(headers or {}))
        self.faults[path_key(url)].extend([reply] * times)

    def redirect(self, url: str, to: str, status: int = 301) -> None:
        """Answer the URL with `status` and `Location: to` (as given: absolute or relative); a page saved
        at the URL is then served at `to`, as when an outlet moves an article."""
        key = path_key(url)
        self.redirects[key] = Reply(status, HTML, b"", {"Location": to})
        if key in self.pages:
            self.moved[path_key(urljoin(url, to))] = self.pages[key]

    def serve(self, url: str, reply: Reply) -> None:
        """Answer the URL with this reply (body and headers as given, e.g. junk or a gzip bomb) instead
        of the page saved there; the feeds still list the URL when a page was saved under it."""
        self.served[path_key(url)] = reply

    def hits_for(self, url: str) -> int:
        return self.hits[path_key(url)]

    # -- serving --------------------------------------------------------------------------------------

    def respond(self, host: str, path: str) -> Reply:
        key = (host_key(host), path or "/")
        with self._lock:
            self.hits[key] += 1
            if self.faults.get(key):
                return self.faults[key].pop(0)
        if key in self.redirects:
            return self.redirects[key]
        if key in self.served:
            return self.served[key]
        if key[1] == "/robots.txt":
            return Reply(200, TEXT, self._robots(key[0]))
        if key in self.generated:
            return self.generated[key]
        page = self.pages.get(key) or self.moved.get(key)
        if page is not None:
            return Reply(200, "text/html", page.body())
        return Reply(404, HTML, b"<html><body><h1>404</h1></body></html>")

    def _robots(self, host: str) -> bytes:
        lines = ["User-agent: *"]
        lines += [f"Disallow: {p}" for p in self.disallowed.get(host, [])] or ["Disallow:"]
        lines += [f"Sitemap: {u}" for (h, _), u in self._sitemap_urls.items() if h == host]
        return ("\n".join(lines) + "\n").encode()

    # -- generation -------------------------------------------------------------------------------------

    def _put(self, url: str, reply: Reply) -> None:
        self.generated[path_key(url)] = reply

    def _build(self, profile: Outlet, pages: list[ReplayPage], split: bool) -> None:
        offered = (  # with `split`, the first channel gets the newest page
            ("robots", (robots_sitemap_url(profile),) if self.robots_sitemap else ()),
            ("feed", profile.feeds),
            ("sitemap", profile.news_sitemaps or profile.sitemaps),
            ("listing", profile.listings),
        )
        channels = [name for name, urls in offered if urls]
        assigned: dict[str, list[ReplayPage]] = {c: [] for c in channels}
        for i, page in enumerate(pages):
            for channel in [channels[i % len(channels)]] if split else channels:
                assigned[channel].append(page)
        for url in profile.feeds:
            self._put(url, Reply(200, RSS, self._rss(profile, url, assigned.get("feed", []))))
        for url in profile.news_sitemaps:
            self._put(url, Reply(200, XML, self._urlset(assigned.get("sitemap", []), news=True)))
            self._sitemap_urls[path_key(url)] = url
        for url in profile.sitemaps:
            # the index lists one sitemap per month of pages (only those not already in news sitemaps)
            monthly: dict[str, list[ReplayPage]] = defaultdict(list)
            for page in assigned.get("sitemap", []) if not profile.news_sitemaps else []:
                monthly[page.published.strftime("%Y-%m")].append(page)
            base = url.rsplit("/", 1)[0]
            children = []
            for month, month_pages in sorted(monthly.items(), reverse=True):
                child = f"{base}/replay-sitemap-{month}.xml"
                self._put(child, Reply(200, XML, self._urlset(month_pages, news=False)))
                children.append((child, max(p.published for p in month_pages)))
            self._put(url, Reply(200, XML, self._index(children)))
            self._sitemap_urls[path_key(url)] = url
        if "robots" in assigned:
            url = robots_sitemap_url(profile)
            self._put(url, Reply(200, XML, self._urlset(assigned["robots"], news=True)))
            self._sitemap_urls[path_key(url)] = url
        for listing in profile.listings:
            links = [p.url for p in assigned.get("listing", [])]
            more = [listing.page(2)] if listing.page_url else []
            self._put(listing.url, Reply(200, HTML, self._listing(profile, links, more)))
            if listing.page_url:
                self._put(listing.page(2), Reply(200, HTML, self._listing(profile, [], [listing.url])))
        if profile.home:
            sections = [listing.url for listing in profile.listings]
            self._put(
                profile.home, Reply(200, HTML, self._listing(profile, [p.url for p in pages], sections))
            )

    def _rss(self, profile: Outlet, url: str, pages: list[ReplayPage]) -> bytes:
        items = "".join(
            f"<item><title>{escape(p.title)}</title><link>{escape(p.url)}</link>"
            f'<guid isPermaLink="true">{escape(p.url)}</guid>'
            f"<pubDate>{format_datetime(p.published.astimezone(UTC), usegmt=True)}</pubDate></item>"
            for p in pages
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{escape(profile.name)}</title><link>{escape(profile.home or url)}</link>"
            f"<description>replay</description>{items}</channel></rss>"
        ).encode()

    def _urlset(self, pages: list[ReplayPage], *, news: bool) -> bytes:
        entries = []
        for p in pages:
            when = p.published.isoformat()
            extra = (
                f"<news:news><news:publication><news:name>replay</news:name><news:language>vi</news:language>"
                f"</news:publication><news:publication_date>{when}</news:publication_date>"
                f"<news:title>{escape(p.title)}</news:title></news:news>"
                if news
                else ""
            )
            entries.append(f"<url><loc>{escape(p.url)}</loc><lastmod>{when}</lastmod>{extra}</url>")
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(entries) + "</urlset>"
        ).encode()

    def _index(self, children: list[tuple[str, datetime]]) -> bytes:
        entries = "".join(
            f"<sitemap><loc>{escape(u)}</loc><lastmod>{d.isoformat()}</lastmod></sitemap>"
            for u, d in children
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
        ).encode()

    def _listing(self, profile: Outlet, links: list[str], more: list[str]) -> bytes:
        items = "".join(f'<li><a href="{escape(u)}">{escape(u)}</a></li>' for u in links)
        nav = "".join(f'<a class="page" href="{escape(u)}">{escape(u)}</a>' for u in more)
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{escape(profile.name)}</title></head><body><ul>{items}</ul><nav>{nav}</nav></body></html>"
        ).encode()
