"""`extract_article`: one fetched page in, its fields and date candidates out; never raises.

Order: decode → parse once → page-type checks (challenge, redirect, error) → structured data →
outlet rules (or trafilatura) for the body → Vietnamese cleanup → date candidates. Extraction chooses
no date, normalises nothing and touches no store: the stages after it (crawler/pipelines) do.
"""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from crawler.extraction import pagetype
from crawler.extraction.body import element_text, read_container, take_media, trafilatura_body
from crawler.extraction.context import Draft, Para
from crawler.extraction.datecollect import collect_dates
from crawler.extraction.decoding import Decoded, DecodeError, decode_html
from crawler.extraction.structured import (
    TEXT_ARTICLE_TYPES,
    Structured,
    read_structured,
    text_of,
    types_of,
)
from crawler.extraction.vietnamese import (
    Byline,
    fold,
    is_boilerplate_line,
    is_credit_line,
    is_person_name,
    parse_byline,
    split_caption,
    split_dateline,
    squash,
    strip_end_mark,
    strip_title_suffix,
)
from crawler.items import VN_TZ, Article, Extraction, FetchedPage, RawPage
from crawler.outlets import Rules, outlet_for_url, rules_for_url

logger = logging.getLogger(__name__)

NEWS_TYPES = ("article", "photo", "video", "podcast")
OTHER_TYPES = ("listing", "redirect", "challenge", "error")

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_GENERIC_LEAD = CSSSelector(
    "[data-role='sapo'], h2.sapo, p.sapo, div.sapo, .article-sapo, .article__sapo, p.lead, div.lead, "
    "h2.lead, .summary"
)
_GENERIC_TITLE = etree.XPath("//h1")
_CANONICAL = etree.XPath("//link[@rel='canonical']/@href")
_ARTICLE_EL = etree.XPath("//article")
_HOME_WORDS = ("trangchu", "home", "tintuc24h")
# A right-aligned or bold closing line of at most this many words is a byline, not a sentence.
_BYLINE_WORDS = 8
_SOURCE_WORDS = 7  # "Theo" and a source name of at most six words
_AFTER_COMMA = re.compile(r",\s*([^\W\d_])")
# A page with at least this many captioned images (and little text) is a photo story.
_PHOTO_MIN_CAPTIONS = 3
# A photo story's own text stays under this many words; more is an article with pictures.
_PHOTO_MAX_WORDS = 60
# The closing byline block: at most this many short lines at the end of the body.
_BYLINE_BLOCK_LINES = 4
# A closing "Theo …" / "Nguồn: …" / "(…)" credit line has at most this many words.
_CREDIT_LINE_WORDS = 14


@dataclass
class ExtractionResult:
    """What one page is and, for news items, the article; `error` says why there is no article."""

    page_type: str
    article: Article | None = None
    error: str | None = None
    outlet: str = ""


def extract_page(page: FetchedPage) -> ExtractionResult:
    """Extract a page as a spider or an archive reader hands it on."""
    return extract_article(
        page.body,
        page.url,
        fetched_at=page.fetched_at,
        encoding=page.encoding,
        status=page.status,
        content_type=page.content_type,
    )


def extract_article(
    html: bytes | str,
    url: str,
    *,
    fetched_at: datetime,
    encoding: str | None = None,
    status: int = 200,
    content_type: str | None = None,
    rules: Rules | None = None,
) -> ExtractionResult:
    """Extract one page. Bad input gives page_type "error" and a reason; nothing is raised.

    A naive `fetched_at` is Vietnamese local time (+07:00), as everywhere in vnnews. `rules` replaces
    the outlet's own (the evaluation passes GENERIC_RULES to measure the generic layer alone); the
    outlet id still comes from the URL.
    """
    try:
        return _extract(
            html, url, fetched_at, encoding, RawPage(b"", status=status, content_type=content_type), rules
        )
    except Exception as exc:  # one bad page must never stop a crawl
        logger.exception("extraction failed for %s", url)
        return ExtractionResult("error", None, f"extraction failed: {type(exc).__name__}: {exc}")


def _fail(page_type: str, reason: str, outlet: str) -> ExtractionResult:
    return ExtractionResult(page_type, None, reason, outlet)


def parse_html(text: str) -> HtmlElement:
    """Parse decoded text once; an XML declaration is dropped (lxml refuses it in str input)."""
    return lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))


def url_problem(url: str) -> str | None:
    """Why no request could use this URL (a port that is not a number, a malformed host), or None."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port
    except ValueError as exc:
        return f"unusable URL {url!r}: {exc}"
    return None


def _check_input(html: object, url: object) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return "no URL given"
    if problem := url_problem(url):
        return problem
    if not isinstance(html, bytes | str):
        return f"page must be bytes or str, got {type(html).__name__}"
    return None


@dataclass
class _Page:
    """A decoded, parsed page and what every step reads from it."""

    url: str
    outlet: str
    rules: Rules
    tree: HtmlElement
    decoded: Decoded
    structured: Structured
    visible: int
    container: HtmlElement | None
    signals: bool


def _page_type_refusal(page: _Page) -> ExtractionResult | None:
    """A page that is not news (aggregator, challenge, script redirect, error page), or None."""
    rules, structured, outlet = page.rules, page.structured, page.outlet
    if rules.not_article:
        source = _aggregated_source(structured)
        reason = f"{rules.not_article} page of an aggregator ({outlet}), not an article"
        return _fail(rules.not_article, reason + (f"; source: {source}" if source else ""), outlet)
    for page_type, reason in (
        ("challenge", pagetype.detect_challenge(page.tree, page.decoded.text, page.visible, page.signals)),
        ("redirect", pagetype.detect_redirect(page.tree, page.url, structured, page.visible)),
    ):
        if reason:
            return _fail(page_type, reason, outlet)
    if not page.signals:  # an outlet body, JSON-LD article or og:type=article: not an error page
        reason = pagetype.detect_error(page.tree, page.visible)
        if reason:
            return _fail("error", reason, outlet)
    return None


def _read_fields(page: _Page, warnings: list[str]) -> Draft:
    """Every field of the article, each from its sources in order of trust."""
    tree, rules, structured, container = page.tree, page.rules, page.structured, page.container
    site_names = _site_names(rules, page.outlet, structured)
    draft = Draft(warnings=warnings)
    _read_title(draft, tree, rules, structured, site_names)
    _read_lead(draft, tree, rules, structured, container)
    _read_body(draft, tree, rules, page.url, container)
    _read_people(draft, tree, rules, structured, site_names)
    _clean_body(draft, site_names)
    _read_category(draft, tree, rules, structured)
    _read_tags(draft, tree, rules, structured)
    _decide_type(draft, tree, rules, structured)
    if rules.hook is not None:
        rules.hook(tree, draft)
    return draft


def _content_refusal(page: _Page, draft: Draft) -> ExtractionResult | None:
    """A listing, or a page with no title or no text: not an article."""
    body_words = sum(len(p.text.split()) for p in draft.paragraphs)
    if not (page.signals or draft.page_type != "article") and pagetype.looks_like_listing(
        page.tree, body_words, page.signals
    ):
        return _fail("listing", "listing page: many links, no article body", page.outlet)
    if not draft.title:
        return _fail("error", "no title found", page.outlet)
    if not draft.paragraphs and not draft.lead and draft.page_type == "article":
        return _fail("error", "no article text found", page.outlet)
    return None


def _extract(
    html: bytes | str, url: str, fetched_at: datetime, encoding: str | None, raw: RawPage, rules: Rules | None
) -> ExtractionResult:
    outlet = outlet_for_url(url) if isinstance(url, str) else ""
    if problem := _check_input(html, url):
        return _fail("error", problem, outlet)
    warnings: list[str] = []
    if fetched_at.tzinfo is None or fetched_at.utcoffset() is None:
        fetched_at = fetched_at.replace(tzinfo=VN_TZ)
        warnings.append("fetched_at had no timezone; taken as Vietnamese local time (+07:00)")
    raw.body = html if isinstance(html, bytes) else html.encode("utf-8", errors="surrogatepass")
    try:
        decoded = decode_html(html, encoding)
    except DecodeError as exc:
        return _fail("error", str(exc), outlet)
    warnings.extend(decoded.warnings)
    raw.encoding = decoded.encoding if isinstance(html, bytes) else "utf-8"
    try:
        tree = parse_html(decoded.text)
    except (etree.ParserError, ValueError) as exc:
        return _fail("error", f"unparseable HTML: {exc}", outlet)

    rules = rules if rules is not None else rules_for_url(url)
    structured = read_structured(tree)
    if structured.broken_jsonld:
        warnings.append(f"{structured.broken_jsonld} JSON-LD block(s) unreadable")
    container = rules.first("body", tree)
    page = _Page(
        url,
        outlet,
        rules,
        tree,
        decoded,
        structured,
        pagetype.visible_text_length(tree),
        container,
        _article_signals(structured, container),
    )
    if refusal := _page_type_refusal(page):
        return refusal
    draft = _read_fields(page, warnings)
    if refusal := _content_refusal(page, draft):
        return refusal
    return ExtractionResult(
        draft.page_type or "article", _article(page, draft, fetched_at, raw), None, outlet
    )


def _article(page: _Page, draft: Draft, fetched_at: datetime, raw: RawPage) -> Article:
    extraction = Extraction(
        method="+".join(draft.method) or "generic",
        warnings=draft.warnings,
        date_candidates=collect_dates(page.tree, page.structured, page.rules, page.url),
    )
    return Article(
        url=_canonical(page.tree, page.url, page.outlet, draft.warnings),
        fetched_url=page.url,
        outlet=page.outlet,
        domain="",  # the normalise stage derives it from the canonical URL
        title=draft.title,
        body="\n".join(p.text for p in draft.paragraphs),
        fetched_at=fetched_at,
        page_type=draft.page_type or "article",
        lead=draft.lead,
        dateline=draft.dateline,
        authors=draft.authors,
        credit=draft.credit,
        category=draft.category,
        tags=draft.tags,
        images=draft.images,
        extraction=extraction,
        raw=raw,
    )


def _aggregated_source(structured: Structured) -> str | None:
    article = structured.article or next(iter(structured.of_type("NewsArticle")), None)
    if article is None:
        for obj in structured.objects:
            if "headline" in obj:
                article = obj
                break
    return text_of(article.get("author")) if article else None


def _site_names(rules: Rules, outlet: str, structured: Structured) -> tuple[str, ...]:
    names = [rules.site_name, outlet, *rules.domains, outlet.split(".")[0]]
    site = structured.first_meta("og:site_name", "application-name")
    if site:
        names.append(site)
    return tuple(n for n in dict.fromkeys(names) if n)


def _text(el: HtmlElement | None) -> str:
    return element_text(el) if el is not None else ""


def _read_title(
    draft: Draft, tree: HtmlElement, rules: Rules, structured: Structured, site_names: tuple[str, ...]
) -> None:
    shown = _text(rules.first("title", tree))
    if shown:
        draft.title = shown
        return
    article = structured.article or {}
    h1s = [t for t in (_text(h) for h in _GENERIC_TITLE(tree)) if len(t) > 10]
    for candidate in (
        text_of(article.get("headline")),
        structured.first_meta("og:title", "twitter:title"),
        h1s[0] if h1s else None,
        squash(tree.findtext(".//title")),
    ):
        if candidate:
            draft.title = strip_title_suffix(candidate, site_names)
            if draft.title:
                return


def _read_lead(
    draft: Draft, tree: HtmlElement, rules: Rules, structured: Structured, container: HtmlElement | None
) -> None:
    element = rules.first("lead", tree)
    if element is None and not rules.lead:
        element = next(iter(_GENERIC_LEAD(tree)), None)
    lead = _text(element)
    if not lead and container is None:
        lead = structured.first_meta("og:description", "description") or ""
    if lead:
        draft.dateline, lead = split_dateline(lead)
        draft.lead = lead or None


def _read_body(
    draft: Draft, tree: HtmlElement, rules: Rules, url: str, container: HtmlElement | None
) -> None:
    if container is not None:
        draft.paragraphs, draft.images, draft.captions = read_container(container, rules, url)
        draft.method.append(f"rules:{rules.outlet}")
    photo_story = container is not None and len(draft.captions) >= _PHOTO_MIN_CAPTIONS
    if container is None or not (draft.paragraphs or photo_story):
        if container is not None:
            draft.warnings.append("outlet body container is empty; fell back to trafilatura")
        draft.paragraphs = trafilatura_body(tree, rules, url)
        draft.method.append("trafilatura")
        if not draft.images:
            scope = next(iter(_ARTICLE_EL(tree)), None)
            if scope is not None:
                draft.images, draft.captions = take_media(copy.deepcopy(scope), url)


def _read_people(
    draft: Draft, tree: HtmlElement, rules: Rules, structured: Structured, site_names: tuple[str, ...]
) -> None:
    byline = Byline()
    for el in rules.all("byline", tree):
        byline.merge(parse_byline(_text(el) or el.get("title", ""), site_names=site_names))
    for el in rules.all("credit", tree):
        credit = parse_byline(_text(el), site_names=site_names, theo_is_source=True)
        byline.credit = byline.credit or credit.credit or (squash(_text(el)).strip("() ") or None)
    if not byline.authors:
        article = structured.article or {}
        people = article.get("author")
        for person in people if isinstance(people, list) else [people]:
            if isinstance(person, dict) and "Organization" in types_of(person):
                continue
            name = text_of(person)
            if name:
                byline.merge(parse_byline(name, site_names=site_names))
    if not byline.authors:
        for key in ("article:author", "author", "dable:author"):
            for value in structured.all_meta(key):
                if not value.startswith("http"):
                    byline.merge(parse_byline(value, site_names=site_names))
    draft.authors = byline.authors
    draft.credit = byline.credit


def _clean_body(draft: Draft, site_names: tuple[str, ...]) -> None:
    """Drop navigation, captions and credits; move the trailing byline, credit and dateline out."""
    caption_texts = set()
    for caption in draft.captions:
        caption_texts.add(fold(caption))
        shown, _ = split_caption(caption)
        if shown:
            caption_texts.add(fold(shown))
    title = fold(draft.title)
    kept: list[Para] = []
    for para in draft.paragraphs:
        folded = fold(para.text)
        if not folded or is_boilerplate_line(para.text) or is_credit_line(para.text):
            continue
        if folded in caption_texts or (folded == title and not kept):
            continue
        kept.append(para)
    authors = {fold(a) for a in draft.authors}
    for _ in range(_BYLINE_BLOCK_LINES):
        if not kept:
            break
        last = kept[-1]
        text = last.text
        words = len(text.split())
        if fold(text) in authors:
            kept.pop()
            continue
        lowered = text.casefold()
        bracketed = re.match(r"^\(.{2,40}\)$", text)
        # "Theo Reuters", "Theo Tuổi Trẻ, VnExpress"; not the sentence "Theo ông Minh, dự án sẽ …".
        theo = lowered.startswith("theo ") and words <= _SOURCE_WORDS and not _clause_follows(text)
        if words <= _CREDIT_LINE_WORDS and (theo or lowered.startswith(("nguồn:", "nguồn :")) or bracketed):
            credit = parse_byline(text, site_names=site_names, theo_is_source=True)
            if bracketed and credit.credit is None:
                break  # "(Còn nữa)", "(tổng hợp)": a note the reader sees, not a credit
            draft.credit = draft.credit or credit.credit
            kept.pop()
            continue
        layout_says = last.right or last.emphasis
        if (words <= _BYLINE_WORDS and layout_says) or (2 <= words <= 5 and is_person_name(text, site_names)):
            byline = parse_byline(text, site_names=site_names)
            if byline.authors or byline.credit:
                for a in byline.authors:
                    if a not in draft.authors:
                        draft.authors.append(a)
                draft.credit = draft.credit or byline.credit
                kept.pop()
                continue
        break
    if kept:
        kept[-1].text = strip_end_mark(kept[-1].text)
        if kept[0].text and draft.dateline is None:
            dateline, rest = split_dateline(kept[0].text)
            if dateline:
                draft.dateline, kept[0].text = dateline, rest
        elif draft.dateline:
            _, rest = split_dateline(kept[0].text)
            kept[0].text = rest
    draft.paragraphs = [p for p in kept if p.text]


def _clause_follows(text: str) -> bool:
    """A comma followed by a lower-case word: a sentence goes on, it is not a list of sources."""
    return any(m.group(1).islower() for m in _AFTER_COMMA.finditer(text))


def _read_category(draft: Draft, tree: HtmlElement, rules: Rules, structured: Structured) -> None:
    names: list[str] = []
    for el in rules.all("category", tree):
        name = _text(el) or squash(el.get("title"))
        if name and not fold(name).startswith(_HOME_WORDS) and name not in names:
            names.append(name)
    if not names:
        crumbs = [c for c in structured.breadcrumb() if not fold(c).startswith(_HOME_WORDS)]
        if crumbs and fold(crumbs[-1]) == fold(draft.title):
            crumbs = crumbs[:-1]
        names = crumbs
    if not names:
        section = structured.first_meta("article:section") or text_of(
            (structured.article or {}).get("articleSection")
        )
        if section:
            names = [squash(section.split(",")[0])]
    draft.category = " > ".join(names) or None


def _read_tags(draft: Draft, tree: HtmlElement, rules: Rules, structured: Structured) -> None:
    tags: list[str] = []
    for el in rules.all("tags", tree):
        tag = squash(_text(el) or el.get("title")).strip(" #,;")
        if tag and tag not in tags:
            tags.append(tag)
    if not tags:
        values = structured.all_meta("article:tag")
        if len(values) == 1 and "," in values[0]:
            values = values[0].split(",")
        tags = [t for t in dict.fromkeys(squash(v).strip(" #,") for v in values) if t]
    draft.tags = tags


def _decide_type(draft: Draft, tree: HtmlElement, rules: Rules, structured: Structured) -> None:
    for (page_type, _), selector in zip(rules.page_types, rules.compiled["page_types"], strict=True):
        if selector(tree):
            draft.page_type = page_type
            return
    kinds = set().union(*(types_of(o) for o in structured.objects)) if structured.objects else set()
    og_type = (structured.first_meta("og:type") or "").lower()
    if "PodcastEpisode" in kinds or og_type.startswith("music"):
        draft.page_type = "podcast"
        return
    narrative = sum(len(p.text.split()) for p in draft.paragraphs)
    if len(draft.captions) >= _PHOTO_MIN_CAPTIONS and narrative < _PHOTO_MAX_WORDS:
        draft.page_type = "photo"
        captions = [split_caption(c)[0] for c in draft.captions]
        draft.paragraphs = [Para(c, "caption") for c in captions if c]
        return
    # `structured.article` falls back to the VideoObject itself, so ask for a written article by type.
    if og_type.startswith("video") or ("VideoObject" in kinds and not kinds & TEXT_ARTICLE_TYPES):
        draft.page_type = "video"
        return
    draft.page_type = "article"


def _article_signals(structured: Structured, container: HtmlElement | None) -> bool:
    og_type = (structured.first_meta("og:type") or "").lower()
    return bool(
        container is not None
        or structured.article is not None
        or og_type == "article"
        or structured.first_meta("article:published_time")
    )


def _canonical(tree: HtmlElement, url: str, outlet: str, warnings: list[str]) -> str:
    """The page's rel=canonical when it stays on the same outlet and is usable, else the fetched URL.

    The URL is chosen here and spelled canonically by the normalise stage.
    """
    for href in _CANONICAL(tree):
        href = href.strip()
        if href.startswith(("http://", "https://")) and outlet_for_url(href) == outlet:
            problem = url_problem(href)
            if problem is None:
                return href
            warnings.append(f"rel=canonical ignored: {problem}")
    return url
