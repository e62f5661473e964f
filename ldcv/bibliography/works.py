"""Which resources of the graph are works, what kind each is, and who wrote what."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, runtime_checkable

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ldcv.rdf.formats import BIBLIOGRAPHY_KINDS
from ldcv.rdf.vocabulary import BIBO, DCTERMS, RDF, SDO

# The document kinds (``/doc/{kind}/…``) of works: those the format table gives the
# bibliographic formats, but people's.
WORK_KINDS: frozenset[str] = BIBLIOGRAPHY_KINDS - {"person"}

_WORK_TYPES = (
    SDO.ScholarlyArticle,
    SDO.Chapter,
    SDO.Thesis,
    BIBO.Patent,
    BIBO.AcademicArticle,
    BIBO.Manuscript,
)


# What a work's date is read from (``work_date``; a thesis's through its degree), and its title.
# What dates a work, and tells a thesis (dated through its degree) from the rest.
DATED = (SDO.datePublished, DCTERMS.issued, SDO.inSupportOf)


@runtime_checkable
class ReadsAhead(Protocol):
    """A graph's store that reads what many nodes say in a few requests (a remote store)."""

    def read_ahead(self, nodes: Iterable[Any], predicates: Sequence[Any]) -> None: ...


@runtime_checkable
class ReadsSources(Protocol):
    """A graph's store that reads what links to a node, with some predicates of each, at once."""

    def sources_with(
        self, target: Any, links: Sequence[Any], predicates: Sequence[Any]
    ) -> dict[Any, list[tuple[Any, Any]]] | None: ...


def read_ahead(graph: Graph, works: Iterable[Node], predicates: Sequence[URIRef]) -> None:
    """Say that ``predicates`` of each of ``works`` will be asked: a remote store reads them
    together (in memory or on disk, nothing happens)."""
    if isinstance(graph.store, ReadsAhead):
        graph.store.read_ahead(works, predicates)


def work_kind(graph: Graph, work: URIRef) -> str | None:
    """The kind of ``work``: journal, conference, chapter, preprint, thesis, patent or article.

    ``None``: not a work (an organisation, a person, a patent family …).
    """
    types = set(graph.objects(work, RDF.type))
    if BIBO.Patent in types:
        return "patent"
    if SDO.Thesis in types or BIBO.Thesis in types:
        return "thesis"
    if not types & set(_WORK_TYPES):
        return None
    status = graph.value(work, SDO.creativeWorkStatus)
    if BIBO.Manuscript in types or (status is not None and str(status).lower() == "preprint"):
        return "preprint"
    if SDO.Chapter in types or BIBO.Chapter in types:
        return "chapter"
    for container in containers(graph, work):
        kinds = set(graph.objects(container, RDF.type))
        if kinds & {SDO.Periodical, BIBO.Journal}:
            return "journal"
        if kinds & {BIBO.Proceedings, SDO.Book}:
            return "conference"
    return "article"


def containers(graph: Graph, work: URIRef) -> list[URIRef]:
    """What ``work`` is part of, innermost first (issue, volume, journal; book, series)."""
    chain: list[URIRef] = []
    current = graph.value(work, SDO.isPartOf)
    while isinstance(current, URIRef) and current not in chain and len(chain) < 6:
        chain.append(current)
        current = graph.value(current, SDO.isPartOf)
    return chain


def authors_of(graph: Graph, work: URIRef) -> list[URIRef]:
    """The authors of ``work`` in byline order (``bibo:authorList``), else its creators."""
    ordered: list[URIRef] = []
    cell = graph.value(work, BIBO.authorList)
    while cell is not None and cell != RDF.nil and len(ordered) < 10_000:
        person = graph.value(cell, RDF.first)
        if isinstance(person, URIRef):
            ordered.append(person)
        cell = graph.value(cell, RDF.rest)
    if ordered:
        return ordered
    found = {p for p in graph.objects(work, SDO.author) if isinstance(p, URIRef)}
    found |= {p for p in graph.objects(work, SDO.creator) if isinstance(p, URIRef)}
    return sorted(found)


def written_by(graph: Graph, person: URIRef) -> set[URIRef]:
    """What names ``person`` as its author or creator (works, and anything else that does)."""
    found = set(graph.subjects(SDO.author, person)) | set(graph.subjects(SDO.creator, person))
    return {w for w in found if isinstance(w, URIRef)}


def written_with(
    graph: Graph, person: URIRef, predicates: Sequence[URIRef]
) -> dict[URIRef, list[tuple[URIRef, Node]]]:
    """What ``written_by`` gives, each with the values of its ``predicates``.

    A remote store reads them in one request (a prolific author's hundreds of works
    with their dates); elsewhere each is a lookup.
    """
    store = graph.store
    found = None
    if isinstance(store, ReadsSources):
        found = store.sources_with(person, (SDO.author, SDO.creator), predicates)
    if found is None:
        return {
            w: [(p, o) for p in predicates for o in graph.objects(w, p)]
            for w in written_by(graph, person)
        }
    return {w: pairs for w, pairs in found.items() if isinstance(w, URIRef)}


def works_of(graph: Graph, person: URIRef) -> list[URIRef]:
    """Every work ``person`` wrote, newest first (then by title): their bibliography."""
    works = [w for w in written_by(graph, person) if work_kind(graph, w) is not None]
    return sorted(works, key=lambda w: (_negated_date(graph, w), _title(graph, w), str(w)))


def work_date(graph: Graph, work: URIRef) -> str | None:
    """When ``work`` appeared, at the precision the CV gives (``2021``, ``2021-07-28``).

    A thesis has no date of its own: it is the end of the studies it concluded, found
    through its degree (the credential of that name from the same organisation, whose
    role the mapping mints under the same slug as the credential).
    """
    date = graph.value(work, SDO.datePublished) or graph.value(work, DCTERMS.issued)
    if date is not None:
        return str(date)
    role = thesis_role(graph, work)
    end = None if role is None else graph.value(role, SDO.endDate)
    return None if end is None else str(end)


def thesis_role(graph: Graph, thesis: URIRef) -> URIRef | None:
    """The studies whose end dates ``thesis``: those its credential concluded (``work_date``)."""
    credential = thesis_credential(graph, thesis)
    if credential is None:
        return None
    return URIRef(str(credential).replace("/id/credential/", "/id/role/"))


def thesis_credential(graph: Graph, thesis: URIRef) -> URIRef | None:
    """The credential a thesis was written for: its author's, same degree name and organisation."""
    degree = graph.value(thesis, SDO.inSupportOf)
    school = graph.value(thesis, SDO.sourceOrganization)
    if degree is None:
        return None
    # The author's credentials, not every credential of that name: across a group's CVs
    # a degree name is shared by many people (1,395 at 10,000 CVs), and another person's
    # credential would give the thesis the end of someone else's studies.
    held = {
        c for a in graph.objects(thesis, SDO.author) for c in graph.objects(a, SDO.hasCredential)
    }
    if len(held) > 1:  # a remote store reads what is asked of each in one request, not one each
        read_ahead(graph, sorted(held), (SDO.name, RDF.type, SDO.recognizedBy))
    for credential in sorted(held):
        if _awards(graph, credential, degree, school):
            return credential  # type: ignore[return-value]
    return None


def _awards(graph: Graph, credential: Node, degree: Node, school: Node | None) -> bool:
    """Whether ``credential`` is a credential named ``degree`` that ``school`` recognises."""
    return (
        (credential, SDO.name, degree) in graph
        and (credential, RDF.type, SDO.EducationalOccupationalCredential) in graph
        and (school is None or (credential, SDO.recognizedBy, school) in graph)
    )


def _negated_date(graph: Graph, work: URIRef) -> str:
    date = work_date(graph, work) or ""
    # Newest first with ascending sort: map each digit d to 9 - d.
    return str(date).translate(_NEGATE).ljust(10, "~")


def _title(graph: Graph, work: URIRef) -> str:
    title = graph.value(work, SDO.name)
    return str(title).lower() if isinstance(title, Literal) else ""


_NEGATE = str.maketrans("0123456789", "9876543210")
