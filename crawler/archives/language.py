"""A cheap test for Vietnamese pages, run before extraction so other languages cost nothing more.

Vietnamese marks nearly every syllable, and some of its letters (ă đ ơ ư and the hook and dot-below tones)
occur in no other language written in Latin script: in running Vietnamese text they are one letter in
ten or more, while French, Portuguese or English pages have none. When the page has too little text to
count, its `<html lang>` decides; a page with neither is kept (extraction decides what it is).
"""

from __future__ import annotations

import html
import re
import unicodedata

# Letters only Vietnamese uses (lower case; text is case-folded first), in NFC.
VIETNAMESE_LETTERS = frozenset("ăằắẳẵặđơờớởỡợưừứửữựảẻỉỏủỷạẹịọụỵầấẩẫậềếểễệồốổỗộ")
# Below this share of Vietnamese-only letters among all letters, the text is another language.
# The replay and shared Vietnamese pages score 0.12-0.23 (visible text); English and French text 0.
MIN_VIETNAMESE_SHARE = 0.03
# Fewer letters than this and the share says nothing: `<html lang>` decides instead.
MIN_LETTERS = 200
# How much visible text is counted: enough for a title, a lead and the start of the body.
SAMPLE_CHARS = 20_000

# scripts, styles and comments, closed or running to the end of the page
_NOT_TEXT = re.compile(
    r"<(script|style|noscript|svg|template)\b.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"<[^>]*>")
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z]{2,3})", re.IGNORECASE)


def is_vietnamese(text: str) -> bool:
    """Whether decoded HTML is a Vietnamese page (see the module docstring for how it is decided)."""
    visible = html.unescape(_TAG.sub(" ", _NOT_TEXT.sub(" ", text))[:SAMPLE_CHARS])  # &#7913; is a letter
    visible = unicodedata.normalize("NFC", visible).casefold()
    letters = sum(1 for ch in visible if ch.isalpha())
    if letters >= MIN_LETTERS:
        special = sum(1 for ch in visible if ch in VIETNAMESE_LETTERS)
        return special / letters >= MIN_VIETNAMESE_SHARE
    declared = _HTML_LANG.search(text)
    return declared is None or declared.group(1).lower() == "vi"
