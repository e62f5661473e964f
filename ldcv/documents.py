"""Which triples make up the document that describes each resource.

Every IRI minted under the base that is a subject of the graph gets one document,
``/doc/{kind}/{slug}``. A document holds its subject's neighbourhood:

- every triple about the subject, following blank nodes (``rdf:List`` cells);
- the full description of the subject's *parts* (roles, credentials, addresses,
  identifiers, issues and volumes, award receipts …), which mean little alone;
- incoming links (a coauthor's document lists the works naming them as author;
  an organisation's lists the roles held there, with who held them);
- labels and dates of every other IRI it mentions, so a client can show a link
  by name without dereferencing it;
- the document's own triples (the owner's ``ProfilePage``).

Blank nodes are relabelled canonically and triples inserted in sorted order, so
every process serializes a document to the same bytes (and the same ETag).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from ldcv.ids import document_path, parse_thing_iri
from ldcv.vocab import DCTERMS, FOAF, LDCV, RDF, RDFS, SDO, bind_prefixes

if TYPE_CHECKING:
    from ldcv.dataset import Dataset

Triple = tuple[Node, Node, Node]

# Nodes that only make sense inside what they belong to: their whole description
# travels with the resource linking to them (and with resources they link back to).
PART_TYPES: frozenset[URIRef] = frozenset(
    {
        SDO.Role,
        SDO.EmployeeRole,
        SDO.OrganizationRole,
        SDO.PerformanceRole,
        SDO.LinkRole,
        SDO.EducationalOccupationalCredential,
        SDO.PostalAddress,
        SDO.ContactPoint,
        SDO.PropertyValue,
        SDO.PublicationIssue,
        SDO.PublicationVolume,
        FOAF.OnlineAccount,
        LDCV.AwardReceipt,
    }
)
PART_KINDS: frozenset[str] = frozenset(
    {"role", "credential", "address", "identifier", "issue", "volume", "account", "award"}
)

# What a link needs to be shown by name, and a work by name and date.
LABEL_PREDICATES: tuple[URIRef, ...] = (
    RDF.type,
    SDO.name,
    FOAF.name,
    RDFS.label,
    SDO.roleName,
)
DATE_PREDICATES: tuple[URIRef, ...] = (
    SDO.datePublished,
    SDO.startDate,
    SDO.endDate,
    DCTERMS.issued,
    DCTERMS.date,
)
TITLE_PREDICATES: tuple[URIRef, ...] = (SDO.name, FOAF.name, RDFS.label, SDO.roleName)


@dataclass(frozen=True)
class Document:
    """The document describing one resource: its path, subject and triples."""

    path: str  # "/doc/person/sebastian-lapuschkin"
    kind: str  # "person"
    slug: str
    subject: URIRef  # "{base}/id/person/sebastian-lapuschkin": the primary topic
    graph: Graph
    title: str  # human label of the subject


def build_documents(dataset: Dataset) -> dict[str, Document]:
    """Build the document of every thing minted under the dataset's base, keyed by path."""
    graph, base = dataset.graph, dataset.base_uri
    documents: dict[str, Document] = {}
    for subject in sorted(_minted_subjects(graph, base)):
        parsed = parse_thing_iri(base, str(subject))
        assert parsed is not None
        kind, slug = parsed
        path = document_path(kind, slug)
        triples = neighbourhood(graph, base, subject, URIRef(base + path))
        documents[path] = Document(
            path=path,
            kind=kind,
            slug=slug,
            subject=subject,
            graph=stable_graph(triples),
            title=title_of(graph, subject, slug),
        )
    return documents


def _minted_subjects(graph: Graph, base: str) -> set[URIRef]:
    return {
        s
        for s in graph.subjects(unique=True)
        if isinstance(s, URIRef) and parse_thing_iri(base, str(s)) is not None
    }


def title_of(graph: Graph, subject: URIRef, fallback: str) -> str:
    """The human label of ``subject``: its name, else its role name, else ``fallback``."""
    for predicate in TITLE_PREDICATES:
        for value in sorted(graph.objects(subject, predicate)):
            text = " ".join(str(value).split())
            if text:
                return text
    return fallback.replace("-", " ")


def is_part(graph: Graph, base: str, node: Node) -> bool:
    """Whether ``node`` is a part whose description belongs to what links to it."""
    if not isinstance(node, URIRef):
        return False
    if any(t in PART_TYPES for t in graph.objects(node, RDF.type)):
        return True
    parsed = parse_thing_iri(base, str(node))
    return parsed is not None and parsed[0] in PART_KINDS


def neighbourhood(graph: Graph, base: str, subject: URIRef, document: URIRef) -> set[Triple]:
    """The triples of the document describing ``subject`` (``document`` is its IRI)."""
    triples: set[Triple] = set()
    described: set[Node] = set()
    _describe(graph, base, subject, triples, described)
    _describe(graph, base, document, triples, described)

    for work, predicate in _incoming(graph, subject):
        triples.add((work, predicate, subject))
        if is_part(graph, base, work):
            # A role held at an organisation: its dates and title, and who held it.
            _describe(graph, base, work, triples, described)
            for holder, link in _incoming(graph, work):
                triples.add((holder, link, work))
        else:
            triples.update(_about(graph, work, DATE_PREDICATES))

    mentioned = {t for s, _, o in triples for t in (s, o) if isinstance(t, URIRef)}
    for node in mentioned - described:
        triples.update(_about(graph, node, LABEL_PREDICATES))
    return triples


def _describe(
    graph: Graph, base: str, node: Node, triples: set[Triple], described: set[Node]
) -> None:
    """Add every triple about ``node``, following blank nodes and parts."""
    if node in described:
        return
    described.add(node)
    for predicate, value in graph.predicate_objects(node):
        triples.add((node, predicate, value))
        if isinstance(value, BNode) or is_part(graph, base, value):
            _describe(graph, base, value, triples, described)


def _incoming(graph: Graph, node: Node) -> Iterator[tuple[URIRef, Node]]:
    """Named resources linking to ``node`` (list cells are reached from their owner)."""
    for source, predicate in graph.subject_predicates(node):
        if isinstance(source, URIRef) and source != node:
            yield source, predicate


def _about(graph: Graph, node: Node, predicates: Iterable[URIRef]) -> Iterator[Triple]:
    for predicate in predicates:
        for value in graph.objects(node, predicate):
            yield node, predicate, value


def stable_graph(triples: Iterable[Triple]) -> Graph:
    """A graph of ``triples`` that serializes to the same bytes in every process.

    rdflib labels blank nodes at random, and its default store iterates a set, in
    an order that changes with Python's hash seed. Canonical blank-node labels, a
    sorted insertion order and a store that iterates in insertion order make every
    serialization (and so every ETag) agree across workers and restarts.
    """
    triples = set(triples)
    if any(isinstance(t, BNode) for triple in triples for t in triple):
        canonical = Graph()
        for triple in triples:
            canonical.add(triple)
        triples = set(to_canonical_graph(canonical))
    graph = bind_prefixes(Graph(store="SimpleMemory", bind_namespaces="core"))
    for triple in sorted(triples, key=_sort_key):
        graph.add(triple)
    return graph


def _sort_key(triple: Triple) -> tuple[str, ...]:
    return tuple(f"{type(t).__name__}:{t.n3()}" for t in triple)
