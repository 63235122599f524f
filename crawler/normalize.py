"""Normalisation every article passes through before it is stored: NFC text, canonical URL, hashes.

The same diacritic reaches us composed or decomposed (and cp1258 pages decompose tones), so text is
NFC-normalised before anything compares or hashes it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import fields, is_dataclass
from datetime import UTC
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from crawler.items import Article, transient_fields_aside

# Query parameters that only say where a click came from; everything else may identify the article.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|zarsrc|zalo_source|itm_[a-z_]+|vn_source|vn_medium"
    r"|vn_campaign|vn_term|vn_content|ref|referer|from|source|amp|mc_cid|mc_eid|_ga|s_cid|cmpid)$",
    re.IGNORECASE,
)
# A URL made only of these (RFC 3986's unreserved and reserved characters, no `%` escape) is already
# what w3lib would make of it, so the common ASCII link skips that work (benchmarks/bench_canonical_url.py).
_ALREADY_SAFE = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]*")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def nfc(text: str) -> str:
    """NFC with whitespace collapsed inside lines; keeps paragraph breaks as single newlines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufeff", "").replace("\u200b", "")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def canonical_url(url: str) -> str:
    """One spelling per article: https, lower-case host without `www.`/`m.`, no fragment or tracking.

    Scheme and the mobile host are folded because the outlets serve the same article on both. The
    path is percent-encoded (UTF-8, NFC first) by w3lib, so `/tést-1.htm` and `/t%C3%A9st-1.htm` are
    one `_id`. Raises ValueError (naming the URL) for a URL no request could use: a port that is not a
    number from 0 to 65535, or a malformed IPv6 host.
    """
    url = url.strip()
    try:
        port = urlsplit(url).port
        safe = _ALREADY_SAFE.fullmatch(url) is not None
        parts = urlsplit(url if safe else canonicalize_url(unicodedata.normalize("NFC", url)))
    except ValueError as exc:
        raise ValueError(f"unusable URL {url!r}: {exc}") from exc
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in ("www.", "m.", "amp."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if path.endswith("/amp") or path.endswith(".amp"):
        path = path[:-4] or "/"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in pairs if not TRACKING_PARAMS.match(k)]
    local = host.startswith(("127.", "localhost"))
    scheme = (parts.scheme or "http") if local else "https"  # the local replay keeps its own scheme
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


def domain_of(url: str) -> str:
    """Registered host of a URL as the outlet registry knows it (no `www.`)."""
    return urlsplit(canonical_url(url)).hostname or ""


def _text_for_hash(text: str) -> str:
    return " ".join(nfc(text).casefold().split())


def body_hash(body: str) -> str:
    """Hash of the normalised body alone: equal for the same text served at two URLs."""
    return hashlib.sha256(_text_for_hash(body).encode("utf-8")).hexdigest()


def content_hash(article: Article) -> str:
    """Hash over what a reader sees; a change makes a new revision."""
    parts = [article.title, article.lead or "", article.body, "|".join(article.authors), article.credit or ""]
    return hashlib.sha256("\x1f".join(_text_for_hash(p) for p in parts).encode("utf-8")).hexdigest()


def _nfc_value(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, list):
        return [_nfc_value(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            setattr(value, f.name, _nfc_value(getattr(value, f.name)))
    return value


def normalize_article(article: Article) -> Article:
    """NFC every text field, canonicalise the URL, fill word count and hashes. Idempotent."""
    with transient_fields_aside(article):
        _nfc_value(article)
    article.body = nfc(article.body)
    article.lead = nfc(article.lead) if article.lead else None
    article.title = nfc(article.title)
    article.authors = [a for a in dict.fromkeys(nfc(a) for a in article.authors) if a]
    article.tags = [t for t in dict.fromkeys(nfc(t) for t in article.tags) if t]
    article.url = canonical_url(article.url)
    article.domain = article.domain or domain_of(article.url)
    article.word_count = len(article.body.split())
    for name in ("published_at", "modified_at", "fetched_at"):
        value = getattr(article, name)
        if value is not None:
            if value.tzinfo is None:
                raise ValueError(f"{name} must be timezone-aware, got {value!r}")
            setattr(article, name, value.astimezone(UTC))
    article.body_hash = body_hash(article.body)
    article.content_hash = content_hash(article)
    return article
