"""Body text: read from the outlet's body container when the rules know it, else from trafilatura.

This is the only module that imports trafilatura. A container read is deterministic (every paragraph,
in order, with its layout facts); trafilatura is the referee and the fallback for unknown layouts.
"""

from __future__ import annotations

import copy
import logging
import re
import warnings
from collections.abc import Iterable
from types import ModuleType
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.extraction import patterns as pt
from crawler.extraction.context import Para
from crawler.extraction.vietnamese import split_caption, squash
from crawler.items import Image
from crawler.outlets.model import Rules, css

logger = logging.getLogger(__name__)

BLOCKS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "section",
        "article",
        "table",
        "tr",
        "td",
        "th",
        "tbody",
        "thead",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "header",
        "footer",
        "main",
        "center",
    ]
)
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_EMPHASIS = frozenset(["strong", "b", "em", "i"])
_INLINE = frozenset(["a", "span", "strong", "b", "em", "i", "u", "small", "font", "label", "abbr"])

# Never article text, on any outlet.
GENERIC_DROP = css(
    ", ".join(
        (
            "script",
            "style",
            "noscript",
            "iframe",
            "form",
            "button",
            "input",
            "select",
            "textarea",
            "svg",
            "audio",
            "object",
            "embed",
            "ins",
            "zone",
            "template",
            "aside",
            "[hidden]",
            "[style*='display:none']",
            "[style*='display: none']",
            "[class*='relate']",
            "[class*='Relate']",
            "[id*='relate']",
            "[class*='share']",
            "[class*='social']",
            "[class*='rating']",
            "[class*='comment']",
            "[class*='xemthem']",
            "[data-component-type*='xemthem']",
            "[class*='adsbygoogle']",
            "[class*='advert']",
            "[id^='adzone']",
            "[id^='admzone']",
            "[id^='sdaWeb']",
            "[class*='sda_']",
            "[data-slot*='ads']",
            "[data-type='_mgwidget']",
            "[class*='link-source']",
            "[class*='parser_title']",
            "[class*='readmore']",
            ".d-none",
            ".hide",
            ".hidden",
        )
    )
)
# Elements that hold one picture (or video) and its caption.
_MEDIA = css(
    "figure, table.picture, table.tplCaption, table.image, [type='Photo'], [type='VideoStream'], "
    "div.photo, div.image-box"
)
_CAPTION = css(
    "figcaption, .PhotoCMS_Caption, .VideoCMS_Caption, td.pCaption, .pCaption, p.Image, .caption, "
    ".image-caption, .desc_image"
)
_CREDIT = css(".PhotoCMS_Author, .VideoCMS_Author, .author-photo, .photo-credit")
_LOOSE_CAPTION = css("p.Image, .image-caption")
# Caption classes of CMSs no rule names: `caption`, `chu-thich` / `chuthich` (Vietnamese for caption).
_CAPTION_CLASS = re.compile(r"caption|chu[-_]?thich|img[-_]?desc|photo[-_]?desc|image[-_]?desc", re.I)
# A picture table (old layouts: the image in one cell, its caption in the next) has at most this much
# text; more is a layout table holding the article.
PICTURE_TABLE_MAX_CHARS = 300
_IMG = css("img, video, source, amp-img, amp-video, amp-anim")
_IMG_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-srcset", "src", "poster", "data-poster")


def _image_url(media: HtmlElement, base_url: str) -> str | None:
    for img in _IMG(media):
        for attr in _IMG_ATTRS:
            value: str = (img.get(attr) or "").strip().split(" ")[0]
            if value and not value.startswith("data:") and not value.endswith(".m3u8"):
                return urljoin(base_url, value)
    return None


def _remove(el: HtmlElement) -> None:
    """Remove an element but keep its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def take_media(container: HtmlElement, base_url: str) -> tuple[list[Image], list[str]]:
    """Remove pictures and their captions from the container; return them as images and captions."""
    images: list[Image] = []
    captions: list[str] = []
    for media in _MEDIA(container):
        if not any(a is container for a in media.iterancestors()):
            continue  # inside a media element already taken
        caption_el = next(iter(_CAPTION(media)), None)
        credit_parts = [
            split_caption(c.text_content())[1] or squash(c.text_content()) for c in _CREDIT(media)
        ]
        for c in _CREDIT(media):
            _remove(c)
        shown = squash(caption_el.text_content()) if caption_el is not None else ""
        url = _image_url(media, base_url)
        if shown:
            captions.append(shown)
        caption, credit = split_caption(shown)
        credit = credit or (credit_parts[0] if credit_parts else None)
        if url or caption:
            images.append(Image(url=url or "", caption=caption, credit=credit))
        _remove(media)
    _take_picture_tables(container, base_url, images, captions)
    loose_captions = list(_LOOSE_CAPTION(container)) + [
        el
        for el in container.iter("p", "div", "span", "em", "figcaption")
        if _CAPTION_CLASS.search(el.get("class") or "") and len(el.text_content()) <= PICTURE_TABLE_MAX_CHARS
    ]
    for loose in loose_captions:
        if loose.getparent() is None:
            continue  # inside a caption removed already
        shown = squash(loose.text_content())
        if shown:
            captions.append(shown)
            caption, credit = split_caption(shown)
            if images and images[-1].caption is None:
                images[-1].caption, images[-1].credit = caption, credit or images[-1].credit
        _remove(loose)
    return images, captions


def _take_picture_tables(
    container: HtmlElement, base_url: str, images: list[Image], captions: list[str]
) -> None:
    """Old layouts: a small table holding one picture and its caption."""
    for table in list(container.iter("table")):
        if table is container or table.getparent() is None or table.find(".//table") is not None:
            continue
        if len(table.findall(".//img")) != 1:
            continue
        shown = squash(table.text_content())
        if len(shown) > PICTURE_TABLE_MAX_CHARS:
            continue
        caption, credit = split_caption(shown)
        images.append(Image(url=_image_url(table, base_url) or "", caption=caption, credit=credit))
        if shown:
            captions.append(shown)
        _remove(table)


def _has_block_child(el: HtmlElement, cache: dict[HtmlElement, bool]) -> bool:
    if el in cache:
        return cache[el]
    result = any(isinstance(c.tag, str) and (c.tag in BLOCKS or _has_block_child(c, cache)) for c in el)
    cache[el] = result
    return result


def _aligned_right(el: HtmlElement) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "text-align:right" in style or (el.get("align") or "").lower() == "right"


def _emphasised(el: HtmlElement) -> bool:
    total = "".join(el.itertext()).strip()
    if not total:
        return False
    inside = "".join(t for e in el.iter(*_EMPHASIS) for t in [e.text_content()] if e.getparent() is not None)
    return len("".join(inside.split())) >= len("".join(total.split()))


def _linked(el: HtmlElement) -> bool:
    """All of the block's text is link text: a pointer to another page, not a sentence of this one."""
    total = "".join("".join(el.itertext()).split())
    inside = "".join("".join(a.text_content().split()) for a in el.iter("a"))
    return bool(total) and len(inside) >= len(total)


def walk_blocks(container: HtmlElement) -> list[Para]:
    """Every block of text in document order; text outside blocks (`<div>text<br>text</div>`) included."""
    out: list[Para] = []
    cache: dict[HtmlElement, bool] = {}

    def emit(parts: list[str], owner: HtmlElement) -> None:
        text = "".join(parts)
        right = _aligned_right(owner)
        tag = owner.tag if isinstance(owner.tag, str) else "p"
        kind = "h" if tag in _HEADINGS else "li" if tag == "li" else "p"
        lines = [squash(line) for line in text.split("\n")]
        if not any(lines):
            return
        emphasis, linked = _emphasised(owner), _linked(owner)
        for line in lines:
            if line:
                out.append(Para(line, kind, right, emphasis=emphasis, linked=linked))

    def visit(el: HtmlElement) -> None:
        parts = [el.text or ""]
        for child in el:
            if not isinstance(child.tag, str):  # comment or processing instruction
                parts.append(child.tail or "")
                continue
            if child.tag in BLOCKS or _has_block_child(child, cache):
                emit(parts, el)
                visit(child)
                parts = [child.tail or ""]
            elif child.tag == "br":
                parts.append("\n" + (child.tail or ""))
            else:
                parts.append(_inline_text(child) + (child.tail or ""))
        emit(parts, el)

    visit(container)
    return out


def _inline_text(el: HtmlElement) -> str:
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            parts.append("\n" if child.tag == "br" else _inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


# Marks, on the page's own tree, the elements a container read leaves out (removed from the copy).
_LEAVE_OUT = "data-vnnews-leave-out"


def read_container(
    container: HtmlElement, rules: Rules, base_url: str, leave_out: Iterable[HtmlElement] = ()
) -> tuple[list[Para], list[Image], list[str]]:
    """Paragraphs, images and captions of a body container, after generic and outlet drops.

    `leave_out`: elements of the page (the headline, the lead, a date line) that sit inside the
    container but are not its text.
    """
    marked = [el for el in leave_out if el is not container]
    for el in marked:
        el.set(_LEAVE_OUT, "")
    try:
        work = copy.deepcopy(container)
    finally:
        for el in marked:
            el.attrib.pop(_LEAVE_OUT, None)
    for el in work.xpath(f".//*[@{_LEAVE_OUT}]"):
        _remove(el)
    for selector in rules.compiled["drop"]:
        for el in selector(work):
            _remove(el)
    images, captions = take_media(work, base_url)
    for el in GENERIC_DROP(work):
        # class-substring rules are for boxes: an inline link classed "cms-relate" is article text
        if el is not work and not (el.tag in _INLINE and el.get("class")):
            _remove(el)
    return walk_blocks(work), images, captions


def prune_xpaths(rules: Rules) -> list[str]:
    """The outlet's drop selectors as XPath, for trafilatura's `prune_xpath`."""
    return [sel.path for sel in rules.compiled["drop"]]


def _trafilatura() -> ModuleType:
    """trafilatura, imported on first use (most pages never need it); urllib3's notice that SOCKS
    proxies need PySocks, raised while trafilatura imports its downloader, is no concern of ours: we
    never download through it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="SOCKS support in urllib3")
        import trafilatura
    return trafilatura


def trafilatura_body(tree: HtmlElement, rules: Rules, url: str) -> list[Para]:
    """Body lines from trafilatura, precision-oriented and without comments, on a copy of the tree."""
    trafilatura = _trafilatura()
    try:
        doc = trafilatura.bare_extraction(
            copy.deepcopy(tree),
            url=url,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
            with_metadata=False,
            prune_xpath=prune_xpaths(rules) or None,
        )
    except Exception as exc:  # trafilatura is a third party: a crash there is one page's problem
        logger.warning("trafilatura failed on %s: %s", url, exc)
        return []
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        return []
    return [Para(squash(line)) for line in text.split("\n") if squash(line)]


_INVISIBLE = frozenset(pt.INVISIBLE_TAGS)


def _raw_text(node: HtmlElement, cache: dict[HtmlElement, str] | None) -> str:
    """`element_text` before squashing: text and tails in order, a space on each side of a block or br."""
    if cache is not None and (raw := cache.get(node)) is not None:
        return raw
    parts = [node.text or ""]
    for child in node:
        tag = child.tag
        if isinstance(tag, str) and tag not in _INVISIBLE:
            if tag in BLOCKS or tag == "br":
                parts += (" ", _raw_text(child, cache), " ")
            else:
                parts.append(_raw_text(child, cache))
        parts.append(child.tail or "")
    raw = "".join(parts)
    if cache is not None:
        cache[node] = raw
    return raw


def element_text(el: HtmlElement | None) -> str:
    """Visible text of one element, whitespace collapsed; script and style content ignored."""
    return "" if el is None else squash(_raw_text(el, None))


class ElementTexts:
    """`element_text` for the elements of one page's tree, each element read once.

    The generic layer asks for the text of nested boxes (every div around the headline, each date
    candidate and the box around it) many times over; the tree must not change while this is in use.
    """

    def __init__(self) -> None:
        self._raw: dict[HtmlElement, str] = {}
        self._text: dict[HtmlElement, str] = {}

    def __call__(self, el: HtmlElement | None) -> str:
        if el is None:
            return ""
        text = self._text.get(el)
        if text is None:
            text = self._text[el] = self._read(el)
        return text

    def _read(self, node: HtmlElement) -> str:
        """`element_text(node)` from the texts of its block children, squashing only the inline runs
        between them. A block (or br) child stands between spaces, and squashing text cut at a space
        is squashing each side and joining them with one space: NFC composes nothing across a space
        and `split()` cuts there. Nested boxes are then squashed once, not once per enclosing box."""
        texts: list[str] = []
        run = [node.text or ""]
        for child in node:
            tag = child.tag
            if isinstance(tag, str) and tag not in _INVISIBLE:
                if tag in BLOCKS or tag == "br":
                    texts += (squash("".join(run)), self(child))
                    run = []
                else:
                    run.append(_raw_text(child, self._raw))
            run.append(child.tail or "")
        texts.append(squash("".join(run)))
        return " ".join(filter(None, texts))
