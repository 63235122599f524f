"""The generic layer: where a Vietnamese article page keeps its headline, lead, body, dates and byline,
found with no outlet rule.

Everything is measured from the headline: a page's own date, lead and byline sit next to it, while the
dates and names of related lists, comments, sidebars and the footer sit in boxes `patterns.OUTSIDE_ARTICLE`
names, or far away. The patterns are data (crawler/extraction/patterns.py); this module applies them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import count, pairwise
from operator import attrgetter
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from crawler.extraction import patterns as pt
from crawler.extraction.body import BLOCKS, ElementTexts, element_text
from crawler.extraction.vietnamese import fold, squash

# A headline has at least this many characters: shorter h1s are logos and section names.
MIN_HEADLINE_CHARS = 12
# ... and at most this many: longer "headlines" are paragraphs styled as titles.
MAX_HEADLINE_CHARS = 300
# How alike a headline candidate and the page's metadata title must be (1 = the same text).
HEADLINE_MATCH = 0.8
# An element with no headline markup is the headline only when it shows the metadata title itself.
SAME_TEXT = 1.0
# One text inside the other is almost the same text (a badge, a suffix): a bonus, capped below "same".
CONTAINED_BONUS = 0.2
CONTAINED_LIKENESS = 0.95
# A lead has at least this many characters (shorter: a kicker or a date line) and at most this many.
LEAD_MIN_CHARS = 40
LEAD_MAX_CHARS = 1500
# A "first bold paragraph" lead has at least this many words; shorter bold lines are sub-heads.
LEAD_MIN_WORDS = 12
# The lead starts within this many elements of the headline (document order); further is the body.
MAX_LEAD_DISTANCE = 60
# ... or this many when its class says sapo/lead (share bars and players may sit in between).
MAX_HINTED_LEAD_DISTANCE = 200
# A page's own date is within this many elements before or after its headline.
MAX_DATE_BEFORE = 40
MAX_DATE_AFTER = 80
# A date element with a date-like class holds at most this many characters; without one, fewer.
MAX_DATE_CHARS = 200
MAX_BARE_DATE_CHARS = 120
# A link beside a date with at least this many characters is another article's headline.
RELATED_LINK_CHARS = 20
# A box of at most this many characters holding a date and a long link is one related item.
RELATED_ITEM_CHARS = 300
# A byline element holds at most this many characters: more is a paragraph that mentions an author.
MAX_BYLINE_CHARS = 100
# A byline is within this many elements of the headline, or of the end of the body.
MAX_BYLINE_DISTANCE = 80
# A breadcrumb has at most this many items; more is a menu.
MAX_CRUMBS = 6
# A category box or a breadcrumb by shape (a home link, section links) is this close to the headline
# (elements, document order): the page's header, not its menus.
MAX_CATEGORY_DISTANCE = 40
# A crumb or a highlighted menu item has at most this many words.
MAX_CRUMB_WORDS = 6
# A body container holds at least this many characters of its own text.
MIN_BODY_CHARS = 200
# A sibling box like the best one (same tag and class) with at least this share of its text is more
# of the same body, split around an ad or a picture.
SIBLING_SHARE = 0.3
# Text nodes shorter than this (bullets, separators, counters) do not count towards a container.
MIN_TEXT_NODE_CHARS = 20
_PARAGRAPH_TAGS = frozenset(("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "dd", "dt"))
_LEAD_BLOCK_TAGS = frozenset(("p", "div", "h2", "h3", "td", "span", "strong", "b"))
_INLINE_TAGS = frozenset(("a", "strong", "b", "em", "i", "u", "abbr", "sup", "sub"))
_TRAIL_TAGS = frozenset(("div", "p", "ul", "ol", "nav", "span", "td", "h2", "h3", "h4", "font", "header"))
_TAIL = attrgetter("tail")
_SKIP_TAGS = frozenset((*pt.INVISIBLE_TAGS, "a", "select", "option", "button"))


_HINT_ATTRIBUTES = ("class", "id", "itemprop", "rel", "data-role")


def hints_of(el: HtmlElement) -> str:
    """What an element's markup says it is: its class, id, itemprop, rel and data-role, joined by spaces."""
    return " ".join(filter(None, map(el.get, _HINT_ATTRIBUTES)))


def _remembered(pattern: re.Pattern[str]) -> Callable[[str], bool]:
    """Whether `pattern` is found in a hints string, remembered per string: a page (and an outlet's
    pages) repeats a few dozen class names over hundreds of elements."""

    @lru_cache(maxsize=1 << 14)
    def finds(hints: str) -> bool:
        return pattern.search(hints) is not None

    return finds


# The hint patterns of crawler/extraction/patterns.py as the loops below ask them.
_OUTSIDE = _remembered(pt.OUTSIDE_ARTICLE)
_TITLE = _remembered(pt.TITLE_HINT)
_LEAD = _remembered(pt.LEAD_HINT)
_NOT_LEAD = _remembered(pt.NOT_LEAD)
_DATE = _remembered(pt.DATE_HINT)
_AUTHOR = _remembered(pt.AUTHOR_HINT)
_NOT_AUTHOR = _remembered(pt.NOT_AUTHOR)
_BREADCRUMB = _remembered(pt.BREADCRUMB_HINT)
_CATEGORY = _remembered(pt.CATEGORY_HINT)
_ACTIVE = _remembered(pt.ACTIVE_HINT)
_MENU = _remembered(pt.MENU_HINT)


@dataclass(frozen=True)
class _Compared:
    """A text as `_likeness` reads it, worked out once: folded, and its case-folded words."""

    folded: str
    words: frozenset[str]

    @classmethod
    def of(cls, text: str) -> _Compared:
        return cls(fold(text), frozenset(text.casefold().split()))


def _likeness(text: _Compared, other: _Compared) -> float:
    """1 for the same text (case, diacritics, punctuation ignored), less as they differ."""
    a, b = text.folded, other.folded
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a in b or b in a:
        return min(CONTAINED_LIKENESS, min(len(a), len(b)) / max(len(a), len(b)) + CONTAINED_BONUS)
    return len(text.words & other.words) / len(text.words | other.words)


@dataclass(eq=False)
class DateText:
    """One displayed date near the headline: its text, published or modified, where and how far it is."""

    text: str
    kind: str
    distance: int
    element: HtmlElement


class Layout:
    """The generic layer's reading of one parsed page; each part is found once, when first asked for."""

    def __init__(self, tree: HtmlElement, titles: tuple[str, ...], texts: ElementTexts | None = None) -> None:
        self.tree = tree
        self.text = texts if texts is not None else ElementTexts()
        body = tree.find("body")
        self.root: HtmlElement = body if body is not None else tree
        self.titles = tuple(t for t in titles if t)
        self.elements: list[HtmlElement] = list(self.root.iter(etree.Element))
        self.order: dict[HtmlElement, int] = dict(zip(self.elements, count()))
        self.hints: dict[HtmlElement, str] = dict(
            zip(self.elements, map(hints_of, self.elements), strict=True)
        )

    def hint(self, el: HtmlElement) -> str:
        """`hints_of(el)`, read once per element of the body."""
        hints = self.hints.get(el)
        return hints if hints is not None else hints_of(el)

    # ---- zones and positions
    @cached_property
    def _zones(self) -> list[HtmlElement]:
        root, hints = self.root, self.hints
        return [
            el
            for el in self.elements
            if el is not root
            and el.tag not in _INLINE_TAGS  # an inline link classed "cms-relate" is article text
            and (el.tag in pt.OUTSIDE_TAGS or _OUTSIDE(hints[el]))
        ]

    @cached_property
    def excluded(self) -> frozenset[HtmlElement]:
        """Every element inside related lists, comments, sidebars, footers, menus (not the headline's)."""
        keep = set(self.headline.iterancestors()) if self.headline is not None else set()
        inside: set[HtmlElement] = set()
        for zone in self._zones:
            if zone not in keep and zone not in inside:
                inside.update(zone.iter(etree.Element))
        return frozenset(inside)

    def zones_in(self, container: HtmlElement) -> list[HtmlElement]:
        """The boxes inside a container that are not the article (related lists, share bars, tags)."""
        keep = set(self.headline.iterancestors()) if self.headline is not None else set()
        return [
            z for z in self._zones if z not in keep and z is not container and container in z.iterancestors()
        ]

    def distance(self, el: HtmlElement) -> int:
        """Elements between the headline and `el` in document order (negative: before the headline)."""
        anchor = self.anchor
        return self.order.get(el, 0) - (self.order.get(anchor, 0) if anchor is not None else 0)

    @property
    def anchor(self) -> HtmlElement | None:
        """What the page's own dates and byline are measured from: the headline, else the body."""
        return self.headline if self.headline is not None else self.container

    # ---- headline
    @cached_property
    def headline(self) -> HtmlElement | None:
        """The article's headline: the h1 (or title-classed element) most like the page's metadata title."""
        best: tuple[float, int, int] | None = None
        chosen: HtmlElement | None = None
        titles = [_Compared.of(t) for t in self.titles]
        for el in self.elements:
            is_h1 = el.tag == "h1"
            if not is_h1 and el.tag not in pt.TITLE_TAGS:
                continue
            text = self.text(el)
            if not MIN_HEADLINE_CHARS <= len(text) <= MAX_HEADLINE_CHARS:
                continue
            shown = _Compared.of(text)
            like = max((_likeness(shown, t) for t in titles), default=0.0)
            hinted = is_h1 or _TITLE(self.hints[el])
            if like < (HEADLINE_MATCH if hinted else SAME_TEXT):
                if not is_h1:
                    continue
                like = 0.0
            rank = (like, int(is_h1), sum(1 for _ in el.iterancestors()))  # the innermost of equals
            if best is None or rank > best:
                best, chosen = rank, el
        return chosen

    # ---- body container
    @cached_property
    def container(self) -> HtmlElement | None:
        """The element holding most of the page's running text (links, boxes and menus not counted)."""
        scores: dict[HtmlElement, int] = defaultdict(int)
        excluded = self.excluded
        for el in self.elements:
            if el.tag in _SKIP_TAGS or el in excluded:
                continue
            # its own text: its text and its children's tails, each stripped
            own = len((el.text or "").strip()) + sum(map(len, map(str.strip, filter(None, map(_TAIL, el)))))
            if own < MIN_TEXT_NODE_CHARS or any(a.tag in _SKIP_TAGS for a in el.iterancestors()):
                continue
            owner = self._block_owner(el)
            target = owner.getparent() if owner.tag in _PARAGRAPH_TAGS else owner
            if target is not None:
                scores[target] += own
        if not scores:
            return None
        best = max(scores, key=lambda e: scores[e])
        if scores[best] < MIN_BODY_CHARS:
            return None
        parent = best.getparent()
        if parent is not None and parent is not self.root:
            alike = [
                c
                for c in parent
                if c is not best and c.tag == best.tag and c.get("class") == best.get("class")
            ]
            if sum(scores.get(c, 0) for c in alike) >= SIBLING_SHARE * scores[best]:
                return parent  # the body is split in several boxes (around an ad, a picture)
        return best

    @staticmethod
    def _block_owner(el: HtmlElement) -> HtmlElement:
        node = el
        while node.tag not in BLOCKS and node.getparent() is not None:
            node = node.getparent()
        return node

    # ---- lead
    @cached_property
    def lead(self) -> HtmlElement | None:
        """The visible lead: a sapo/lead/summary element under the headline, else its first bold paragraph."""
        if self.headline is None:
            return None
        for el in self._after_headline(MAX_HINTED_LEAD_DISTANCE):
            hints = self.hints[el]
            if el.tag not in pt.LEAD_TAGS or not _LEAD(hints) or _NOT_LEAD(hints):
                continue
            if LEAD_MIN_CHARS <= len(self.text(el)) <= LEAD_MAX_CHARS:
                return el
        first = self.first_paragraph
        if first is not None and (_all_bold(first) or self._before_body(first)):
            return first
        return None

    def _before_body(self, el: HtmlElement) -> bool:
        """A block between the headline and the body container, outside it: the sapo of a page
        that gives it no class (`<p class="txt-head">`, a bare `<p>` under the `<h1>`)."""
        container = self.container
        if container is None or el is container or container in el.iterancestors():
            return False
        if any(a is container for a in el.iterancestors()):
            return False
        return self.order[el] < self.order[container] and not pt.DATE_DAY.search(self.text(el))

    @cached_property
    def first_paragraph(self) -> HtmlElement | None:
        """The first block of at least LEAD_MIN_WORDS words under the headline."""
        for el in self._after_headline(MAX_LEAD_DISTANCE):
            if el.tag not in _LEAD_BLOCK_TAGS or self._has_block(el):
                continue
            if len(self.text(el).split()) >= LEAD_MIN_WORDS:
                return el
        return None

    def _after_headline(self, limit: int) -> list[HtmlElement]:
        start = self.order[self.headline] if self.headline is not None else 0
        after = self.elements[start + 1 : start + 1 + limit]
        inside = set(self.headline.iter()) if self.headline is not None else set()
        return [e for e in after if e not in inside and e not in self.excluded]

    @staticmethod
    def _has_block(el: HtmlElement) -> bool:
        return any(isinstance(d.tag, str) and d.tag in BLOCKS for d in el.iterdescendants())

    # ---- dates
    @cached_property
    def dates(self) -> list[DateText]:
        """Displayed dates near the headline, closest first; related items and boxes never count."""
        if self.anchor is None:
            return []
        start = max(0, self.order[self.anchor] - MAX_DATE_BEFORE)
        found: dict[str, DateText] = {}
        for el in self.elements[start : self.order[self.anchor] + MAX_DATE_AFTER]:
            if el in self.excluded or el.tag in _SKIP_TAGS or self._in_link(el):
                continue
            hinted = el.tag == "time" or _DATE(self.hints[el])
            text = self.text(el)
            if len(text) > (MAX_DATE_CHARS if hinted else MAX_BARE_DATE_CHARS) or not pt.DATE_DAY.search(
                text
            ):
                continue
            if self._beside_related_link(el):
                continue
            for phrase, kind in _date_phrases(text, need_time=not hinted):
                seen = found.get(phrase)
                distance = self.distance(el)
                if seen is None or abs(distance) < abs(seen.distance):
                    found[phrase] = DateText(phrase, kind, distance, el)
        return sorted(found.values(), key=lambda d: (abs(d.distance), d.distance < 0))

    @cached_property
    def time_elements(self) -> list[HtmlElement]:
        """`<time datetime>` elements near the headline, closest first."""
        if self.anchor is None:
            return []
        near = [
            el
            for el in self.elements
            if el.tag == "time"
            and el.get("datetime")
            and el not in self.excluded
            and -MAX_DATE_BEFORE <= self.distance(el) <= MAX_DATE_AFTER
        ]
        return sorted(near, key=lambda e: abs(self.distance(e)))

    def _in_link(self, el: HtmlElement) -> bool:
        return any(a.tag == "a" for a in el.iterancestors())

    def _beside_related_link(self, el: HtmlElement) -> bool:
        """A date in a small box with a long link is the linked article's date (a related item)."""
        block = self._block_owner(el)
        for box in (block, block.getparent()):
            if (
                box is not None
                and len(self.text(box)) <= RELATED_ITEM_CHARS
                and _has_long_link(box, self.text)
            ):
                return True
        return False

    # ---- bylines
    @cached_property
    def bylines(self) -> list[HtmlElement]:
        """Author and source elements next to the headline or the end of the body."""
        found: list[HtmlElement] = []
        hints = self.hints
        for el in self.elements:
            if not _AUTHOR(hints[el]) or _NOT_AUTHOR(hints[el]) or el in self.excluded:
                continue
            if any(a in found for a in el.iterancestors()) or not self._near_article(el):
                continue
            text = self.text(el) or squash(el.get("content"))
            if 2 <= len(text) <= MAX_BYLINE_CHARS:
                found.append(el)
        return found

    def _near_article(self, el: HtmlElement) -> bool:
        if self.anchor is not None and abs(self.distance(el)) <= MAX_BYLINE_DISTANCE:
            return True
        container = self.container
        if container is None:
            return False
        last = max((self.order[d] for d in container.iter(etree.Element)), default=0)
        return self.order[container] <= self.order[el] <= last + MAX_BYLINE_DISTANCE

    # ---- category
    @cached_property
    def breadcrumb(self) -> list[str]:
        """The section path the page shows, home left out: a breadcrumb, else a category box or a link
        trail next to the headline."""
        for el in self.elements:
            hints = " ".join((self.hints[el], el.get("itemtype") or "", el.get("aria-label") or ""))
            if not (_BREADCRUMB(hints) or "breadcrumblist" in hints.lower()):
                continue
            if any(a.tag in ("footer", "aside") for a in el.iterancestors()):
                continue
            if crumbs := _crumbs(el):
                return crumbs
        return self._category_near_headline() or self._trail_near_headline()

    def _near_headline(self) -> list[HtmlElement]:
        """Elements next to the headline, closest first; a `<nav>` counts (breadcrumbs live in one)."""
        if self.headline is None:
            return []
        start = max(0, self.order[self.headline] - MAX_CATEGORY_DISTANCE)
        near = self.elements[start : self.order[self.headline] + MAX_CATEGORY_DISTANCE]
        boxes = [z for z in self._zones if z.tag != "nav"]
        return sorted(
            (
                e
                for e in near
                if e not in self.excluded or not any(b in boxes for b in (e, *e.iterancestors()))
            ),
            key=lambda e: abs(self.distance(e)),
        )

    def _category_near_headline(self) -> list[str]:
        for el in self._near_headline():
            if el.tag not in _TRAIL_TAGS or not _CATEGORY(self.hints[el]):
                continue
            if crumbs := _crumbs(el):
                return crumbs
        return []

    def _trail_near_headline(self) -> list[str]:
        """A home-led link trail just above (or below) the headline, the closest one."""
        for el in self._near_headline():
            if el.tag in _TRAIL_TAGS and (trail := link_trail(el)):
                return trail
        return []

    @cached_property
    def active_section(self) -> list[str]:
        """The menu item the page highlights as its section, when it shows no breadcrumb."""
        names: list[str] = []
        for el in self.elements:
            if el.tag not in ("li", "a") or not _ACTIVE(el.get("class") or ""):
                continue
            if not any(a.tag == "nav" or _MENU(self.hint(a)) for a in el.iterancestors()):
                continue  # an active tab or filter, not the site's section menu
            link = el if el.tag == "a" else next(el.iter("a"), None)
            name = self.text(link) if link is not None else ""
            if name and len(name.split()) <= MAX_CRUMB_WORDS and not is_home(name) and name not in names:
                names.append(name)
        return names[:2]


# The words of a breadcrumb's home link (folded): never a category.
HOME_WORDS = ("trangchu", "home", "tintuc24h", "trangnhat")


def is_home(name: str) -> bool:
    return fold(name).startswith(HOME_WORDS) or not fold(name)


def _links_home(a: HtmlElement) -> bool:
    """A link to the site's front page ("/", "https://host/"): the home crumb, whatever its label."""
    href = (a.get("href") or "").strip()
    try:
        parts = urlsplit(href)
    except ValueError:
        return False
    return bool(href) and parts.path in ("", "/") and not parts.query and not href.startswith("#")


def _nested_paths(links: list[HtmlElement]) -> bool:
    """Each link goes one level below the one before it (/thoi-su, /thoi-su/moi-truong)."""
    paths = [
        urlsplit(a.get("href") or "").path.rstrip("/").removesuffix(".htm").removesuffix(".html")
        for a in links
    ]
    return all(b.startswith(a + "/") for a, b in pairwise(paths) if a)


def _crumbs(el: HtmlElement) -> list[str]:
    """The names of a breadcrumb's links (its `li`s when it has none), home and boxes inside left out.

    A box holding a trail and a sub-menu (or a share bar) gives its first part only.
    """
    links = [a for a in el.iter("a") if not _in_box(a, el)]
    items = [element_text(a) for a in links if not _links_home(a)] if links else []
    if not links:
        items = [element_text(li) for li in el.iter("li")]
    names: list[str] = []
    for name in items:
        name = squash(name).strip(" >»›/|-–—·•:")
        if not name or pt.CRUMB_SEPARATORS.match(name) or is_home(name) or name in names:
            continue
        if len(name.split()) > MAX_CRUMB_WORDS or pt.END_OF_ARTICLE.match(name):
            continue  # the article's own title at the end of the path; a "Xem thêm" link
        names.append(name)
    if len(names) > MAX_CRUMBS:
        return next((c for c in map(_crumbs, el) if 0 < len(c) <= MAX_CRUMBS), [])
    return names


def _in_box(a: HtmlElement, top: HtmlElement) -> bool:
    """A link inside a share bar, a menu or another box within the breadcrumb's element."""
    for ancestor in a.iterancestors():
        if ancestor is top:
            return False
        if _OUTSIDE(hints_of(ancestor)):
            return True
    return False


def link_trail(el: HtmlElement) -> list[str] | None:
    """A breadcrumb by its shape: a home link, then a few short section links, only separators between."""
    links = [a for a in el if a.tag == "a"] or [a for c in el if c.tag in ("li", "span") for a in c.iter("a")]
    if not 2 <= len(links) <= MAX_CRUMBS + 1 or not (
        _links_home(links[0]) or is_home(element_text(links[0]))
    ):
        return None
    rest = squash(element_text(el))
    for a in links:
        rest = rest.replace(element_text(a), "", 1)
    if not pt.CRUMB_SEPARATORS.match(rest):
        return None
    if len(links) > 2 and not rest.strip() and not _nested_paths(links[1:]):
        return None  # home and sibling sections with nothing between them: a menu, not a path
    names = [element_text(a) for a in links[1:]]
    if any(not n or len(n.split()) > MAX_CRUMB_WORDS for n in names):
        return None
    return names


def _has_long_link(el: HtmlElement, text: ElementTexts) -> bool:
    return any(len(text(a)) >= RELATED_LINK_CHARS for a in el.iter("a"))


def _all_bold(el: HtmlElement) -> bool:
    total = "".join("".join(el.itertext()).split())
    bold = "".join(
        "".join(e.text_content().split())
        for e in el.iter("strong", "b")
        if not any(a.tag in ("strong", "b") for a in e.iterancestors() if a is not el)
    )
    return bool(total) and (el.tag in ("strong", "b", "h2", "h3") or len(bold) >= len(total))


def _date_phrases(text: str, *, need_time: bool) -> list[tuple[str, str]]:
    """Each displayed date in an element's text, with its kind from the label just before it."""
    out: list[tuple[str, str]] = []
    previous_end = 0
    for match in DATE_PHRASE.finditer(text):
        phrase = squash(match.group(0)).strip(" ,|-–—")
        if need_time and not re.search(r"\d[:h]\d\d", phrase):
            continue
        label = text[previous_end : match.start()]
        previous_end = match.end()
        kind = "modified" if pt.MODIFIED_LABEL.search(label) else "published"
        if kind == "modified":
            phrase = "Cập nhật " + phrase  # the dates stage reads the label too
        out.append((phrase, kind))
    return out


_TIME = r"\d{1,2}\s*[:h]\s*\d{2}(?::\d{2})?(?:\s*(?:am|pm|sáng|chiều|tối|trưa|khuya|đêm))?"
_WEEKDAY = r"(?:(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn)\s*[,.-]?\s*)"
# One displayed date: weekday, day, optional time before or after, optional GMT offset.
DATE_PHRASE = re.compile(
    rf"(?:{_TIME}\s*[|,-]?\s*)?{_WEEKDAY}?(?:ngày\s*)?"
    r"(?:\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:\d{4}|\d{2})(?!\d)|\d{4}-\d{2}-\d{2})"
    rf"(?:\s*[,|-]?\s*(?:lúc\s*:?\s*)?{_TIME})?"
    r"(?:\s*\(?\s*gmt\s*[+-]\s*\d{1,2}(?::?\d{2})?\s*\)?)?",
    re.IGNORECASE,
)
