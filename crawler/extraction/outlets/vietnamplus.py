"""VietnamPlus (Vietnam News Agency): `article__*` CMS; video pages carry `body.video-page`."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="vietnamplus",
    domains=("vietnamplus.vn",),
    name="VietnamPlus",
    title=("h1.article__title",),
    lead=("div.article__sapo",),
    body=("div.article__body",),
    byline=("div.article__author .name", "div.article__author"),
    credit=("div.article__source .name", "div.article__source"),
    date=("div.article__meta time.time", "time.time"),
    category=("div.breadcrumb h2.main a", "div.breadcrumb .main a"),
    tags=("div.article__tag a.active", "div.article__tag a[href*='/tag/']"),
    drop=("div.article__source", "div.article__author", "div.article__tag"),
    page_types=(("video", "body.video-page"),),
)
