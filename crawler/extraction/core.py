"""`extract_article`: one fetched page in, its fields and date candidates out; never raises.

Order: decode → parse once → page-type checks (challenge, redirect, error) → every field through its
chain of sources (crawler/extraction/chain.py: structured data, outlet rule, generic layer,
trafilatura) → body cleanup → content checks (listing, no text). Extraction chooses no date,
normalises nothing and touches no store: the stages after it (crawler/pipelines) do.
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
from lxml.html import HtmlElement

from crawler.extraction import pagetype, xpath
from crawler.extraction.body import take_media
from crawler.extraction.chain import Found, Reading
from crawler.extraction.cleanup import clean_body
from crawler.extraction.context import Draft, Para
from crawler.extraction.decoding import Decoded, DecodeError, decode_html
from crawler.extraction.sources import PHOTO_MIN_CAPTIONS, Body, Sources
from crawler.extraction.structured import (
    TEXT_ARTICLE_TYPES,
    Structured,
    read_structured,
    text_of,
    types_of,
)
from crawler.extraction.vietnamese import fold, split_caption, split_dateline
from crawler.items import VN_TZ, Article, DateCandidate, Extraction, FetchedPage, RawPage
from crawler.outlets import Rules, outlet_for_url, rules_for_url

logger = logging.getLogger(__name__)

NEWS_TYPES = ("article", "photo", "video", "podcast")
OTHER_TYPES = ("listing", "redirect", "challenge", "error")

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CANONICAL = xpath.strings("//link[@rel='canonical']/@href")
_ARTICLE_EL = xpath.elements("//article")
# A photo story's own text stays under this many words; more is an article with pictures.
PHOTO_MAX_WORDS = 60


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
    site_names: tuple[str, ...]
    src: Sources  # what the field readers see of the page


def _page_type_refusal(page: _Page) -> ExtractionResult | None:
    """A page that is not news (aggregator, challenge, script redirect, error page), or None."""
    rules, structured, outlet = page.rules, page.structured, page.outlet
    if rules.not_article:
        source = _aggregated_source(structured)
        aggregated = f"{rules.not_article} page of an aggregator ({outlet}), not an article"
        return _fail(rules.not_article, aggregated + (f"; source: {source}" if source else ""), outlet)
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


def _read_fields(page: _Page, warnings: list[str]) -> tuple[Draft, list[DateCandidate]]:
    """Every field of the article, each from its sources in the order crawler/extraction/chain.py declares."""
    reading = Reading(page.src, warnings)
    draft = Draft(warnings=warnings)
    draft.title = reading.first("title").value or ""
    lead = reading.first("lead").value
    if lead:
        draft.dateline, lead = split_dateline(lead)
        draft.lead = lead or None
    _take_body(draft, reading.body(), page)
    people = reading.people().value
    draft.authors, draft.credit = list(people.authors), people.credit
    clean_body(draft, page.site_names)
    draft.category = " > ".join(reading.first("category").value or []) or None
    draft.tags = reading.first("tags").value or []
    _decide_type(draft, page.tree, page.rules, page.structured)
    if page.rules.hook is not None:
        page.rules.hook(page.tree, draft)
    return draft, reading.dates()


def _take_body(draft: Draft, found: Found, page: _Page) -> None:
    body: Body = found.value or Body()
    draft.paragraphs, draft.images, draft.captions = body.paragraphs, body.images, body.captions
    draft.method.append(f"rules:{page.rules.outlet}" if found.source == "rule" else found.source or "none")
    if found.source == "trafilatura":
        _drop_repeated_lead(draft)
    if found.source == "trafilatura" and not draft.images:
        scope = next(iter(_ARTICLE_EL(page.tree)), None)
        if scope is not None:
            draft.images, draft.captions = take_media(copy.deepcopy(scope), page.url)


def _drop_repeated_lead(draft: Draft) -> None:
    """trafilatura reads the sapo as the body's first line; the lead field has it already."""
    lead = {fold(draft.lead or ""), fold((draft.dateline or "") + (draft.lead or ""))} - {""}
    if draft.paragraphs and fold(draft.paragraphs[0].text) in lead:
        draft.paragraphs = draft.paragraphs[1:]


def _content_refusal(page: _Page, draft: Draft) -> ExtractionResult | None:
    """A listing, or a page with no title or no text: not an article."""
    texts = ["" if p.linked else p.text for p in draft.paragraphs]  # a link breaks a run of sentences
    if (
        not page.signals
        and draft.page_type == "article"
        and pagetype.looks_like_listing(page.tree, texts, draft.title)
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
    site_names = _site_names(rules, outlet, structured)
    src = Sources(tree, url, rules, structured, site_names)
    container = src.rule_container
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
        site_names,
        src,
    )
    if refusal := _page_type_refusal(page):
        return refusal
    draft, dates = _read_fields(page, warnings)
    if refusal := _content_refusal(page, draft):
        return refusal
    return ExtractionResult(
        draft.page_type or "article", _article(page, draft, dates, fetched_at, raw), None, outlet
    )


def _article(
    page: _Page, draft: Draft, dates: list[DateCandidate], fetched_at: datetime, raw: RawPage
) -> Article:
    extraction = Extraction(
        method="+".join(draft.method) or "generic", warnings=draft.warnings, date_candidates=dates
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
    if len(draft.captions) >= PHOTO_MIN_CAPTIONS and narrative < PHOTO_MAX_WORDS:
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
