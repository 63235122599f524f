"""Dân trí: Tailwind page marked with `data-slot`; related slots are `aside[data-module]`."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="dantri",
    domains=("dantri.com.vn",),
    name="Dân trí",
    title=("h1[data-slot='title']", "h1.title-page"),
    lead=("h2[data-slot='sapo']", "h2.singular-sapo"),
    body=("div[data-slot='content']", "div.singular-content"),
    byline=("a[rel='author']", "div.author-name"),
    date=("article[data-slot='container'] time", "time.author-time", "time"),
    category=("a[data-content-name='article-breadcrumb']",),
    tags=("a[data-content-name='article-tags']", "ul.tags-wrap a"),
    drop=("[data-module]", "[data-slot='ads-in-content']"),
)
