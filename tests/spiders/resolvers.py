"""A DNS resolver for tests (Scrapy's DNS_RESOLVER setting): every name fails to resolve, and nothing
is ever asked of a real DNS server."""

from __future__ import annotations

import logging
from typing import Any

from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

logger = logging.getLogger(__name__)


@implementer(IResolverSimple)
class UnresolvableResolver:
    """Answers every lookup with DNSLookupError, as a machine without network would."""

    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor
        self.asked: list[str] = []

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> UnresolvableResolver:
        return cls(reactor)

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)

    def getHostByName(self, name: str, timeout: Any = ()) -> defer.Deferred[str]:
        self.asked.append(name)
        logger.warning("test resolver: %s not resolved", name)
        return defer.fail(DNSLookupError(f"{name}: name not resolvable (test resolver)"))
