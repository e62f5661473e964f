"""A work of the graph as a CSL-JSON item: the pivot every bibliographic format is made from.

The item keeps what the graph says and nothing more: titles, authors in byline order
(the name as the work prints it, with the given name written out where the dataset
knows it and the printed initials match it), the date at its precision, the venue,
volume, issue and pages, and the identifiers (DOI, arXiv, bioRxiv, medRxiv, ISBN,
patent numbers).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rdflib import Graph, Literal, URIRef

from ldcv.bibliography.works import (
    authors_of,
    containers,
    thesis_credential,
    work_date,
    work_kind,
)
from ldcv.load.identity import parse_byline
from ldcv.load.slugs import initials_letters, initials_of
from ldcv.rdf.mapping import BYLINE_SEPARATOR
from ldcv.rdf.vocabulary import BIBO, LDCV, RDF, SDO

# The CSL type of each kind of work (``ldcv.bibliography.works.work_kind``).
CSL_TYPES = {
    "journal": "article-journal",
    "conference": "paper-conference",
    "chapter": "chapter",
    "preprint": "article",  # CSL 1.0.2: a preprint is an "article" with genre "Preprint"
    "thesis": "thesis",
    "patent": "patent",
    "article": "article",
}
# The genre of a thesis by the educational level of its degree.
THESIS_GENRES = {
    "doctoral": "PhD thesis",
    "master": "Master's thesis",
    "bachelor": "Bachelor's thesis",
}
# Preprint servers whose ids are DOI suffixes (``ldcv.rdf.mapping.PREPRINT_SERVERS``).
_DOI_PREPRINTS = {"biorxiv": "10.1101/", "medrxiv": "10.1101/"}

Item = dict[str, Any]


def csl_item(graph: Graph, work: URIRef, key: str) -> Item | None:
    """The CSL-JSON item of ``work`` under the citation key ``key``; ``None``: not a work."""
    kind = work_kind(graph, work)
    if kind is None:
        return None
    item: Item = {"id": key, "type": CSL_TYPES[kind]}
    _put(item, "title", _text(graph.value(work, SDO.name)))
    names = [csl_name(graph, person, printed) for person, printed in printed_authors(graph, work)]
    if names:
        item["author"] = names
    date = work_date(graph, work)
    if date:
        item["issued"] = {"date-parts": [[int(part) for part in date.split("-")]]}
    if kind in ("journal", "conference", "chapter", "article"):
        _venue(graph, work, item)
    _put(item, "volume", _text(graph.value(work, BIBO.volume)))
    _put(item, "issue", _text(graph.value(work, BIBO.issue)))
    _put(item, "page", _text(graph.value(work, SDO.pagination)))
    if kind == "preprint":
        item["genre"] = "Preprint"
    if kind == "thesis":
        _thesis(graph, work, item)
    _identifiers(graph, work, kind, item)
    url = graph.value(work, SDO.url)
    if url is not None:
        item["URL"] = str(url)
    return item


def printed_authors(graph: Graph, work: URIRef) -> list[tuple[URIRef, str | None]]:
    """Each author of ``work`` in order, with the name as the work prints it (if known)."""
    people = authors_of(graph, work)
    byline = graph.value(work, LDCV.byline)
    printed: Sequence[str | None] = str(byline).split(BYLINE_SEPARATOR) if byline else []
    if len(printed) != len(people):
        printed = [None] * len(people)
    return list(zip(people, printed, strict=True))


def csl_name(graph: Graph, person: URIRef, printed: str | None = None) -> dict[str, str]:
    """A CSL name: the printed family name; the given name in full where it is known.

    "Bach S" on a paper of the owner written under the birth name stays Bach, with the
    given name "Sebastian" from the dataset, since the initials agree; a coauthor known
    only by a byline keeps the printed initials, written "K.-R.", "C. J.".
    """
    family = _text(graph.value(person, SDO.familyName))
    given = _text(graph.value(person, SDO.givenName))
    initials = None
    byline = parse_byline(printed) if printed else None
    if byline is None and not given:
        # Known by a byline only: its own spelling ("Anders C J") has the initials.
        for spelling in sorted(str(s) for s in graph.objects(person, LDCV.bylineName)):
            byline = parse_byline(spelling)
            if byline is not None:
                break
    if byline is not None:
        family = byline.family
        letters = initials_letters(byline.initials)
        if not (given and initials_of(given).startswith(letters)):
            given, initials = None, byline.initials
    elif printed and not family:
        family = printed
    name: dict[str, str] = {}
    if family:
        name["family"] = family
    if given:
        name["given"] = given
    elif initials:
        name["given"] = dotted_initials(initials)
    if not name:
        name["literal"] = _text(graph.value(person, SDO.name)) or str(person)
    return name


def dotted_initials(initials: str) -> str:
    """Write initials as bibliographies do: ``K-R`` is ``K.-R.``, ``C J`` and ``CJ`` ``C. J.``."""
    words = []
    for token in initials.replace(".", " ").split():
        parts = token.split("-")
        if len(parts) > 1:
            words.append("-".join(f"{p}." for p in parts if p))
        else:
            words.extend(f"{letter}." for letter in token)
    return " ".join(words)


def csl_json_bytes(items: Sequence[Item]) -> bytes:
    """CSL-JSON as UTF-8 bytes: an array of items, as doi.org and Zotero write it."""
    return (json.dumps(list(items), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _venue(graph: Graph, work: URIRef, item: Item) -> None:
    chain = containers(graph, work)
    for container in chain:
        types = set(graph.objects(container, RDF.type))
        if types & {SDO.Periodical, SDO.Book, BIBO.Proceedings, BIBO.Journal}:
            _put(item, "container-title", _text(graph.value(container, SDO.name)))
            _book_details(graph, container, item)
            break


def _book_details(graph: Graph, book: URIRef, item: Item) -> None:
    publisher = graph.value(book, SDO.publisher)
    if publisher is not None:
        _put(item, "publisher", _text(graph.value(publisher, SDO.name)))
    place = graph.value(book, SDO.locationCreated)
    if place is not None:
        _put(item, "publisher-place", _text(graph.value(place, SDO.name)))
    series = graph.value(book, SDO.isPartOf)
    if series is not None and (series, RDF.type, SDO.BookSeries) in graph:
        name = _text(graph.value(series, SDO.name))
        _put(item, "collection-title", name)
        volume = _text(graph.value(book, SDO.volumeNumber))
        if name and volume and item.get("container-title") == f"{name} {volume}":
            # The CV names only the series and its volume: that is the container.
            item["container-title"] = name


def _thesis(graph: Graph, thesis: URIRef, item: Item) -> None:
    school = graph.value(thesis, SDO.sourceOrganization)
    if school is not None:
        _put(item, "publisher", _text(graph.value(school, SDO.name)))
    credential = thesis_credential(graph, thesis)
    level = None if credential is None else graph.value(credential, SDO.educationalLevel)
    item["genre"] = THESIS_GENRES.get(str(level).lower(), "Thesis")


def _identifiers(graph: Graph, work: URIRef, kind: str, item: Item) -> None:
    doi = graph.value(work, BIBO.doi)
    if doi is not None:
        item["DOI"] = str(doi)
    for node in sorted(graph.objects(work, SDO.identifier)):
        scheme = _text(graph.value(node, SDO.propertyID)) or ""
        value = _text(graph.value(node, SDO.value))
        if not value:
            continue
        lowered = scheme.lower()
        if lowered == "doi":
            item.setdefault("DOI", value)
        elif lowered == "isbn":
            item.setdefault("ISBN", value)
        elif lowered in ("arxiv", "biorxiv", "medrxiv"):
            item["publisher"] = scheme
            item["number"] = value
            if lowered == "arxiv":
                item.setdefault("URL", f"https://arxiv.org/abs/{value}")
            else:
                item.setdefault("DOI", _DOI_PREPRINTS[lowered] + value)
        elif kind == "patent":
            item["authority"] = scheme
            item["number"] = value


def _put(item: Item, name: str, value: str | None) -> None:
    if value:
        item[name] = value


def _text(value: object) -> str | None:
    if isinstance(value, Literal):
        return str(value)
    return None
