"""Small builders for test articles (our own made-up Vietnamese text)."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from crawler import settings as project_module
from crawler.extraction import ExtractionResult
from crawler.items import Article, DateInfo, FetchedPage, RawPage
from crawler.normalize import normalize_article
from crawler.pipelines import PageFlow

BODY = (
    "Chiều nay, Ủy ban nhân dân thành phố đã họp bàn kế hoạch chống ngập cho mùa mưa năm tới.\n"
    "Theo kế hoạch, ba trạm bơm mới sẽ được xây dựng dọc bờ sông trước tháng Mười."
)


def make_article(url: str = "https://baotintuc.vn/thoi-su/tin-thu-nghiem-1.htm", **fields: object) -> Article:
    values: dict[str, object] = {
        "url": url,
        "fetched_url": url,
        "outlet": "baotintuc",
        "domain": "baotintuc.vn",
        "title": "Thành phố họp bàn kế hoạch chống ngập",
        "body": BODY,
        "lead": "Ba trạm bơm mới sẽ được xây dựng trước mùa mưa.",
        "authors": ["Tâm Hằng"],
        "credit": "TTXVN",
        "fetched_at": datetime(2026, 7, 16, 11, 0, tzinfo=UTC),
        "published_at": datetime(2026, 7, 16, 10, 17, tzinfo=UTC),
        "published": DateInfo(displayed="Thứ Năm, 16/07/2026 17:17", source="jsonld", precision="minute"),
        "raw": RawPage(body=b"<html><body><p>trang</p></body></html>", encoding="utf-8"),
    }
    values.update(fields)
    return normalize_article(Article(**values))  # type: ignore[arg-type]


@functools.cache
def _flow() -> PageFlow:
    return PageFlow()


def run_flow(
    html: bytes | str,
    url: str,
    *,
    fetched_at: datetime,
    encoding: str | None = None,
    status: int = 200,
    content_type: str | None = None,
) -> ExtractionResult:
    """A page through the offline stages of ITEM_PIPELINES (extract, dates, normalise), as a crawl runs."""
    page = FetchedPage(
        url=url, body=html, fetched_at=fetched_at, status=status, content_type=content_type, encoding=encoding
    )  # type: ignore[arg-type]
    return _flow().run(page)


def with_project_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """crawler/settings.py's values with the test's overrides: what `get_crawler` should see.

    Components read their settings without defaults of their own (crawler/settings.py is the one
    place), so a test crawler built from Scrapy's defaults alone would not have them.
    """
    values = {name: getattr(project_module, name) for name in dir(project_module) if name.isupper()}
    return {**values, **(overrides or {})}
