"""The profile's publications by type and by year: the sections, their anchors and counts.

The profile lists a person's works once in full, grouped by type (the CV's order) with
a sub-head per year, and once briefly by year; a table of contents links to every group
with its count. Anchors are made from the group keys and years only, so they are the
same on every rendering and on the static build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ldcv.pages.citations import PUBLICATION_GROUPS, publication_group
from ldcv.pages.view import Node

UNDATED = "undated"
_YEAR = re.compile(r"-?\d{4,}")


def year_of(work: Node) -> int | None:
    """Return the year a work was published (``datePublished`` at any precision), or ``None``."""
    value = work.get("datePublished", "dcterms:issued")
    match = _YEAR.match(str(value)) if value is not None else None
    return int(match.group()) if match else None


@dataclass(frozen=True)
class YearGroup:
    """The works of one year (``year`` ``None``: those without a date), as listed."""

    year: int | None
    works: tuple[Node, ...]
    anchor: str  # the id of the group's heading

    @property
    def label(self) -> str:
        return "Undated" if self.year is None else str(self.year)

    @property
    def count(self) -> int:
        return len(self.works)


@dataclass(frozen=True)
class TypeGroup:
    """The works of one type (``journal``, ``conference``, …), by year, newest first."""

    key: str
    heading: str
    years: tuple[YearGroup, ...]
    anchor: str

    @property
    def count(self) -> int:
        return sum(group.count for group in self.years)


@dataclass(frozen=True)
class PublicationIndex:
    """The works of a profile grouped both ways, each group with its anchor and count."""

    by_type: tuple[TypeGroup, ...]
    by_year: tuple[YearGroup, ...]

    @property
    def total(self) -> int:
        return sum(group.count for group in self.by_year)

    @property
    def counts(self) -> dict[int, int]:
        """Count the works of each dated year, oldest first (the chart's data)."""
        dated = [group for group in self.by_year if group.year is not None]
        return {group.year: group.count for group in reversed(dated) if group.year is not None}

    @property
    def undated(self) -> int:
        return sum(group.count for group in self.by_year if group.year is None)


def _year_anchor(prefix: str, year: int | None) -> str:
    return f"{prefix}-{UNDATED if year is None else year}"


def _by_year(works: Iterable[Node], prefix: str) -> tuple[YearGroup, ...]:
    """Group works by year, newest first and undated last, keeping their order within."""
    years: dict[int | None, list[Node]] = {}
    for work in works:
        years.setdefault(year_of(work), []).append(work)
    order = sorted((y for y in years if y is not None), reverse=True)
    if None in years:
        order.append(None)
    return tuple(YearGroup(y, tuple(years[y]), _year_anchor(prefix, y)) for y in order)


def publication_index(works: Iterable[Node]) -> PublicationIndex:
    """Group ``works`` (newest first, as ``publications_of`` lists them) by type and by year."""
    works = list(works)
    by_type: dict[str, list[Node]] = {key: [] for key, _ in PUBLICATION_GROUPS}
    for work in works:
        by_type[publication_group(work)].append(work)
    types = tuple(
        TypeGroup(key, heading, _by_year(by_type[key], f"pubs-{key}"), f"pubs-{key}")
        for key, heading in PUBLICATION_GROUPS
        if by_type[key]
    )
    return PublicationIndex(by_type=types, by_year=_by_year(works, "pubs-year"))
