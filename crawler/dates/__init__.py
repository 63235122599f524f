"""Vietnamese dates: `parse_date` reads one displayed string, `select_dates` picks an article's dates."""

from __future__ import annotations

from crawler.dates.parse import PRECISIONS, ParsedDate, parse_date, parse_machine
from crawler.dates.select import SOURCES, DateSelection, select_dates
from crawler.items import DateCandidate

__all__ = [
    "PRECISIONS",
    "SOURCES",
    "DateCandidate",
    "DateSelection",
    "ParsedDate",
    "parse_date",
    "parse_machine",
    "select_dates",
]
