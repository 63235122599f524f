"""VNA news service (vnanet.vn). No saved page yet: names only, generic body."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="vnanet",
    name="VNA Photo/News service (vnanet.vn)",
    domains=("vnanet.vn",),
    article_pattern=rf"/(?:vi|en)/{SLUG}/{SLUG}-\d+/{SLUG}-\d{{5,}}\.html",
    sitemaps=("https://vnanet.vn/sitemap.xml",),
    listings=(
        Listing(
            "https://vnanet.vn/vi/tin-tuc/thoi-su-1/",
            "https://vnanet.vn/vi/tin-tuc/thoi-su-1/?page={page}",
        ),
    ),
    home="https://vnanet.vn/vi/",
    verified=False,
    notes="no public RSS; most content is behind a subscription",
    settings={"DOWNLOAD_DELAY": 2.0},
    rules=Rules(
        site_name="TTXVN",
    ),
)
