"""Small builders for test articles (our own made-up Vietnamese text)."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.items import Article, DateInfo, RawPage
from crawler.normalize import normalize_article

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
