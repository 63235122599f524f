"""Vietnamese date vocabulary and the regexes built from it: data only, no parsing logic.

Kept apart from the parser so that a new outlet's wording is a one-line change here. Every pattern
runs on text that has been entity-decoded, NFC-normalised and lower-cased.
"""

from __future__ import annotations

import re

from crawler.items import VN_TZ as VN_TZ  # re-exported: the dates package's one time zone

# Weekday prefixes carry no information we trust (outlets print today's weekday in headers), so they
# are removed before any number is read: "Thứ 2" must not become a day of the month.
WEEKDAY = re.compile(
    r"\b(?:thứ\s*(?:hai|ba|tư|bốn|năm|sáu|bảy|[2-7])|chủ\s*nhật|cn|t[2-7])\b",
)

# Words that may surround a date without changing it.
FILLER_WORDS = (
    "cập nhật",
    "cập nhập",
    "đăng tải",
    "đăng",
    "xuất bản",
    "lúc",
    "vào",
    "ngày",
    "khoảng",
    "hơn",
    "gần",
    "giờ",
    "phút",
    "update",
    "updated",
    "published",
)
FILLER = re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in FILLER_WORDS) + r")\b")
PUNCTUATION = re.compile(r"[\s()\[\]|,;:.\-–—/·•]+")

# Month names, for "16 tháng bảy 2026". Lunar names (giêng, chạp) are left out on purpose.
MONTH_WORDS = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "tư": 4,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
    "mười một": 11,
    "mười hai": 12,
}
_MONTH_WORD_ALT = "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted(MONTH_WORDS, key=len, reverse=True)
)

# "GMT+7", "(GMT+7)", "GMT+07:00", "UTC +7", bare "GMT".
GMT_OFFSET = re.compile(r"\b(?:gmt|utc)(?:\s*([+-])\s*(\d{1,2})(?:\s*:?\s*(\d{2}))?)?(?!\d)")
# An ISO-style offset right after a time: "+07:00", "+ 07:00", "+0700", "+07", "-05", "z". The hours-only
# form must not run into a date ("08:00 -05/02") or another time ("08:00-10:00").
TIME_OFFSET = re.compile(
    r"\s*(?:(z)\b|([+-])\s?(\d{2}):(\d{2})(?!\d)|([+-])(\d{2})(\d{2})(?!\d)|([+-])(\d{2})(?![\d:/]|[.,-]\d))"
)

# Epoch seconds (10 digits) or milliseconds (13 digits) as meta tags and data-time attributes carry.
EPOCH = re.compile(r"^(\d{9,10})(?:\.\d+)?$|^(\d{12,13})$")

# Year first: "2026-10-07", "2026/07/16", optionally followed by "T" and a time.
ISO_DATE = re.compile(r"(?<![\d.])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d])(?:t(?=\d))?")
# Day first: "22/10/2025", "2/11/2023", "19-5-2012", "27.12.2012", "24/12/12", year-less "10/8".
DMY_DATE = re.compile(r"(?<![\d.,/-])(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d]|[.,/-]\d)")
# Spelled out: "ngày 16 tháng 7 năm 2026", "16 tháng 7, 2026", "16 tháng 09", "16 tháng bảy 2026".
SPELLED_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:tháng|thg)\s*(\d{1,2}|" + _MONTH_WORD_ALT + r")\b"
    r"(?:\s*(?:năm|,|/|-)?\s*(\d{4})(?!\d))?"
)

# Machine attributes in US order, "7/16/2026 11:47:00 PM+07:00": month, day, 4-digit year, the rest.
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)(.*)$")
MONTHS_IN_YEAR = 12

# "19:25", "07:49:01.5", "11 : 35".
CLOCK_TIME = re.compile(r"(?<![\d:])(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2})(?:[.,]\d+)?)?(?![\d])")
# "19h25", "23h", "10 giờ 10 phút", "16 giờ", "19g25".
WORD_TIME = re.compile(
    r"(?<![\d])(\d{1,2})\s*(?:h(?![a-zà-ỹđ])|giờ|g(?=\d))\s*(?:(\d{1,2})\s*(?:phút|p|')?)?(?![\d])"
)

# 12-hour markers written right after the time ("SA"/"CH" are the Vietnamese locale's AM/PM).
AM_PM = re.compile(r"\s*(a\.?m\.?|p\.?m\.?|sa|ch)(?![a-zà-ỹđ])")
AM_WORDS = frozenset({"am", "a.m.", "a.m", "sa"})

# Parts of the day: "11:05 tối", "chiều 2/11", "9 giờ sáng".
DAY_PERIOD = re.compile(r"\b(sáng|trưa|chiều|tối|đêm|khuya)\b")


# For each part of the day, the hours (as written, 1-12) that move on a 24-hour clock; others stay.
DAY_PERIOD_HOUR: dict[str, dict[int, int]] = {
    "sáng": {12: 0},
    "trưa": {h: h + 12 for h in range(1, 5)},
    "chiều": {h: h + 12 for h in range(1, 12)},
    "tối": {h: h + 12 for h in range(1, 12)},
    "đêm": {12: 0} | {h: h + 12 for h in range(6, 12)},
    "khuya": {12: 0} | {h: h + 12 for h in range(6, 12)},
}

# Relative expressions. "2h trước", "2 giờ 43 phút trước", "cách đây 3 ngày".
RELATIVE_UNIT_SECONDS = {
    "giây": 1,
    "phút": 60,
    "giờ": 3600,
    "tiếng": 3600,
    "h": 3600,
    "ngày": 86400,
    "tuần": 7 * 86400,
}
RELATIVE_UNIT_MONTHS = {"tháng": 1, "năm": 12}
# English units ("3 days ago", as `-a since=` may be written) as the Vietnamese unit they mean.
ENGLISH_UNITS = {
    "seconds": "giây",
    "second": "giây",
    "minutes": "phút",
    "minute": "phút",
    "hours": "giờ",
    "hour": "giờ",
    "days": "ngày",
    "day": "ngày",
    "weeks": "tuần",
    "week": "tuần",
    "months": "tháng",
    "month": "tháng",
    "years": "năm",
    "year": "năm",
}
_UNIT_ALT = "giây|phút|giờ|tiếng|h|ngày|tuần|tháng|năm|" + "|".join(ENGLISH_UNITS)
RELATIVE_PART = re.compile(r"(\d+)\s*(" + _UNIT_ALT + r")\b")
_RELATIVE_PARTS = r"((?:\d+\s*(?:" + _UNIT_ALT + r")\b\s*)+)"
RELATIVE_AGO = re.compile(
    r"(?:cách\s*đây\s*)?" + _RELATIVE_PARTS + r"\s*(?:trước|ago)\b|cách\s*đây\s*" + _RELATIVE_PARTS
)
JUST_NOW = re.compile(r"\b(?:vừa\s*xong|vừa\s*mới|vừa\s*đăng|ngay\s*bây\s*giờ|just\s*now)\b")

# Day words: "hôm qua", "tối nay"; the offset is how many days before the reference day.
DAY_WORD = re.compile(
    r"\bhôm\s*(nay|qua|kia)\b|\b(?:sáng|trưa|chiều|tối|đêm)\s+(nay|qua)\b|\b(today|yesterday)\b"
)
DAY_WORD_OFFSET = {"nay": 0, "qua": 1, "kia": 2, "today": 0, "yesterday": 1}

# Dates in URLs: "/2012/12/25/", "-2012-12-25-".
URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[/_-](\d{1,2})[/_-](\d{1,2})(?!\d)")
