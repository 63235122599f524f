"""Refuse requests whose host resolves to a loopback, private, link-local or reserved address.

An outlet's feed or a hijacked DNS name must never turn a live crawl into a probe of the machine's own
network (metadata services, admin pages on 10.x or 192.168.x). Each host is resolved once per crawl;
a request to a host with any such address is dropped with `IgnoreRequest` and counted under
`address_guard/refused/<kind>`. Off for replay crawls (REPLAY_URL: everything is 127.0.0.1 on purpose)
and when ADDRESS_GUARD_ENABLED is off.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def forbidden_kind(address: Address) -> str | None:
    """Why a crawl must not connect to this address, or None for a public one."""
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link_local"
    if address.is_private:
        return "private"
    if address.is_reserved or address.is_multicast or address.is_unspecified:
        return "reserved"
    return None


class AddressGuardMiddleware:
    """A downloader middleware: resolves each request's host once and refuses non-public ones."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._verdicts: dict[str, str | None] = {}  # host → forbidden kind (None: public)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("ADDRESS_GUARD_ENABLED"):
            raise NotConfigured("ADDRESS_GUARD_ENABLED is off")
        if crawler.settings.get("REPLAY_URL"):
            raise NotConfigured("a replay crawl talks to 127.0.0.1 on purpose")
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        if host not in self._verdicts:
            self._verdicts[host] = await self._check(host)
        kind = self._verdicts[host]
        if kind is not None:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"address_guard/refused/{kind}")
            raise IgnoreRequest(f"{host} resolves to a {kind.replace('_', '-')} address: not crawled")

    async def _check(self, host: str) -> str | None:
        try:
            return forbidden_kind(ipaddress.ip_address(host))
        except ValueError:
            pass  # a name, not an address literal
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            return None  # unresolvable: the download fails on its own and is counted as such
        for info in infos:
            kind = forbidden_kind(ipaddress.ip_address(info[4][0]))
            if kind is not None:
                logger.warning("Refusing %s: it resolves to %s (%s)", host, info[4][0], kind)
                return kind
        return None
