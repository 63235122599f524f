"""Follow `<meta http-equiv="refresh">` as Scrapy does, reading only the head of the page.

Scrapy's MetaRefreshMiddleware looks for the tag in `response.text[:4096]`, and `response.text`
decodes the whole body and keeps the copy on the response. An article page is handed to the
extraction pool as bytes and never needs that copy, but it stays alive with the response while the
page waits for a worker: twice the body's bytes for Vietnamese HTML (a `str` of 2-byte characters),
for the hundreds of pages in the stages at once (docs/performance.md). This middleware gives Scrapy's
the same page cut to its first `HEAD_BYTES` bytes, whose text starts with the same 4,096 characters,
so the decisions are Scrapy's and the whole body is never decoded here.

It replaces Scrapy's at the same place (580) and honours its settings: METAREFRESH_ENABLED,
METAREFRESH_MAXDELAY, METAREFRESH_IGNORE_TAGS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.http import Response

# Scrapy reads 4,096 characters; a character takes at most 4 bytes (UTF-8, UTF-16, UTF-32 with a BOM).
HEAD_BYTES = 4 * 4096


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta refresh on the first `HEAD_BYTES` bytes of an HTML page."""

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if not isinstance(response, HtmlResponse) or len(response.body) <= HEAD_BYTES:
            return super().process_response(request, response)
        # The page's own encoding: a cut body could be read otherwise (a character split at the cut
        # makes UTF-8 detection fail). Only a page that declares none is decoded whole to find it.
        head = response.replace(body=response.body[:HEAD_BYTES], encoding=response.encoding)
        result = super().process_response(request, head)
        return response if result is head else result
