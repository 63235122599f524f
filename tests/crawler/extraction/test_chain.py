"""The order of trust per field (crawler/extraction/chain.py) and the layout-change signal it gives:
`rule miss: <field>` warnings and `extraction/<outlet>/rule_miss/<field>` stats."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.extraction import CHAINS, extract_article, rule_miss_fields
from crawler.items import FetchedPage
from crawler.outlets import GENERIC_RULES
from crawler.pipelines import CountingStats, PageFlow
from crawler.pipelines.extract import count_rule_misses
from tests.factories import make_article

NOW = datetime(2026, 12, 1, tzinfo=UTC)
URL = "https://vnexpress.net/cau-moi-qua-song-lam-4901234.html"  # an outlet with rules
TITLE = "Cây cầu mới nối hai bờ sông Lam"
SENTENCES = [
    f"Câu thứ {i} kể về cây cầu mới, người dân hai xã và những chuyến đò ngang sẽ không còn nữa."
    for i in range(1, 9)
]
PARAGRAPHS = "".join(f"<p class='Normal'>{s}</p>" for s in SENTENCES)


def vnexpress(title: str, body: str, head: str = "") -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{TITLE} - VnExpress</title>"
        f"<meta property='og:title' content='Tiêu đề khác cho máy tìm kiếm'>{head}</head>"
        f"<body>{title}<span class='date'>Thứ năm, 20/12/2012, 10:18 GMT+7</span>{body}</body></html>"
    )


def test_every_field_has_its_order_declared_once() -> None:
    assert [name for name, _ in CHAINS["title"]] == ["rule", "generic", "structured", "document"]
    assert [name for name, _ in CHAINS["body"]] == ["rule", "generic", "trafilatura"]
    assert [name for name, _ in CHAINS["date"]] == ["structured", "rule", "generic", "url"]
    for field, chain in CHAINS.items():
        names = [name for name, _ in chain]
        assert len(names) == len(set(names)), field


def test_rule_beats_the_generic_layer_which_beats_metadata() -> None:
    html = vnexpress(
        f"<h1 class='title-detail'>{TITLE}</h1>", f"<article class='fck_detail'>{PARAGRAPHS}</article>"
    )
    result = extract_article(html, URL, fetched_at=NOW)
    assert result.article is not None
    assert result.article.title == TITLE
    assert rule_miss_fields(result.article.extraction.warnings) == []
    assert result.article.extraction.method == "rules:vnexpress"


def test_a_redesign_is_read_by_the_generic_layer_and_reported() -> None:
    html = vnexpress(f"<h1 class='headline-new'>{TITLE}</h1>", f"<div class='story-body'>{PARAGRAPHS}</div>")
    result = extract_article(html, URL, fetched_at=NOW)
    assert result.article is not None
    article = result.article
    assert article.title == TITLE  # the page's h1, not og:title
    assert article.body.split("\n") == SENTENCES
    assert {"title", "body"} <= set(rule_miss_fields(article.extraction.warnings))
    assert any(w.startswith("rule miss: title") for w in article.extraction.warnings)


def test_a_rule_body_under_half_of_trafilaturas_is_a_rule_miss() -> None:
    body = (
        f"<article class='fck_detail'><p class='Normal'>{SENTENCES[0]}</p></article><div>{PARAGRAPHS}</div>"
    )
    html = vnexpress(f"<h1 class='title-detail'>{TITLE}</h1>", body)
    result = extract_article(html, URL, fetched_at=NOW)
    assert result.article is not None
    assert rule_miss_fields(result.article.extraction.warnings) == ["body"]
    assert result.article.body == SENTENCES[0]  # the rule's body is kept: the warning says it is short


def test_generic_rules_give_no_rule_miss() -> None:
    html = vnexpress(f"<h1 class='headline-new'>{TITLE}</h1>", f"<div class='story-body'>{PARAGRAPHS}</div>")
    result = extract_article(html, URL, fetched_at=NOW, rules=GENERIC_RULES)
    assert result.article is not None and result.outlet == "vnexpress"
    assert rule_miss_fields(result.article.extraction.warnings) == []


def test_the_extract_stage_counts_rule_misses_per_outlet_and_field() -> None:
    stats = CountingStats()
    html = vnexpress(f"<h1 class='headline-new'>{TITLE}</h1>", f"<div class='story-body'>{PARAGRAPHS}</div>")
    PageFlow(stats=stats).run(FetchedPage(url=URL, body=html.encode(), fetched_at=NOW))
    assert stats.values["extraction/vnexpress/rule_miss/title"] == 1
    assert stats.values["extraction/vnexpress/rule_miss/body"] == 1


def test_count_rule_misses() -> None:
    stats = CountingStats()
    article = make_article()
    article.extraction.warnings = [
        "rule miss: lead (the outlet rule found nothing; the generic layer did)",
        "rule miss: category (the outlet rule found nothing; the generic layer did)",
        "fetched_at had no timezone",
    ]
    count_rule_misses(stats, article)
    assert dict(stats.values) == {
        "extraction/baotintuc/rule_miss/lead": 1,
        "extraction/baotintuc/rule_miss/category": 1,
    }
