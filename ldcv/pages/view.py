"""A read-only view of graph resources, as templates read them.

A ``Page`` holds what one rendering reads: the document's graph, the dataset graph
for the neighbours the document only names, and where each subject's document lives.
A ``Node`` is one resource seen through it: values by schema.org term (``author``,
``foaf:name``), a label, a kind and a link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from ldcv.pages.text import humanize, local_name
from ldcv.rdf.iris import parse_thing_iri
from ldcv.rdf.vocabulary import PREFIXES, SDO

_GENERIC_TYPES = frozenset({"Thing", "CreativeWork", "Organization", "Intangible", "Role"})
# Terms a page asks of one resource one by one; from the next, it reads all its triples.
_ASKED_BEFORE_DESCRIBED = 2


def term(name: str) -> URIRef:
    """Resolve ``name`` (``author``, ``foaf:name``) to an IRI; bare names are schema.org."""
    prefix, colon, local = name.partition(":")
    if not colon:
        return SDO[name]
    return URIRef(PREFIXES[prefix][local])


def _prefixed(iri: Identifier) -> tuple[str, str] | None:
    """Split an IRI into one of our prefixes and the rest, or ``None`` outside them."""
    text = str(iri)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(str(namespace)):
            return prefix, text[len(namespace) :]
    return None


def predicate_label(predicate: URIRef) -> str:
    """Label a predicate for a table: ``Page end``, ``Page end (bibo)`` outside schema.org."""
    label = humanize(str(predicate))
    prefixed = _prefixed(predicate)
    if prefixed is None or prefixed[0] == "schema":
        return label
    return f"{label} ({prefixed[0]})"


class Node:
    """One resource of the graph, as the templates read it."""

    __slots__ = ("iri", "page")

    def __init__(self, iri: Identifier, page: Page) -> None:
        self.iri = iri
        self.page = page

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and other.iri == self.iri

    def __hash__(self) -> int:
        return hash(self.iri)

    def __repr__(self) -> str:
        return f"Node({self.iri!s})"

    def all(self, *names: str) -> list[Any]:
        """Values of any of the terms: ``Node`` for resources, ``Literal`` for text."""
        values: list[Any] = []
        seen: set[Any] = set()  # a coauthor makes thousands of works: no list scans
        for name in names:
            for value in self.page.objects(self.iri, self.page.term(name)):
                wrapped = self.page.wrap(value)
                if wrapped not in seen:
                    seen.add(wrapped)
                    values.append(wrapped)
        return values

    def get(self, *names: str) -> Any:
        """The first value of the first term that has one, or ``None``."""
        for name in names:
            values = self.page.objects(self.iri, self.page.term(name))
            if values:
                return self.page.wrap(values[0])
        return None

    def list(self, name: str) -> list[Node] | None:
        """Members of the ``rdf:List`` the term points to, in order; ``None`` without one."""
        head = self.get(name)
        if not isinstance(head, Node):
            return None
        return [self.page.wrap(item) for item in self.page.members(head.iri)]

    def referrers(self, name: str, *types: str) -> list[Node]:
        """Resources that point here through the term, optionally of one of the types."""
        predicate = self.page.term(name)
        graph = self.page.dataset_graph
        shown = self._listed_here()
        if shown is None:
            found = [self.page.wrap(s) for s in graph.subjects(predicate, self.iri)]
        else:  # a hub's page: ask about its own hundred, not every referrer of the hub
            self.page.read_ahead_links(shown, self.iri)
            found = [self.page.wrap(s) for s in shown if (s, predicate, self.iri) in graph]
        if types:
            found = [n for n in found if n.is_a(*types)]
        return sorted(set(found), key=lambda n: n.sort_key)

    def shown_here(self, nodes: Iterable[Node]) -> list[Node]:
        """``nodes``; on a page of this resource's long document, those that page lists."""
        shown = self._listed_here()
        return [n for n in nodes if shown is None or n.iri in shown]

    def _listed_here(self) -> frozenset[Identifier] | None:
        """On a page of this resource's long document, what links here on that page."""
        listed = self.page.listed
        return listed[1] if listed is not None and listed[0] == self.iri else None

    @property
    def types(self) -> frozenset[str]:
        """Local names of the resource's types (``Person``, ``bibo:Patent`` for non-schema)."""
        return self.page.types_of(self.iri)

    def is_a(self, *names: str) -> bool:
        """Whether the resource has any of the types (names as ``types`` gives them)."""
        return bool(self.types.intersection(names))

    @property
    def label(self) -> str:
        """A human name: name, role name, volume or issue number, or the IRI's last segment."""
        for name in ("name", "foaf:name", "rdfs:label", "roleName", "headline", "dcterms:title"):
            value = self.get(name)
            if isinstance(value, Literal):
                return str(value)
        if self.is_a("PostalAddress"):
            parts = ("streetAddress", "postalCode", "addressLocality", "addressCountry")
            text = ", ".join(str(v) for v in (self.get(p) for p in parts) if v is not None)
            if text:
                return text
        if (number := self.get("volumeNumber")) is not None:
            return f"Volume {number}"
        if (number := self.get("issueNumber")) is not None:
            return f"Issue {number}"
        if (value := self.get("value")) is not None:
            prefix = self.get("propertyID")
            return f"{prefix} {value}" if prefix else str(value)
        return local_name(str(self.iri)) if isinstance(self.iri, URIRef) else ""

    @property
    def href(self) -> str | None:
        return self.page.href(self.iri)

    @property
    def kind(self) -> str:
        """The resource's kind for a heading: its most specific schema.org types."""
        names = sorted(t for t in self.types if ":" not in t)
        specific = [n for n in names if n not in _GENERIC_TYPES] or names
        return ", ".join(humanize(n) for n in specific) or "Resource"

    @property
    def start_key(self) -> str:
        return str(self.get("startDate") or "")

    @property
    def is_focus(self) -> bool:
        return self.iri in self.page.focus

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.label.casefold(), str(self.iri))

    def statements(self) -> list[tuple[str, URIRef, list[Any]]]:
        """Everything the document says about this resource: (label, predicate, values)."""
        graph = self.page.graph
        if (self.iri, None, None) not in graph:
            graph = self.page.dataset_graph
        predicates = {p for p in graph.predicates(self.iri) if p != RDF.type}
        rows = [(predicate_label(p), p, self._expanded(p)) for p in predicates]
        return sorted(rows, key=lambda row: (row[0], str(row[1])))

    def _expanded(self, predicate: URIRef) -> list[Any]:
        """Values of a predicate, with an ``rdf:List`` replaced by its members."""
        values: list[Any] = []
        for value in self.page.objects(self.iri, predicate):
            if isinstance(value, BNode) and self.page.description(value).get(RDF.first):
                values.extend(self.page.wrap(item) for item in self.page.members(value))
            else:
                values.append(self.page.wrap(value))
        return values

    def referenced_by(self, skip: Iterable[str] = ()) -> list[tuple[str, URIRef, list[Node]]]:
        """Resources in the dataset that point here: (label, predicate, subjects).

        On a page of a long document, only those listed on that page: the others are on
        the document's other pages, as in its RDF.
        """
        skipped = {term(name) for name in skip} | {RDF.first}
        shown = self._listed_here()
        by_predicate: dict[URIRef, set[Node]] = {}
        graph = self.page.dataset_graph
        if shown is None:
            links: Iterable[tuple[Any, Any]] = graph.subject_predicates(self.iri)
        else:  # a hub's page: ask about its own hundred, not every referrer of the hub
            self.page.read_ahead_links(shown, self.iri)
            links = ((s, p) for s in shown for p in graph.predicates(s, self.iri))
        for s, p in links:
            if isinstance(s, URIRef) and p not in skipped:
                by_predicate.setdefault(p, set()).add(self.page.wrap(s))
        rows = [
            (predicate_label(p), p, sorted(nodes, key=lambda n: n.sort_key))
            for p, nodes in by_predicate.items()
        ]
        return sorted(rows, key=lambda row: (row[0], str(row[1])))


@runtime_checkable
class ReadsAround(Protocol):
    """A dataset graph's store that reads what many nodes say in a few requests (remote)."""

    def read_ahead_around(self, nodes: Iterable[Identifier], follow: Iterable[URIRef]) -> None: ...

    def read_ahead_links(self, sources: Iterable[Identifier], target: Identifier) -> None: ...


@dataclass
class Page:
    """What one rendering needs: the graphs, links to documents and the people in focus."""

    graph: Graph  # the document's graph
    dataset_graph: Graph
    base_uri: str
    subjects: Mapping[URIRef, str]  # subject IRI → document path
    focus: frozenset[Identifier] = field(default_factory=frozenset)
    # A page of a long document: its subject and the resources linking to it on this page
    # (the others are on the document's other pages).
    listed: tuple[Identifier, frozenset[Identifier]] | None = None
    # What holds on every page of one dataset (a work's citation): kept across pages.
    shared: dict[Any, Any] = field(default_factory=dict, repr=False)
    _types: dict[Identifier, frozenset[str]] = field(default_factory=dict, repr=False)
    # What the page read from the dataset graph, read once per page: a graph on a store
    # answers each question with a lookup, and a page asks the same ones many times.
    _objects: dict[tuple[Identifier, URIRef], tuple[Identifier, ...]] = field(
        default_factory=dict, repr=False
    )
    _descriptions: dict[Identifier, dict[Identifier, list[Identifier]]] = field(
        default_factory=dict, repr=False
    )
    _asked: dict[Identifier, int] = field(default_factory=dict, repr=False)
    # The terms the templates name (``author``, ``foaf:name``), each resolved once a page:
    # a page asks thousands of values, and making an IRI checks its characters.
    _terms: dict[str, URIRef] = field(default_factory=dict, repr=False)

    def term(self, name: str) -> URIRef:
        """``term(name)``, resolved once for this page."""
        found = self._terms.get(name)
        if found is None:
            found = self._terms[name] = term(name)
        return found

    def remember(self, name: str, iri: Identifier, make: Callable[[], Any]) -> Any:
        """``make()``, once for all pages sharing ``shared``; ``name`` says what it is."""
        key = (name, id(self.dataset_graph), iri)
        found = self.shared.get(key)
        if found is None:
            found = self.shared[key] = make()
        return found

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_uri).path.rstrip("/")

    def objects(self, subject: Identifier, predicate: URIRef) -> list[Identifier]:
        """Objects in a stable order.

        Read from the dataset graph first: the document holds every triple about its
        subject, but only labels and dates of the neighbours it links to, and a
        byline needs a neighbour's whole author list.
        """
        found = self._objects.get((subject, predicate))
        if found is None:
            asked = self._asked[subject] = self._asked.get(subject, 0) + 1
            if asked > _ASKED_BEFORE_DESCRIBED or subject in self._descriptions:
                # A work's citation asks twenty terms, most of which it lacks: one lookup.
                values = list(self.description(subject).get(predicate, ()))
            else:  # a link's label: one term
                values = list(self.dataset_graph.objects(subject, predicate))
            if not values:  # documents about things outside the dataset (the vocabulary)
                values = list(self.graph.objects(subject, predicate))
            found = tuple(sorted(values, key=lambda v: (str(v).casefold(), str(v))))
            self._objects[subject, predicate] = found
        return list(found)

    def read_ahead(self, nodes: Iterable[Node], follow: Iterable[str] = ()) -> None:
        """Say what the page will read around ``nodes``, so a remote store reads it together.

        Their descriptions, those of what they name (a work's authors, author list and
        venue) and what is reached from those through the terms ``follow`` (its venue's
        volume and periodical); a no-op on a graph in memory or on disk.
        """
        store = self.dataset_graph.store
        if isinstance(store, ReadsAround):
            store.read_ahead_around([n.iri for n in nodes], [self.term(t) for t in follow])

    def read_ahead_links(self, sources: Iterable[Identifier], target: Identifier) -> None:
        """Say that the page will ask what links each of ``sources`` to ``target``."""
        store = self.dataset_graph.store
        if isinstance(store, ReadsAround):
            store.read_ahead_links(sources, target)

    def description(self, subject: Identifier) -> dict[Identifier, list[Identifier]]:
        """The objects of ``subject`` in the dataset graph by predicate (read once per page).

        For list cells: a page reads both of their triples.
        """
        found = self._descriptions.get(subject)
        if found is None:
            found = {}
            for predicate, value in self.dataset_graph.predicate_objects(subject):
                found.setdefault(predicate, []).append(value)
            self._descriptions[subject] = found
        return found

    def members(self, head: Identifier) -> list[Identifier]:
        """The members of the ``rdf:List`` starting at ``head`` in the dataset graph, in order."""
        items: list[Identifier] = []
        seen = {head}
        cell: Identifier | None = head
        while cell is not None:
            about = self.description(cell)
            items.extend(about.get(RDF.first, ())[:1])
            cell = next(iter(about.get(RDF.rest, ())), None)
            if cell == RDF.nil:  # the end, which says nothing: not looked up
                break
            if cell in seen:
                raise ValueError(f"the list at {head} loops back on itself")
            seen.add(cell)
        return items

    def types_of(self, iri: Identifier) -> frozenset[str]:
        """Type names of a resource: schema.org local names, ``prefix:name`` for others."""
        cached = self._types.get(iri)
        if cached is None:
            names = set()
            for prefixed in filter(None, map(_prefixed, self.objects(iri, RDF.type))):
                prefix, name = prefixed
                names.add(name if prefix == "schema" else f"{prefix}:{name}")
            cached = self._types[iri] = frozenset(names)
        return cached

    def wrap(self, value: Identifier) -> Any:
        return value if isinstance(value, Literal) else Node(value, self)

    def href(self, iri: Identifier) -> str | None:
        """Link to a resource: its document here, or itself if it lives elsewhere."""
        if not isinstance(iri, URIRef):
            return None
        if iri in self.subjects:
            return self.base_path + self.subjects[iri]
        if parse_thing_iri(self.base_uri, str(iri)) is not None:
            return self.base_path + str(iri)[len(self.base_uri) :]  # answers 303 to its document
        if str(iri).startswith(("http://", "https://", "mailto:", "tel:")):
            return str(iri)
        return None

    def static(self, name: str) -> str:
        return f"{self.base_path}/static/{name}"
