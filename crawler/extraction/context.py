"""The mutable working state of one extraction, handed to outlet hooks."""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.items import Image


@dataclass
class Para:
    """One block of body text and the layout facts cleanup needs (bylines are right-aligned or bold)."""

    text: str
    kind: str = "p"  # "p", "h" (heading), "li", "caption"
    right: bool = False
    emphasis: bool = False
    linked: bool = False  # all its text is link text (`Xem thêm video: …`, a related headline)


@dataclass
class Draft:
    """What extraction has found so far; outlet hooks may correct any field."""

    title: str = ""
    lead: str | None = None
    dateline: str | None = None
    paragraphs: list[Para] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)  # displayed captions, text of photo stories
    images: list[Image] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    credit: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    page_type: str | None = None
    method: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
