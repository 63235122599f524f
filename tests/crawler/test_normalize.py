"""canonical_url: one `_id` per article, whatever spelling of the URL a link or a redirect used."""

from __future__ import annotations

import pytest

from crawler.normalize import canonical_url

ENCODED = "https://tuoitre.vn/t%C3%A9st-1.htm"


@pytest.mark.parametrize(
    "url",
    [
        "https://tuoitre.vn/tést-1.htm",  # composed é, as a link in a UTF-8 page
        "https://tuoitre.vn/te\u0301st-1.htm",  # decomposed e + combining acute (cp1258 pages)
        "https://tuoitre.vn/t%c3%a9st-1.htm",  # lower-case escapes
        "http://www.tuoitre.vn/tést-1.htm?utm_source=fb#binh-luan",
        "https://m.tuoitre.vn/tést-1.htm/amp",
        "https://amp.tuoitre.vn/t%C3%A9st-1.htm?fbclid=abc",
        ENCODED,
    ],
)
def test_non_ascii_paths_are_one_id(url: str) -> None:
    assert canonical_url(url) == ENCODED


def test_non_ascii_query_values_are_encoded_and_sorted() -> None:
    url = "https://vnexpress.net/tim-kiem?q=bão số 3&a=1&utm_medium=x"
    assert canonical_url(url) == "https://vnexpress.net/tim-kiem?a=1&q=b%C3%A3o+s%E1%BB%91+3"
    assert canonical_url(canonical_url(url)) == canonical_url(url)


def test_unreserved_escapes_are_decoded_and_spaces_encoded() -> None:
    assert canonical_url("https://dantri.com.vn/a b/%7Etin.htm") == "https://dantri.com.vn/a%20b/~tin.htm"


def test_the_local_replay_keeps_scheme_and_port() -> None:
    assert canonical_url("http://127.0.0.1:8080/tést-1.htm") == "http://127.0.0.1:8080/t%C3%A9st-1.htm"
