"""Báo Mới: an aggregator. Its article URLs answer with a page that sends the reader to the source."""

from __future__ import annotations

from crawler.extraction.outlets.base import OutletRules

RULES = OutletRules(
    outlet="baomoi",
    domains=("baomoi.com",),
    name="Báo Mới",
    not_article="redirect",
)
