"""Citation keys: ``lapuschkin2019unmasking``, stable across runs and unique in a dataset.

A key is the first author's family name as the work prints it (ASCII, lower case),
the year and the first significant word of the title. Works of the same first author
that would share a key get ``a``, ``b`` … in the order of their IRIs, so a work has
the same key in its own export and in every bibliography that lists it.
"""

from __future__ import annotations

from collections.abc import Sequence
from string import ascii_lowercase

from rdflib import Graph, URIRef
from rdflib.term import Node

from ldcv.bibliography.csl import Item, csl_name, printed_authors
from ldcv.bibliography.kept import Kept
from ldcv.bibliography.works import (
    DATED,
    read_ahead,
    thesis_role,
    work_date,
    work_kind,
    works_of,
    written_with,
)
from ldcv.load.slugs import slugify
from ldcv.rdf.vocabulary import BIBO, DCTERMS, LDCV, RDF, SDO

# What deciding whether a work of the same stem is a work, and its stem, read of it.
KEYED = (
    RDF.type,
    SDO.creativeWorkStatus,
    SDO.isPartOf,
    BIBO.authorList,
    LDCV.byline,
    SDO.author,
    SDO.creator,
)

# Authors' work lists a ``CitationKeys`` keeps, weighed by the works they list (a prolific
# author's by the hundred): some 200 bytes a work, so some 4 MiB each for lists and years.
KEYS_KEPT = 20_000
# Works' stems kept: some 340 bytes each (measured at 10,000 CVs), some 3.5 MiB.
STEMS_KEPT = 10_000

# Words a key skips to reach the first that says what the work is about.
STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "by", "for", "from", "how", "in", "into", "is"}
    | {"of", "on", "or", "the", "to", "towards", "what", "when", "where", "which", "why", "with"}
)


def key_stem(graph: Graph, work: URIRef) -> str:
    """The key of ``work`` before disambiguation: family name, year, first title word."""
    authors = printed_authors(graph, work)
    family = ""
    if authors:
        name = csl_name(graph, *authors[0])
        family = name.get("family") or name.get("literal") or ""
    date = work_date(graph, work) or ""
    stem = slugify(family).replace("-", "") + date[:4] + title_word(graph, work)
    return stem or "work"


def title_word(graph: Graph, work: URIRef) -> str:
    """The first significant word of ``work``'s title, as its key prints it ("" if none)."""
    title = str(graph.value(work, SDO.name) or "")
    words = [w for w in slugify(title).split("-") if w not in STOP_WORDS]
    return words[0] if words else ""


def citation_key(graph: Graph, work: URIRef) -> str:
    """The key of ``work``: its stem, and a letter where works of its first author share it."""
    return CitationKeys(graph).key(work)


class CitationKeys:
    """The citation keys of one graph's works, each author's works listed and stemmed once.

    A key depends on every work of its first author (which of them share its stem), so
    a bibliography of a prolific author's works asks for the same lists hundreds of
    times; one object per dataset keeps the latest ``kept`` of each.
    """

    def __init__(self, graph: Graph, kept: int = KEYS_KEPT) -> None:
        self.graph = graph
        self._works = Kept[URIRef, list[URIRef]](kept, _listed)
        self._by_year = Kept[URIRef, dict[str, list[URIRef]]](kept, _listed_by_year)
        self._stems = Kept[URIRef, str](min(kept, STEMS_KEPT))

    def key(self, work: URIRef) -> str:
        """The key of ``work``, as ``citation_key`` gives it."""
        graph = self.graph
        stem = self._stem(work)
        authors = printed_authors(graph, work)
        if not authors:
            return stem
        year = _year(graph, work)
        # Only works of the same year can share the stem, and whether each is a work is
        # asked only of those: on a store each question is a lookup, and a prolific first
        # author has hundreds of works.
        # A stem ends with its title's word: that one lookup rules out most of a prolific
        # author's works of the year before their bylines are read for a whole stem.
        same_year = self._written_by_year(authors[0][0]).get(year, [])
        read_ahead(graph, same_year, (SDO.name,))  # their titles: tens, not hundreds
        candidates = [w for w in same_year if stem.endswith(title_word(graph, w))]
        # What is asked of those few next, read for them alone: a remote store would read
        # it for every work of the author (they came together), megabytes for hundreds.
        read_ahead(graph, candidates, KEYED)
        works = [w for w in candidates if work_kind(graph, w) is not None]
        rivals = sorted(w for w in works if self._stem(w) == stem)
        if len(rivals) < 2 or work not in rivals:
            return stem
        return stem + _letters(rivals.index(work))

    def works_of(self, person: URIRef) -> list[URIRef]:
        """Every work ``person`` wrote, newest first (``works.works_of``)."""
        return self._works.made(person, lambda: works_of(self.graph, person))

    def _written_by_year(self, person: URIRef) -> dict[str, list[URIRef]]:
        def by_year() -> dict[str, list[URIRef]]:
            found: dict[str, list[URIRef]] = {}
            # Hundreds of works for a prolific author, with their dates: one request on a
            # remote store, and their years told from those values, not asked work by work.
            works = written_with(self.graph, person, DATED)
            # A thesis is dated by its author's degree: their authors read for them alone (a
            # remote store asked about one reads it for the hundreds that came with it).
            theses = [w for w, pairs in works.items() if _values(pairs, SDO.inSupportOf)]
            read_ahead(self.graph, sorted(theses), (SDO.author, SDO.sourceOrganization))
            roles = (thesis_role(self.graph, thesis) for thesis in sorted(theses))
            read_ahead(self.graph, [role for role in roles if role is not None], (SDO.endDate,))
            dated_by_degree = set(theses)
            for work, pairs in works.items():
                year = _year(self.graph, work) if work in dated_by_degree else _dated_year(pairs)
                found.setdefault(year, []).append(work)
            return found

        return self._by_year.made(person, by_year)

    def _stem(self, work: URIRef) -> str:
        return self._stems.made(work, lambda: key_stem(self.graph, work))


def _listed(person: URIRef, works: list[URIRef]) -> int:
    return 1 + len(works)


def _listed_by_year(person: URIRef, years: dict[str, list[URIRef]]) -> int:
    return 1 + sum(map(len, years.values()))


def _year(graph: Graph, work: URIRef) -> str:
    return (work_date(graph, work) or "")[:4]


def _dated_year(pairs: Sequence[tuple[URIRef, Node]]) -> str:
    """``_year`` of a work that is not a thesis, from its ``DATED`` values (as ``work_date``)."""
    published, issued = _values(pairs, SDO.datePublished), _values(pairs, DCTERMS.issued)
    date = (published[0] if published else None) or (issued[0] if issued else None)
    return "" if date is None else str(date)[:4]


def _values(pairs: Sequence[tuple[URIRef, Node]], predicate: URIRef) -> list[Node]:
    return [o for p, o in pairs if p == predicate]


def unique_keys(items: Sequence[Item]) -> None:
    """Make the ``id`` of every item unique in place (stems shared across first authors)."""
    seen: set[str] = set()
    for item in items:
        key, number = item["id"], 0
        while item["id"] in seen:
            number += 1
            item["id"] = f"{key}-{number}"
        seen.add(item["id"])


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_lowercase[rest] + letters
    return letters
