"""Benchmark: crawler.dates.parse_date against plain dateparser.parse on the same strings.

Run: .venv/bin/python benchmarks/bench_dates.py [--rounds N]
Prints microseconds per string (best round, after one warm-up pass each), the ratio, and how many
strings each one parsed. A measurement, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import datetime

import dateparser

from crawler.dates import parse_date
from crawler.dates.parse import DATEPARSER_LANGUAGES
from crawler.dates.vocab import VN_TZ

# What a plain dateparser user would pass: the same language, order, zone and preference as ours.
PLAIN_SETTINGS = {
    "DATE_ORDER": "DMY",
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PREFER_DATES_FROM": "past",
}
NOW = datetime(2026, 1, 15, 22, 0, tzinfo=VN_TZ)

STRINGS = [
    "Thứ tư, 22/10/2025, 19:25 (GMT+7)",
    "Thứ năm, 2/11/2023, 19:20 (GMT+7)",
    "Thứ tư, 13/1/2021, 00:00 (GMT+7)",
    "2025-10-22T19:25:52+07:00",
    "2026-10-07 07:49 + 07:00",
    "2026-01-15 21:58:00",
    "2h trước",
    "Thứ năm, 15/1/2026",
    "Thứ năm, 20/12/2012, 10:18 GMT+7",
    "Th&#7913; s&#225;u, 28/12/2012, 14:46 GMT+7",
    "11:51 | 27/12/2012",
    "2 giờ 43 phút trước",
    "15:20 PM  | 21/12/2012",
    "Thứ Ba, 25/12/2012 - 10:03",
    "2012-12-25",
    "Thứ Tư, 26/12/2012 17:14",
    "(3 giờ trước)",
    "Th&#7913; Hai, 24/12/2012, 03:04 AM (GMT+7)",
    "19/12/2012 17:41",
    "| Cập nhật thứ hai, ngày 24/12/12 11:05 tối",
    "| Cập nhật thứ sáu, ngày 30/11/12 04:00 chiều",
    "25/12/2012 10:25",
    "21/12/2012 - 08:04",
    "23/03/2015 08:06 GMT+7",
    "Thứ 2, Ngày 23.03.2015",
    "Thứ Năm, 16/07/2026 17:17",
    "21/07/2026 07:17",
    "1784593076",
    "l&uacute;c : 11/07/14 11:35",
    "chiều 2/11",
    "19-5-2012",
    "8.6.2012",
    "05/02/2024",
    "ngày 16 tháng 7 năm 2026",
    "16 tháng 7, 2026",
    "hôm qua",
    "Hôm nay 08:15",
    "Vừa xong",
    "Ngày 10/8",
    "ngày 16, tháng 7, năm 2026",
    "31/02/2024",
    "Thứ năm",
    "Đang cập nhật",
    "GMT+7",
]


def ours(text: str) -> datetime | None:
    parsed = parse_date(text, now=NOW)
    return parsed.value if parsed else None


def plain(text: str) -> datetime | None:
    return dateparser.parse(text, languages=DATEPARSER_LANGUAGES, settings=PLAIN_SETTINGS)


def measure(parse: Callable[[str], datetime | None], rounds: int) -> tuple[float, list[datetime | None]]:
    """Best microseconds per string over `rounds` passes, after a warm-up pass (first calls are slow)."""
    results = [parse(s) for s in STRINGS]
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for s in STRINGS:
            parse(s)
        best = min(best, time.perf_counter() - start)
    return best / len(STRINGS) * 1e6, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ours_us, ours_results = measure(ours, args.rounds)
    plain_us, plain_results = measure(plain, args.rounds)
    agree = sum(a is not None and a == b for a, b in zip(ours_results, plain_results, strict=True))
    n = len(STRINGS)
    ours_n = sum(r is not None for r in ours_results)
    plain_n = sum(r is not None for r in plain_results)
    print(f"strings: {n}, rounds: {args.rounds} (best round, after a warm-up pass)")
    print(f"parse_date        {ours_us:9.1f} µs/string   parsed {ours_n}/{n}")
    print(f"dateparser.parse  {plain_us:9.1f} µs/string   parsed {plain_n}/{n}")
    print(f"ratio dateparser/parse_date: {plain_us / ours_us:.1f}x")
    print(f"same instant from both: {agree}/{n}")


if __name__ == "__main__":
    main()
