"""Báo Mới: an aggregator. Its article URLs answer with a page that sends the reader to the source."""

from __future__ import annotations

from crawler.outlets.model import SLUG, Listing, Outlet, Rules

OUTLET = Outlet(
    id="baomoi",
    name="Báo Mới (aggregator)",
    domains=("baomoi.com",),
    article_pattern=rf"/{SLUG}-[cr]\d{{5,}}\.epi",
    listings=(Listing("https://baomoi.com/tin-moi.epi", "https://baomoi.com/tin-moi/trang{page}.epi"),),
    home="https://baomoi.com/",
    max_listing_pages=1,
    verified=True,
    notes="aggregator: item pages are redirects to the source outlet; extraction reports them as such",
    rules=Rules(
        site_name="Báo Mới",
        not_article="redirect",
    ),
)
