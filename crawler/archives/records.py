"""What a reader yields per record, and the checks every reader shares (URL, content type, size)."""

from __future__ import annotations

from dataclasses import dataclass

from courlan import extract_domain

from crawler.items import FetchedPage
from crawler.outlets import host_of, outlet_of

# Content types read as HTML pages; anything else in an archive (images, CSS, feeds) is not an article.
HTML_TYPES = ("text/html", "application/xhtml+xml")
# How far into a body without a Content-Type to look for the HTML start.
SNIFF_BYTES = 1024


@dataclass(frozen=True)
class Skipped:
    """A record that is not a page to ingest: `reason` is a short stats key, `where` says which one."""

    reason: str
    where: str


Record = FetchedPage | Skipped


def outlet_id(url: str) -> str:
    """The declared outlet serving the URL, else its registrable domain (tin.nld.com.vn → nld.com.vn).

    courlan reads the public suffix list that ships in the `tld` package: nothing is downloaded.
    """
    outlet = outlet_of(url)
    if outlet is not None:
        return outlet.id
    domain = extract_domain(url)
    return domain or host_of(url)


def url_problem(url: str | None) -> str | None:
    """Why a record's URL cannot be an article's address (None when it can)."""
    if not url:
        return "no_url"
    if not url.startswith(("http://", "https://")) or not host_of(url):
        return "bad_url"
    return None


def is_html(content_type: str | None, body: bytes) -> bool:
    """A declared HTML type, or no type at all and a body that opens like an HTML page."""
    if content_type:
        return content_type.split(";", 1)[0].strip().lower() in HTML_TYPES
    head = body[:SNIFF_BYTES].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
