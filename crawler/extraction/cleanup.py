"""Body cleanup, the same for every source: the body ends where the article ends.

Navigation lines, captions and photo credits go; the body is cut before `Xem thêm`, `Tin liên quan`,
tag and share bars and the related headlines that follow them; the closing byline, source line and the
opening dateline move out of the text into their fields.
"""

from __future__ import annotations

import re
from typing import Literal

from crawler.extraction import patterns as pt
from crawler.extraction.context import Draft, Para
from crawler.extraction.vietnamese import (
    fold,
    is_boilerplate_line,
    is_credit_line,
    is_person_name,
    parse_byline,
    split_caption,
    split_dateline,
    strip_end_mark,
)

# A right-aligned or bold closing line of at most this many words is a byline, not a sentence.
BYLINE_WORDS = 8
SOURCE_WORDS = 7  # "Theo" and a source name of at most six words
# The closing byline block: at most this many short lines at the end of the body.
BYLINE_BLOCK_LINES = 4
# A closing "Theo …" / "Nguồn: …" / "(…)" credit line has at most this many words.
CREDIT_LINE_WORDS = 14
# An end-of-article marker line (`Tin liên quan`, `Xem thêm:`) has at most this many words.
END_MARKER_WORDS = 10
# After an end marker, a line of at least this many words that is not a link is the article going on:
# related headlines and tag lists are shorter, or links.
ARTICLE_GOES_ON_WORDS = 30
# A trailing link-only line of at least this many words is another article's headline, not a credit.
RELATED_HEADLINE_WORDS = 5
_AFTER_COMMA = re.compile(r",\s*([^\W\d_])")
_BRACKETED = re.compile(r"^\(.{2,40}\)$")


def clean_body(draft: Draft, site_names: tuple[str, ...]) -> None:
    """Drop navigation, captions and credits; move the trailing byline, credit and dateline out."""
    kept = _cut_at_article_end(_drop_lines(draft))
    _take_byline_block(draft, kept, site_names)
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


def _drop_lines(draft: Draft) -> list[Para]:
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
        if para.linked and pt.LINK_LINE.match(para.text):
            continue  # `Xem thêm video: …`, `>> Đọc tiếp`: a link to another page
        if folded in caption_texts or (folded == title and not kept):
            continue
        kept.append(para)
    return kept


def _cut_at_article_end(kept: list[Para]) -> list[Para]:
    """Everything from an end marker on, when only related headlines, tags or links follow it."""
    for i, para in enumerate(kept):
        if i == 0 or len(para.text.split()) > END_MARKER_WORDS or not pt.END_OF_ARTICLE.match(para.text):
            continue
        rest = kept[i + 1 :]
        if all(p.linked or len(p.text.split()) < ARTICLE_GOES_ON_WORDS for p in rest):
            kept = kept[:i]
            break
    while kept and kept[-1].linked and len(kept[-1].text.split()) >= RELATED_HEADLINE_WORDS:
        lowered = kept[-1].text.casefold()
        if lowered.startswith(("theo ", "nguồn")) or _BRACKETED.match(kept[-1].text):
            break
        kept.pop()
    return kept


def _take_byline_block(draft: Draft, kept: list[Para], site_names: tuple[str, ...]) -> None:
    """The closing lines that are bylines, credits or sources, moved into authors and credit."""
    authors = {fold(a) for a in draft.authors}
    for _ in range(BYLINE_BLOCK_LINES):
        if not kept:
            break
        text = kept[-1].text
        if fold(text) in authors:
            kept.pop()
            continue
        credit = _closing_credit(text, site_names)
        if credit is not None:
            if credit is False:
                break  # "(Còn nữa)", "(tổng hợp)": a note the reader sees, not a credit
            draft.credit = draft.credit or credit or None
            kept.pop()
            continue
        if not _closing_byline(draft, kept[-1], site_names):
            break
        kept.pop()


def _closing_credit(text: str, site_names: tuple[str, ...]) -> str | Literal[False] | None:
    """The source a closing line names; False for a bracketed note; None when it is no credit line."""
    words = len(text.split())
    lowered = text.casefold()
    bracketed = _BRACKETED.match(text)
    # "Theo Reuters", "Theo Tuổi Trẻ, VnExpress"; not the sentence "Theo ông Minh, dự án sẽ …".
    theo = lowered.startswith("theo ") and words <= SOURCE_WORDS and not _clause_follows(text)
    if words > CREDIT_LINE_WORDS or not (theo or lowered.startswith(("nguồn:", "nguồn :")) or bracketed):
        return None
    credit = parse_byline(text, site_names=site_names, theo_is_source=True)
    if bracketed and credit.credit is None:
        return False
    return credit.credit or ""


def _closing_byline(draft: Draft, last: Para, site_names: tuple[str, ...]) -> bool:
    text = last.text
    words = len(text.split())
    layout_says = last.right or last.emphasis
    if not (
        (words <= BYLINE_WORDS and layout_says) or (2 <= words <= 5 and is_person_name(text, site_names))
    ):
        return False
    byline = parse_byline(text, site_names=site_names)
    if not (byline.authors or byline.credit):
        return False
    for a in byline.authors:
        if a not in draft.authors:
            draft.authors.append(a)
    draft.credit = draft.credit or byline.credit
    return True


def _clause_follows(text: str) -> bool:
    """A comma followed by a lower-case word: a sentence goes on, it is not a list of sources."""
    return any(m.group(1).islower() for m in _AFTER_COMMA.finditer(text))
