"""The order of trust, field by field, in one place.

Each field is read from its sources in the order below; the first that gives a value wins (authors
keep the credit of earlier sources until one gives people; dates keep every candidate, in order, for
the dates stage to choose). The general order is structured data → outlet rule → generic layer →
trafilatura; where a field departs from it, the comment says why.

The layout-change signal falls out of the chain: when the outlet's rule declares selectors for a field
and finds nothing while the generic layer finds the field, the article gets the warning
`rule miss: <field> …` (counted as `extraction/<outlet>/rule_miss/<field>` by the extract stage); so does
a rule body shorter than half of trafilatura's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from crawler.extraction import datecollect, sources
from crawler.extraction.sources import Body, Sources
from crawler.extraction.vietnamese import Byline, fold
from crawler.items import DateCandidate

Reader = Callable[[Sources], Any]
Chain = tuple[tuple[str, Reader], ...]

CHAINS: dict[str, Chain] = {
    # What the reader sees first: the outlet's headline element, then the page's own h1; JSON-LD
    # headlines and og:title are SEO rewrites often enough, and <title> carries the site's suffix.
    "title": (
        ("rule", sources.rule_title),
        ("generic", sources.generic_title),
        ("structured", sources.structured_title),
        ("document", sources.document_title),
    ),
    # The sapo as displayed (its prefix kept); the description meta only when it matches a visible block.
    "lead": (("rule", sources.rule_lead), ("generic", sources.generic_lead)),
    # The container the rule names, the generic layer's densest text block, trafilatura when neither.
    "body": (
        ("rule", sources.rule_body),
        ("generic", sources.generic_body),
        ("trafilatura", sources.trafilatura),
    ),
    # Displayed bylines before JSON-LD: JSON-LD glues agencies onto names and lists organisations.
    "authors": (
        ("rule", sources.rule_people),
        ("structured", sources.structured_people),
        ("generic", sources.generic_people),
        # A source line the page shows ("Theo …" in a `source`/`nguontin` box) credits even where
        # an earlier source named the people.
        ("source", sources.source_line),
    ),
    # The breadcrumb the page shows before JSON-LD's: outlets' BreadcrumbLists name other sections
    # (vietnamplus: "Video" where the page shows "Multimedia") or stop a level short.
    "category": (
        ("rule", sources.rule_category),
        ("generic", sources.generic_breadcrumb),
        ("structured", sources.structured_breadcrumb),
        ("meta", sources.meta_section),
        ("menu", sources.generic_menu_section),  # the generic layer's last guess: the highlighted menu item
    ),
    "tags": (("rule", sources.rule_tags), ("meta", sources.meta_tags)),
    # Every candidate is kept; the dates stage chooses by source (jsonld, meta, time, header, url).
    "date": (
        ("structured", datecollect.structured_dates),
        ("rule", datecollect.rule_dates),
        ("generic", datecollect.generic_dates),
        ("url", datecollect.url_date),
    ),
}
# The outlet rule group that feeds each field: a rule with selectors there can miss.
RULE_GROUPS = {
    "title": "title",
    "lead": "lead",
    "body": "body",
    "authors": "byline",
    "category": "category",
    "tags": "tags",
    "date": "date",
}
# A rule body with fewer words than this share of trafilatura's has lost part of the article.
RULE_BODY_SHARE = 0.5
assert all(len(dict(chain)) == len(chain) for chain in CHAINS.values()), "one name per source in a chain"


@dataclass
class Found:
    """A field's value and the source that gave it ("" when none did)."""

    value: Any
    source: str = ""


class Reading:
    """One page read field by field through CHAINS; collects the rule-miss warnings as it goes."""

    def __init__(self, src: Sources, warnings: list[str]) -> None:
        self.src = src
        self.warnings = warnings
        self.asked: dict[tuple[str, str], Any] = {}

    def ask(self, field: str, source: str) -> Any:
        """The value of one source of one field (each reader runs once per page)."""
        if (field, source) not in self.asked:
            reader = dict(CHAINS[field])[source]
            self.asked[field, source] = reader(self.src)
        return self.asked[field, source]

    def steps(self, field: str) -> Iterator[tuple[str, Any]]:
        for name, _ in CHAINS[field]:
            yield name, self.ask(field, name)

    def first(self, field: str) -> Found:
        """The first source in the chain that gives the field."""
        for name, value in self.steps(field):
            if value:
                self._check_rule(field)
                return Found(value, name)
        self._check_rule(field)
        return Found(None)

    def people(self) -> Found:
        """Authors from the first source naming people; the credit from the first source giving one
        up to there, or from the page's source line after it."""
        merged = Byline()
        source = ""
        for name, byline in self.steps("authors"):
            if not byline:
                continue
            if merged.authors and name != "source":
                continue
            if not merged.credit and byline.credit and not self._is_site(byline.credit):
                merged.credit = byline.credit
            if byline.authors and not merged.authors:
                merged.authors, source = list(byline.authors), name
        self._check_rule("authors")
        return Found(merged, source)

    def _is_site(self, name: str) -> bool:
        """The site naming itself ("VietnamPlus" on vietnamplus.vn): no agency or source credit."""
        return fold(name) in {fold(n) for n in self.src.site_names}

    def dates(self) -> list[DateCandidate]:
        found = [c for _, candidates in self.steps("date") for c in candidates or []]
        self._check_rule("date")
        return datecollect.finish_dates(found, self.warnings)

    def body(self) -> Found:
        """The body; a rule body much shorter than trafilatura's is kept but reported."""
        found = self.first("body")
        if found.source == "rule":
            self._check_rule_body(found.value)
        return found

    def _check_rule(self, field: str) -> None:
        group = RULE_GROUPS[field]
        if not getattr(self.src.rules, group) or self.ask(field, "rule"):
            return
        if self._generic_has(field):
            self.warnings.append(f"rule miss: {field} (the outlet rule found nothing; the generic layer did)")

    def _generic_has(self, field: str) -> bool:
        if "generic" not in dict(CHAINS[field]):
            return False
        value = self.ask(field, "generic")
        if field == "authors":
            return bool(value and value.authors)
        return bool(value)

    def _check_rule_body(self, body: Body) -> None:
        generic: Body = self.ask("body", "generic")
        if body.words >= RULE_BODY_SHARE * generic.words:
            return  # a cheap first look: trafilatura runs only when the generic container is twice as long
        reference: Body = self.ask("body", "trafilatura")
        if body.words < RULE_BODY_SHARE * reference.words:
            self.warnings.append(
                f"rule miss: body (the outlet rule read {body.words} words, trafilatura {reference.words})"
            )


def rule_miss_fields(warnings: list[str]) -> list[str]:
    """The fields named by an article's `rule miss: <field> …` warnings."""
    return [w.split()[2] for w in warnings if w.startswith("rule miss: ") and len(w.split()) > 2]
