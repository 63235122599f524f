"""Where each field can come from: one small reader per (field, source), all of the same shape.

A reader takes the page's `Sources` and returns the field's value, or an empty one when that source
has nothing. The order in which they are asked is declared in crawler/extraction/chain.py, not here.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property

from lxml.html import HtmlElement

from crawler.extraction import patterns as pt
from crawler.extraction.body import ElementTexts, element_text, read_container, trafilatura_body
from crawler.extraction.context import Para
from crawler.extraction.generic import Layout, hints_of, is_home
from crawler.extraction.structured import Structured, text_of, types_of
from crawler.extraction.vietnamese import (
    Byline,
    fold,
    parse_byline,
    split_dateline,
    squash,
    strip_title_suffix,
)
from crawler.items import Image
from crawler.outlets import Rules

# A description meta and a visible block are the same lead when this much of the shorter one opens
# the longer one (outlets cut descriptions, or drop the dateline prefix the page shows).
LEAD_AGREEMENT = 0.8
# A label after the headline text inside the h1 ("Nổi bật", "Video", "Ảnh") has at most this many words.
MAX_BADGE_WORDS = 3
# A page with at least this many captioned images (and little text) is a photo story: its captions
# are its text, so a container holding only them is not empty.
PHOTO_MIN_CAPTIONS = 3


@dataclass
class Body:
    """A body as one source read it: its paragraphs, pictures, captions, and the container it came from."""

    paragraphs: list[Para] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    container: HtmlElement | None = None

    def __bool__(self) -> bool:
        return bool(self.paragraphs) or len(self.captions) >= PHOTO_MIN_CAPTIONS

    @property
    def words(self) -> int:
        """Words of text, captions included: a photo story's captions are its text."""
        return sum(len(t.split()) for t in [*(p.text for p in self.paragraphs), *self.captions])


@dataclass
class Sources:
    """One page as every reader sees it: the tree, the outlet's rules, structured data, the generic layout."""

    tree: HtmlElement
    url: str
    rules: Rules
    structured: Structured
    site_names: tuple[str, ...]
    texts: ElementTexts = field(default_factory=ElementTexts)  # element_text, once per element

    @cached_property
    def layout(self) -> Layout:
        return Layout(self.tree, self.metadata_titles, self.texts)

    @cached_property
    def metadata_titles(self) -> tuple[str, ...]:
        article = self.structured.article or {}
        raw = (
            text_of(article.get("headline")),
            self.structured.first_meta("og:title", "twitter:title"),
            squash(self.tree.findtext(".//title")),
        )
        return tuple(dict.fromkeys(strip_title_suffix(t, self.site_names) for t in raw if t))

    @cached_property
    def rule_container(self) -> HtmlElement | None:
        return self.rules.first("body", self.tree)

    def rule_text(self, group: str) -> str:
        return self.texts(self.rules.first(group, self.tree))


# ---- title
def rule_title(src: Sources) -> str:
    return src.rule_text("title")


def generic_title(src: Sources) -> str:
    """The headline as shown, without a badge the h1 carries after it ("… Nổi bật", "… Video")."""
    shown = src.texts(src.layout.headline)
    words = shown.split()
    for title in src.metadata_titles:
        n = len(title.split())
        if 0 < len(words) - n <= MAX_BADGE_WORDS and fold(" ".join(words[:n])) == fold(title):
            return " ".join(words[:n])
    return shown


def structured_title(src: Sources) -> str:
    article = src.structured.article or {}
    for candidate in (
        text_of(article.get("headline")),
        src.structured.first_meta("og:title", "twitter:title"),
    ):
        if candidate and (title := strip_title_suffix(candidate, src.site_names)):
            return title
    return ""


def document_title(src: Sources) -> str:
    return strip_title_suffix(squash(src.tree.findtext(".//title")), src.site_names)


# ---- lead
def rule_lead(src: Sources) -> str:
    return src.rule_text("lead")


def generic_lead(src: Sources) -> str:
    """The visible lead block; else the first block under the headline when the description says so."""
    lead = src.layout.lead
    if lead is not None:
        hinted = pt.LEAD_HINT.search(hints_of(lead) or "") is not None
        if hinted or not _inside(lead, src.rule_container):
            return src.texts(lead)
        return ""  # the first paragraph of the outlet's own body container is its body
    first = src.layout.first_paragraph
    description = src.structured.first_meta("og:description", "description", "twitter:description")
    if first is None or not description:
        return ""
    if _inside(first, src.rule_container) or _inside(first, src.layout.container):
        return ""  # the body's own first paragraph, even where the description copies it
    shown = src.texts(first)
    return shown if agrees(description, split_dateline(shown)[1]) else ""


def _inside(el: HtmlElement, container: HtmlElement | None) -> bool:
    return container is not None and (el is container or any(a is container for a in el.iterancestors()))


def agrees(description: str, shown: str) -> bool:
    """A description and a displayed lead say the same (one opens the other, prefixes aside)."""
    a, b = fold(split_dateline(description)[1]), fold(shown)
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and len(short) >= LEAD_AGREEMENT * len(long)


# ---- body
def rule_body(src: Sources) -> Body:
    container = src.rule_container
    if container is None:
        return Body()
    return Body(*read_container(container, src.rules, src.url), container=container)


def generic_body(src: Sources) -> Body:
    layout = src.layout
    container = layout.container
    if container is None:
        return Body()
    leave_out = [e for e in (layout.headline, layout.lead) if e is not None] + layout.zones_in(container)
    leave_out += [d.element for d in layout.dates if not any(d.element.iterdescendants("p"))]
    leave_out += list(container.iterdescendants("article"))  # an article inside the article: a related card
    return Body(*read_container(container, src.rules, src.url, leave_out), container=container)


def trafilatura(src: Sources) -> Body:
    return Body(trafilatura_body(src.tree, src.rules, src.url))


# ---- people
def rule_people(src: Sources) -> Byline:
    byline = Byline()
    for el in src.rules.all("byline", src.tree):
        byline.merge(parse_byline(src.texts(el) or el.get("title", ""), site_names=src.site_names))
    for el in src.rules.all("credit", src.tree):
        credit = parse_byline(src.texts(el), site_names=src.site_names, theo_is_source=True)
        byline.credit = byline.credit or credit.credit or (squash(src.texts(el)).strip("() ") or None)
    return byline


def structured_people(src: Sources) -> Byline:
    byline = Byline()
    people = (src.structured.article or {}).get("author")
    for person in people if isinstance(people, list) else [people]:
        if isinstance(person, dict) and "Organization" in types_of(person):
            continue
        if name := text_of(person):
            byline.merge(parse_byline(name, site_names=src.site_names))
    if not byline.authors:
        for key in ("article:author", "author", "dable:author"):
            for value in src.structured.all_meta(key):
                if not value.startswith("http"):
                    byline.merge(parse_byline(value, site_names=src.site_names))
    return byline


def generic_people(src: Sources) -> Byline:
    byline = Byline()
    for el in src.layout.bylines:
        text = _byline_text(el) or squash(el.get("content"))
        byline.merge(parse_byline(text, site_names=src.site_names))
    return byline


def source_line(src: Sources) -> Byline:
    """The credit of the page's source line (`nguontin`, `source` boxes), people left to the bylines."""
    for el in src.layout.bylines:
        if pt.SOURCE_HINT.search(hints_of(el) or ""):
            credit = parse_byline(_byline_text(el), site_names=src.site_names, theo_is_source=True).credit
            if credit:
                return Byline(credit=credit)
    return Byline()


def _byline_text(el: HtmlElement) -> str:
    """A byline's text without the buttons inside it ("Copy link", share icons)."""
    if not any(pt.BYLINE_WIDGET.search(hints_of(d) or "") for d in el.iterdescendants()):
        return element_text(el)
    work = copy.deepcopy(el)
    for part in [d for d in work.iterdescendants() if pt.BYLINE_WIDGET.search(hints_of(d) or "")]:
        if part.getparent() is not None:
            part.drop_tree()
    return element_text(work)


# ---- category
def rule_category(src: Sources) -> list[str]:
    names: list[str] = []
    for el in src.rules.all("category", src.tree):
        name = src.texts(el) or squash(el.get("title"))
        if name and not is_home(name) and name not in names:
            names.append(name)
    return names


def _without_title(crumbs: list[str], src: Sources) -> list[str]:
    titles = {fold(t) for t in src.metadata_titles} | {fold(generic_title(src))}
    return [c for c in crumbs if not is_home(c) and fold(c) not in titles]


def structured_breadcrumb(src: Sources) -> list[str]:
    return _without_title(src.structured.breadcrumb(), src)


def generic_breadcrumb(src: Sources) -> list[str]:
    return _without_title(src.layout.breadcrumb, src)


def meta_section(src: Sources) -> list[str]:
    article = src.structured.article or {}
    section = src.structured.first_meta("article:section", "articlesection") or text_of(
        article.get("articleSection")
    )
    return [squash(section.split(",")[0])] if section else []


def generic_menu_section(src: Sources) -> list[str]:
    return _without_title(src.layout.active_section, src)


# ---- tags
def rule_tags(src: Sources) -> list[str]:
    tags: list[str] = []
    for el in src.rules.all("tags", src.tree):
        tag = squash(src.texts(el) or el.get("title")).strip(" #,;")
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def meta_tags(src: Sources) -> list[str]:
    values = src.structured.all_meta("article:tag")
    if len(values) == 1 and "," in values[0]:
        values = values[0].split(",")
    return [t for t in dict.fromkeys(squash(v).strip(" #,") for v in values) if t]
