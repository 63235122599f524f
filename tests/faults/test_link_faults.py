"""Links a live crawl must refuse: hosts resolving to loopback, private or link-local addresses.

Names are resolved by a patched resolver in the test; no packet leaves the machine."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.test import get_crawler

from crawler.middlewares.address_guard import AddressGuardMiddleware
from spiders.outlets import SPIDERS
from tests.factories import with_project_settings

RESOLVES_TO = {
    "vnexpress.net": "203.162.4.190",  # a public address (never contacted: the resolver is patched)
    "intranet.vnexpress.net": "10.1.2.3",
    "meta.vnexpress.net": "169.254.169.254",
    "home.vnexpress.net": "127.0.0.1",
    "v6.vnexpress.net": "fd00::1",
}


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        if host not in RESOLVES_TO:
            raise socket.gaierror(socket.EAI_NONAME, "not known")
        address = RESOLVES_TO[host]
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def _guard(**settings: Any) -> tuple[AddressGuardMiddleware, Any]:
    crawler = get_crawler(SPIDERS["vnexpress"], with_project_settings({"REPLAY_URL": None, **settings}))
    crawler._apply_settings()
    return AddressGuardMiddleware.from_crawler(crawler), crawler.stats


def _verdict(guard: AddressGuardMiddleware, url: str) -> str:
    try:
        asyncio.run(guard.process_request(Request(url)))
    except IgnoreRequest as exc:
        return str(exc)
    return "allowed"


@pytest.mark.faults
def test_hosts_resolving_to_internal_addresses_are_refused_with_a_stat(resolver: list[str]) -> None:
    guard, stats = _guard()
    assert _verdict(guard, "https://vnexpress.net/a-1234567.html") == "allowed"
    assert "private" in _verdict(guard, "https://intranet.vnexpress.net/a-1234567.html")
    assert "link-local" in _verdict(guard, "https://meta.vnexpress.net/latest")
    assert "loopback" in _verdict(guard, "https://home.vnexpress.net/")
    assert "private" in _verdict(guard, "https://v6.vnexpress.net/")
    assert "loopback" in _verdict(guard, "http://127.0.0.1:8080/admin")  # a literal is not resolved
    assert _verdict(guard, "https://unknown.vnexpress.net/") == "allowed"  # fails later, as a download
    assert _verdict(guard, "https://intranet.vnexpress.net/other") != "allowed"
    assert resolver.count("intranet.vnexpress.net") == 1  # once per host and crawl
    assert stats.get_value("address_guard/refused/private") == 3
    assert stats.get_value("address_guard/refused/link_local") == 1
    assert stats.get_value("address_guard/refused/loopback") == 2


def test_the_guard_is_off_for_a_replay_and_when_disabled() -> None:
    with pytest.raises(NotConfigured):
        _guard(REPLAY_URL="http://127.0.0.1:9")
    with pytest.raises(NotConfigured):
        _guard(ADDRESS_GUARD_ENABLED=False)
