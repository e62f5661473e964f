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

from ldcv.bibliography.csl import Item, csl_name, printed_authors
from ldcv.bibliography.works import work_date, work_kind, written_by
from ldcv.load.slugs import slugify
from ldcv.rdf.vocabulary import SDO

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
    title = str(graph.value(work, SDO.name) or "")
    words = [w for w in slugify(title).split("-") if w not in STOP_WORDS]
    stem = slugify(family).replace("-", "") + date[:4] + (words[0] if words else "")
    return stem or "work"


def citation_key(graph: Graph, work: URIRef) -> str:
    """The key of ``work``: its stem, and a letter where works of its first author share it."""
    stem = key_stem(graph, work)
    authors = printed_authors(graph, work)
    if not authors:
        return stem
    year = (work_date(graph, work) or "")[:4]
    # Only works of the same year can share the stem: the cheap test first (a prolific
    # first author has hundreds of works), and whether it is a work only for those left:
    # on a store each test is a lookup, and the bibliography's order is not needed here.
    same_year = [
        w
        for w in written_by(graph, authors[0][0])
        if (work_date(graph, w) or "")[:4] == year and work_kind(graph, w) is not None
    ]
    rivals = sorted(w for w in same_year if key_stem(graph, w) == stem)
    if len(rivals) < 2 or work not in rivals:
        return stem
    return stem + _letters(rivals.index(work))


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
