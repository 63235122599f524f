"""Outlet rules as data: a frozen dataclass of CSS selectors, compiled once when the module is imported.

A broken selector therefore fails at import (in CI), never in the middle of a crawl.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml.cssselect import CSSSelector

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.extraction.context import Draft

Selectors = tuple[str, ...]


@dataclass(frozen=True)
class OutletRules:
    """What the generic path cannot know about one outlet's page layout.

    Every selector group is a tuple tried in order; the first group member that matches wins.
    """

    outlet: str
    domains: tuple[str, ...]
    name: str = ""  # how the outlet names itself, e.g. "VnExpress": never an author
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
    hook: Callable[[HtmlElement, Draft], None] | None = None  # only for what selectors cannot say
    compiled: dict[str, tuple[CSSSelector, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        groups = ("title", "lead", "body", "byline", "credit", "date", "category", "tags", "drop")
        compiled = {g: tuple(CSSSelector(s) for s in getattr(self, g)) for g in groups}
        compiled["page_types"] = tuple(CSSSelector(s) for _, s in self.page_types)
        object.__setattr__(self, "compiled", compiled)

    def first(self, group: str, tree: HtmlElement) -> HtmlElement | None:
        """First element matched by the group's selectors, trying them in order."""
        for selector in self.compiled[group]:
            found = selector(tree)
            if found:
                return found[0]
        return None

    def all(self, group: str, tree: HtmlElement) -> list[HtmlElement]:
        """All elements matched by the first selector of the group that matches anything."""
        for selector in self.compiled[group]:
            found = selector(tree)
            if found:
                return list(found)
        return []


GENERIC = OutletRules(outlet="", domains=())
