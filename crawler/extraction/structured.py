"""Structured data read once per page: JSON-LD objects (leniently) and `<meta>` values.

Outlets ship JSON-LD with missing commas, raw control characters and HTML entities; a strict
`json.loads` would throw the page's best metadata away, so a failed block gets one repair attempt.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from crawler.extraction import xpath

ARTICLE_TYPES = frozenset(
    {
        "NewsArticle",
        "Article",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "PodcastEpisode",
        "VideoObject",
        "ImageGallery",
    }
)
# Media objects: the page's main object only when it has no written article (NewsArticle etc.).
MEDIA_TYPES = frozenset({"VideoObject", "ImageGallery", "PodcastEpisode"})
TEXT_ARTICLE_TYPES = ARTICLE_TYPES - MEDIA_TYPES
_JSONLD = xpath.elements("//script[@type='application/ld+json']")
_META = xpath.elements("//meta[@content]")
_MISSING_COMMA = re.compile(r'("|\d|true|false|null|\]|\})(\s*\n\s*)(")')
_TRAILING_COMMA = re.compile(r",(\s*[\]}])")


def _load(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip().rstrip(";")
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    repaired = _TRAILING_COMMA.sub(r"\1", _MISSING_COMMA.sub(r"\1,\2\3", text))
    try:
        return json.loads(repaired, strict=False)
    except ValueError:
        return None


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        yield value
        if "@graph" in value:
            yield from _walk(value["@graph"])
        main = value.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _walk(main)


def types_of(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def text_of(value: Any) -> str | None:
    """A JSON-LD value as plain text (entities decoded), or None when it is not textual."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = " ".join(html.unescape(str(value)).split())
        return text or None
    return None


@dataclass
class Structured:
    """JSON-LD objects and meta values of one page."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, list[str]] = field(default_factory=dict)
    broken_jsonld: int = 0

    def first_meta(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.meta.get(key.lower(), ()):
                if value.strip():
                    return value.strip()
        return None

    def all_meta(self, key: str) -> list[str]:
        return [v.strip() for v in self.meta.get(key.lower(), ()) if v.strip()]

    def of_type(self, *kinds: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if types_of(o) & set(kinds)]

    @property
    def article(self) -> dict[str, Any] | None:
        """The page's main news object: NewsArticle-like first, then media objects."""
        for kinds in (TEXT_ARTICLE_TYPES, ARTICLE_TYPES):
            found = self.of_type(*kinds)
            if found:
                return found[0]
        return None

    def breadcrumb(self) -> list[str]:
        for crumb in self.of_type("BreadcrumbList"):
            items = crumb.get("itemListElement")
            if not isinstance(items, list):
                continue
            flat = [j for i in items for j in (i if isinstance(i, list) else [i])]  # dantri nests lists
            ordered = sorted(
                (i for i in flat if isinstance(i, dict)),
                key=lambda i: i.get("position", 0) if isinstance(i.get("position"), int) else 0,
            )
            names = [text_of(i.get("name")) or text_of(i.get("item")) for i in ordered]
            return [n for n in names if n]
        return []


def read_structured(tree: HtmlElement) -> Structured:
    """Collect JSON-LD objects and meta tags (keyed by lower-cased name/property/itemprop)."""
    data = Structured()
    for script in _JSONLD(tree):
        loaded = _load(script.text or "")
        if loaded is None:
            data.broken_jsonld += 1
            continue
        data.objects.extend(_walk(loaded))
    for meta in _META(tree):
        content = meta.get("content") or ""
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                data.meta.setdefault(key.strip().lower(), []).append(html.unescape(content))
    return data
