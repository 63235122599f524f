"""Compiled XPath expressions typed by what they return.

lxml's stubs type every XPath result as any XPath object (a bool, a float, a string or a list of
elements, strings and tuples); an expression's own shape says which one it returns. These return the
same compiled `etree.XPath`, no wrapper: the type is the only change.
"""

from __future__ import annotations

from typing import Protocol, cast

from lxml import etree

from crawler.outlets.model import ElementSelector


class StringsXPath(Protocol):
    """An expression selecting text nodes or attribute values."""

    def __call__(self, node: etree._Element, /) -> list[str]: ...


class StringXPath(Protocol):
    """An expression of XPath's `string()`."""

    def __call__(self, node: etree._Element, /) -> str: ...


class BooleanXPath(Protocol):
    """An expression of XPath's `boolean()`."""

    def __call__(self, node: etree._Element, /) -> bool: ...


def elements(path: str) -> ElementSelector:
    """An expression selecting elements (`//article`)."""
    return cast(ElementSelector, etree.XPath(path))


def strings(path: str, *, plain: bool = False) -> StringsXPath:
    """An expression selecting text nodes or attribute values (`//link/@href`, `//script/text()`).

    `plain`: the values as plain `str`, not lxml's "smart" strings that know their parent (much
    cheaper when there are thousands of them).
    """
    return cast(StringsXPath, etree.XPath(path, smart_strings=not plain))


def string(path: str) -> StringXPath:
    """An expression of `string(…)`."""
    return cast(StringXPath, etree.XPath(path))


def boolean(path: str) -> BooleanXPath:
    """An expression of `boolean(…)`."""
    return cast(BooleanXPath, etree.XPath(path))
