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

Blank nodes are relabelled by their place in the graph (or canonically, where
that place is ambiguous) and triples inserted in sorted order, so every process
serializes a document to the same bytes (and the same ETag).

Cost. The dataset graph is indexed once (triples by subject and by object), so a
document costs dictionary lookups, not rdflib store queries. Documents live in an
``IndexedStore``, built in one pass and iterated in insertion order, and share one
namespace manager that remembers every IRI it has (or has not) abbreviated: rdflib's
default gives each graph its own, which splits every IRI again for every document.
"""

from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING, Any, NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import NamespaceManager
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.store import Store
from rdflib.term import Node

from ldcv.documents.blank_places import PlaceLabels
from ldcv.documents.paging import HYDRA, PAGE_SIZE, add_page_links, page_count
from ldcv.rdf.iris import document_path, parse_thing_iri
from ldcv.rdf.vocabulary import DCTERMS, FOAF, LDCV, RDF, RDFS, SDO, bind_prefixes

if TYPE_CHECKING:
    from ldcv.pipeline import Dataset

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
    {
        "role",
        "credential",
        "address",
        "identifier",
        "issue",
        "volume",
        "account",
        "award",
        "skill-set",
    }
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
PAGING_PREDICATES: frozenset[URIRef] = frozenset(
    {HYDRA.first, HYDRA.last, HYDRA.previous, HYDRA.next}
)


def page_iri(document: URIRef, page: int) -> URIRef:
    """The IRI of page ``page`` of a document's incoming links (page 1: the document)."""
    return document if page == 1 else URIRef(f"{document}/page/{page}")


def _whole(document: Document) -> str:
    return document_path(document.kind, document.slug)


def split_page(path: str) -> tuple[str, int]:
    """The path of the whole document and the page number of a document's ``path``."""
    whole, marker, number = path.rpartition("/page/")
    if marker and number.isdigit() and not number.startswith("0") and number != "1":
        return whole, int(number)
    return path, 1


def page_path(path: str, page: int) -> str:
    """The path of page ``page`` of the document at ``path``."""
    return path if page == 1 else f"{path}/page/{page}"


@dataclass(frozen=True, eq=False)
class Document:
    """The document describing one resource: its path, subject and triples.

    The triples are gathered when first asked for (``graph``): the static build and
    the server's start-up do that in forked workers, each for its share.
    """

    path: str  # "/doc/person/sebastian-lapuschkin"
    kind: str  # "person"
    slug: str
    subject: URIRef  # "{base}/id/person/sebastian-lapuschkin": the primary topic
    title: str  # human label of the subject
    make_graph: Callable[[], Graph] = field(repr=False)

    @cached_property
    def graph(self) -> Graph:
        return self.make_graph()


class Documents(dict[str, Document]):
    """The documents of a dataset by path, a fingerprint of the triples they come from,
    and the index their pages share."""

    def __init__(self, index: GraphIndex) -> None:
        super().__init__()
        self._index = index
        self._page_index: tuple[dict[URIRef, str], dict[Any, Any]] | None = None
        self._lock = threading.Lock()

    def fingerprint(self) -> str | None:
        """A digest of the dataset's triples, the same in every process; ``None``: unknown."""
        return self._index.fingerprint()

    def page_index(self) -> tuple[dict[URIRef, str], dict[Any, Any]]:
        """Each document's path by its subject, and a memo shared by the pages of these documents.

        Made when the first page asks (once, whichever thread asks first); every page
        looks its links up in it.
        """
        made = self._page_index
        if made is None:
            with self._lock:
                if self._page_index is None:
                    paths = {d.subject: d.path for d in self.values() if d.path == _whole(d)}
                    self._page_index = (paths, {})
                made = self._page_index
        return made


def build_documents(dataset: Dataset) -> Documents:
    """Build the document of every thing minted under the dataset's base, keyed by path."""
    index = GraphIndex(dataset.graph, dataset.base_uri)
    documents = Documents(index)
    for subject in index.minted_subjects():
        kind, slug = index.parsed(subject)
        path = document_path(kind, slug)
        iri = URIRef(index.base + path)
        for page in range(1, index.incoming_pages(subject, iri) + 1):
            documents[page_path(path, page)] = page_document(index, subject, kind, slug, page)
    return documents


def page_document(index: TripleIndex, subject: URIRef, kind: str, slug: str, page: int) -> Document:
    """The document describing ``subject`` (page ``page`` of its incoming links)."""
    path = document_path(kind, slug)
    title = title_of(index, subject, slug)
    return Document(
        path=page_path(path, page),
        kind=kind,
        slug=slug,
        subject=subject,
        title=title if page == 1 else f"{title} (page {page})",
        make_graph=partial(index.document_graph, subject, URIRef(index.base + path), page),
    )


class IncomingPage(NamedTuple):
    """The links into a resource that one page of its document holds."""

    links: list[tuple[Node, Node]]  # (source, predicate), the sources of this page
    elsewhere: frozenset[Node]  # the sources on the document's other pages
    pages: int  # how many pages the document has


def _add_page_links(triples: set[Triple], document: URIRef, page: int, pages: int) -> None:
    """Add the Hydra links of page ``page`` of ``pages`` of ``document`` to ``triples``."""
    paged = Graph()
    add_page_links(
        paged,
        page_iri(document, page),
        "",
        lambda n: str(page_iri(document, n)) if 1 <= n <= pages else None,
        page,
        pages,
    )
    triples.update(paged)


_NOTHING: dict[Node, list[Node]] = {}


class TripleIndex:
    """What documents are cut from: the triples about a node and those pointing at it.

    Subclasses say where the triples come from (``about`` and ``pointing_at``): a graph
    in memory (``GraphIndex``) or a store (``ldcv.documents.store_index``); everything
    else (neighbourhoods, parts, blank-node labels, sort keys) is worked out here, so both
    cut the same triples into the same bytes.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self._parsed: dict[Node, tuple[str, str] | None] = {}
        self._parts: dict[Node, bool] = {}
        self._n3: dict[Node, str] = {}

    def about(self, node: Node) -> Mapping[Node, Sequence[Node]]:
        """The triples about ``node``: its objects by predicate (empty if it has none)."""
        raise NotImplementedError

    def pointing_at(self, node: Node) -> Sequence[tuple[Node, Node]]:
        """The triples whose object is ``node``: (subject, predicate) pairs, each once."""
        raise NotImplementedError

    def place_labels(self) -> PlaceLabels:
        """Labels of blank nodes by their place, for the documents cut next."""
        raise NotImplementedError

    def namespaces_for(self, triples: Iterable[Triple]) -> SharedNamespaces | None:
        """Shared prefixes a document graph of ``triples`` may use; ``None``: its own."""
        raise NotImplementedError

    def read_ahead(
        self,
        nodes: Iterable[Node],
        predicates: Sequence[URIRef] | None = None,
        *,
        pointing: bool = False,
    ) -> None:
        """Say what is asked next of each of ``nodes``, so a remote store reads it at once.

        Through ``predicates``, or their whole descriptions (``None``); with ``pointing``,
        what points at them. A hint: an index in memory or on disk has nothing to do.
        """

    def parsed(self, node: Node) -> tuple[str, str]:
        """Kind and slug of a minted IRI (one of ``minted_subjects``)."""
        found = self._parse(node)
        assert found is not None, node
        return found

    def _parse(self, node: Node) -> tuple[str, str] | None:
        if node not in self._parsed:
            minted = isinstance(node, URIRef) and node.startswith(self.base)
            self._parsed[node] = parse_thing_iri(self.base, str(node)) if minted else None
        return self._parsed[node]

    def objects(self, node: Node, predicate: Node) -> Sequence[Node]:
        """The objects of the triples about ``node`` through ``predicate``."""
        return self.about(node).get(predicate, ())

    def is_part(self, node: Node) -> bool:
        """Whether ``node`` is a part whose description belongs to what links to it."""
        if not isinstance(node, URIRef):
            return False
        found = self._parts.get(node)
        if found is None:
            parsed = self._parse(node)
            found = (parsed is not None and parsed[0] in PART_KINDS) or any(
                t in PART_TYPES for t in self.objects(node, RDF.type)
            )
            self._parts[node] = found
        return found

    def document_graph(self, subject: URIRef, document: URIRef, page: int = 1) -> Graph:
        """The graph of the document ``document`` describing ``subject``, stably labelled.

        ``page``: which page of its incoming links, when they are more than a page holds.
        """
        triples = self.neighbourhood(subject, document, page)
        if not any(p in PAGING_PREDICATES for _, p, _ in triples):
            return stable_graph(triples, self)
        graph = stable_graph(triples)  # prefixes of its own: the shared ones lack hydra
        graph.bind("hydra", HYDRA)
        return graph

    def incoming_pages(self, subject: URIRef, document: URIRef) -> int:
        """How many pages the incoming links of ``subject``'s document fill (1: not paged)."""
        if self.about(document):  # an owner's profile: bounded by their CV, never paged
            return 1
        return page_count(self.referrer_count(subject))

    def neighbourhood(self, subject: URIRef, document: URIRef, page: int = 1) -> set[Triple]:
        """The triples of the document describing ``subject`` (``document`` is its IRI)."""
        triples: set[Triple] = set()
        described: set[Node] = set()
        if page == 1 and self.about(document):  # an owner's profile: never paged
            on_page = IncomingPage(list(self._incoming(subject)), frozenset(), 1)
        else:
            on_page = self.incoming_page(subject, page)
        if page > 1 or on_page.pages > 1:
            _add_page_links(triples, document, page, on_page.pages)
        # The subject's own links back to what points at it (a skill's
        # schema:inDefinedTermSet, one to each set listing it) grow as its referrers
        # do: each page holds those to its own referrers, and their descriptions.
        self._describe(subject, triples, described, on_page.elsewhere)
        self._describe(document, triples, described)

        # What the loop below asks of each work, asked of all of them at once.
        works = list(dict.fromkeys(work for work, _ in on_page.links))
        self.read_ahead(works, (RDF.type, *DATE_PREDICATES))
        parts = [work for work in works if self.is_part(work)]
        self.read_ahead(parts)
        self.read_ahead(parts, pointing=True)
        for work, predicate in on_page.links:
            triples.add((work, predicate, subject))
            if self.is_part(work):
                # A role held at an organisation: its dates and title, and who held it.
                self._describe(work, triples, described)
                for holder, link in self._incoming(work):
                    triples.add((holder, link, work))
            else:
                triples.update(self._about(work, DATE_PREDICATES))

        mentioned = {t for s, _, o in triples for t in (s, o) if isinstance(t, URIRef)}
        self.read_ahead(mentioned - described, LABEL_PREDICATES)
        for node in mentioned - described:
            triples.update(self._about(node, LABEL_PREDICATES))
        return triples

    def incoming_page(self, node: Node, page: int) -> IncomingPage:
        """The links into ``node`` on page ``page`` of its document, newest first.

        Page 1 of a document whose referrers fit on it holds every link.
        """
        incoming = list(self._incoming(node))
        sources = {source for source, _ in incoming}
        if page == 1 and len(sources) <= PAGE_SIZE:
            return IncomingPage(incoming, frozenset(), 1)
        ordered = self.referrers_in_order(node, sources)
        kept = set(ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
        return IncomingPage(
            [(source, predicate) for source, predicate in incoming if source in kept],
            frozenset(sources - kept),
            page_count(len(ordered)),
        )

    def referrer_count(self, node: Node) -> int:
        """How many named resources link to ``node`` (``node`` itself aside)."""
        return len({source for source, _ in self._incoming(node)})

    def referrers_in_order(self, node: Node, sources: Iterable[Node]) -> list[Node]:
        """``sources`` (resources linking to ``node``) newest first: the order of its pages."""
        latest = self.latest_dates(node, sources)
        return sorted(sources, key=lambda source: _newest_first(latest.get(source, ""), source))

    def latest_dates(self, node: Node, sources: Iterable[Node]) -> dict[Node, str]:
        """The latest of the dates (as text) of each of ``sources``, which link to ``node``.

        A source without a date is left out.
        """
        sources = list(sources)
        self.read_ahead(sources, DATE_PREDICATES)
        found = {}
        for source in sources:
            dates = [str(v) for p in DATE_PREDICATES for v in self.objects(source, p)]
            if dates:
                found[source] = max(dates)
        return found

    def _describe(
        self,
        node: Node,
        triples: set[Triple],
        described: set[Node],
        elsewhere: set[Node] | frozenset[Node] = frozenset(),
    ) -> None:
        """Add every triple about ``node``, following blank nodes and parts.

        ``elsewhere``: what ``node`` links to that belongs to another page of its document.
        """
        pending = [node]
        while pending:
            current = pending.pop()
            if current in described:
                continue
            described.add(current)
            for predicate, values in self.about(current).items():
                for value in values:
                    if value in elsewhere and current == node:
                        continue
                    triples.add((current, predicate, value))
                    if isinstance(value, BNode) or self.is_part(value):
                        pending.append(value)

    def _incoming(self, node: Node) -> Iterator[tuple[Node, Node]]:
        """Named resources linking to ``node`` (list cells are reached from their owner)."""
        for source, predicate in self.pointing_at(node):
            if isinstance(source, URIRef) and source != node:
                yield source, predicate

    def _about(self, node: Node, predicates: Iterable[URIRef]) -> Iterator[Triple]:
        about = self.about(node)
        if about:
            for predicate in predicates:
                for value in about.get(predicate, ()):
                    yield node, predicate, value

    # -- the same bytes in every process ---------------------------------------------------

    def _placed(self, triples: set[Triple]) -> set[Triple] | None:
        """``triples`` with each blank node named by its place; ``None`` if one has none."""
        blank = {t for triple in triples for t in triple if isinstance(t, BNode)}
        if not blank:
            return triples
        self.read_ahead(blank, pointing=True)  # each is labelled by what points at it
        places = self.place_labels()
        labels = {b: places.label(b) for b in blank}
        if None in labels.values():
            return None
        return {
            tuple(labels[t] if isinstance(t, BNode) else t for t in triple)  # type: ignore[misc]
            for triple in triples
        }

    def _sort_key(self, triple: Triple) -> tuple[str, ...]:
        keys = []
        for term in triple:
            key = self._n3.get(term)
            if key is None:
                key = self._n3[term] = _term_key(term)
            keys.append(key)
        return tuple(keys)


class GraphIndex(TripleIndex):
    """A graph's triples by subject and by object, read once for all its documents."""

    def __init__(self, graph: Graph, base: str) -> None:
        super().__init__(base)
        # One object per term: dictionaries then find keys by identity, without calling
        # rdflib's equality (a Python method) on every probe.
        terms: dict[Node, Node] = {
            t: t for t in (RDF.type, *PART_TYPES, *LABEL_PREDICATES, *DATE_PREDICATES)
        }
        intern = terms.setdefault
        self.outgoing: dict[Node, dict[Node, list[Node]]] = {}
        self.incoming: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for s, p, o in graph:
            s, p, o = intern(s, s), intern(p, p), intern(o, o)
            self.outgoing.setdefault(s, {}).setdefault(p, []).append(o)
            self.incoming[o].append((s, p))
        self._places = PlaceLabels(self.pointing_at, self.objects)
        self._namespaces = SharedNamespaces.covering(self._vocabulary())

    def about(self, node: Node) -> Mapping[Node, Sequence[Node]]:
        return self.outgoing.get(node, _NOTHING)

    def pointing_at(self, node: Node) -> Sequence[tuple[Node, Node]]:
        return self.incoming.get(node, ())

    def place_labels(self) -> PlaceLabels:
        return self._places

    def namespaces_for(self, triples: Iterable[Triple]) -> SharedNamespaces | None:
        return self._namespaces

    def _vocabulary(self) -> set[Node]:
        """What a serializer may abbreviate with a new prefix: predicates, classes, datatypes."""
        found: set[Node] = set()
        for about in self.outgoing.values():
            found.update(about)
            found.update(about.get(RDF.type, ()))
        found.update(o.datatype for o in self.incoming if isinstance(o, Literal) and o.datatype)
        return found

    def minted_subjects(self) -> list[URIRef]:
        """Every IRI minted under the base that is a subject, sorted."""
        return sorted(
            s for s in self.outgoing if isinstance(s, URIRef) and self._parse(s) is not None
        )

    def fingerprint(self) -> str | None:
        """A digest of every triple, blank nodes named by place; ``None`` if one has none."""
        labels = self._bnode_labels()
        lines = []
        for subject, about in self.outgoing.items():
            for predicate, values in about.items():
                for value in values:
                    triple = tuple(
                        labels.get(t) if isinstance(t, BNode) else t
                        for t in (subject, predicate, value)
                    )
                    if None in triple:
                        return None
                    lines.append(" ".join(self._sort_key(triple)))  # type: ignore[arg-type]
        lines.sort()
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    def _bnode_labels(self) -> dict[BNode, BNode | None]:
        """The label by place of every blank node of the graph (``None``: it has no place)."""
        blank = {t for t in (*self.outgoing, *self.incoming) if isinstance(t, BNode)}
        return {node: self._places.label(node) for node in blank}


def title_of(graph: Graph | TripleIndex, subject: URIRef, fallback: str) -> str:
    """The human label of ``subject``: its name, else its role name, else ``fallback``.

    ``graph`` is a graph or, when documents are built, the index of one.
    """
    for predicate in TITLE_PREDICATES:
        for value in sorted(graph.objects(subject, predicate)):
            text = " ".join(str(value).split())
            if text:
                return text
    return fallback.replace("-", " ")


def stable_graph(triples: Iterable[Triple], index: TripleIndex | None = None) -> Graph:
    """A graph of ``triples`` that serializes to the same bytes in every process.

    rdflib labels blank nodes at random, and its default store iterates a set, in
    an order that changes with Python's hash seed. Canonical blank-node labels, a
    sorted insertion order and a store that iterates in insertion order make every
    serialization (and so every ETag) agree across workers and restarts.

    Given the ``index`` of the graph the triples come from (a document's), blank nodes
    are named by their place in it, which costs far less than canonical labels, and the
    graph shares the index's prefixes; a blank node without a unique place falls back
    to canonical labels.
    """
    triples = set(triples)
    if index is not None:
        placed = index._placed(triples)
        if placed is not None:
            return indexed_graph(sorted(placed, key=index._sort_key), index.namespaces_for(placed))
    if any(isinstance(t, BNode) for triple in triples for t in triple):
        canonical = Graph()
        for triple in triples:
            canonical.add(triple)
        triples = set(to_canonical_graph(canonical))
    return indexed_graph(sorted(triples, key=_sort_key))


def _newest_first(date: str, node: Node) -> tuple[str, str]:
    # Reversed text sorts later dates first; the IRI settles ties in every process.
    return ("".join(chr(0x10FFFF - ord(c)) for c in date), str(node))


def _term_key(term: Node) -> str:
    return f"{type(term).__name__}:{term.n3()}"


def _sort_key(triple: Triple) -> tuple[str, ...]:
    return tuple(_term_key(t) for t in triple)


# -- graphs that are built once and read many times ---------------------------------------


def indexed_graph(triples: Iterable[Triple], namespaces: NamespaceManager | None = None) -> Graph:
    """A graph of ``triples`` in an ``IndexedStore``, with our prefixes.

    ``namespaces`` (a ``SharedNamespaces``) is shared with other graphs; without it
    the graph gets a namespace manager of its own.
    """
    store = IndexedStore(triples)
    if namespaces is None:
        return bind_prefixes(Graph(store=store, bind_namespaces="core"))
    store.namespace_source = namespaces.store
    return Graph(store=store, namespace_manager=namespaces)


def indexed_copy(graph: Graph) -> Graph:
    """A copy of ``graph`` in an ``IndexedStore``: several times faster to query and serialize.

    It shares a ``SharedNamespaces`` where our prefixes cover the graph's vocabulary,
    so IRIs without a prefix are split once, not at every mention.
    """
    triples = list(graph)
    return indexed_graph(triples, SharedNamespaces.covering(vocabulary_of(triples)))


def vocabulary_of(triples: Iterable[Triple]) -> set[Node]:
    """What a serializer may abbreviate with a new prefix: predicates, classes, datatypes."""
    found: set[Node] = set()
    for _, predicate, value in triples:
        found.add(predicate)
        if predicate == RDF.type:
            found.add(value)
        elif isinstance(value, Literal) and value.datatype:
            found.add(value.datatype)
    return found


_NO_CONTEXTS: tuple[Any, ...] = ()


class IndexedStore(Store):
    """An in-memory store indexed by subject, predicate and object, iterating in insertion order.

    rdflib's ``Memory`` keeps contexts and ``SimpleMemory`` raises and catches an
    exception per new key; both cost several times this for a graph that is filled
    once and then only read (triples can still be added and removed). The indexes by
    predicate and by object are made when a query first needs them.
    """

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        super().__init__()
        self._spo: dict[Node, dict[Node, dict[Node, None]]] = {}
        self._built_pos: dict[Node, dict[Node, dict[Node, None]]] | None = None
        self._built_osp: dict[Node, dict[Node, dict[Node, None]]] | None = None
        self._size = 0
        self.namespace_source: Store = SimpleMemory()
        spo = self._spo
        for s, p, o in triples:
            by_p = spo.get(s)
            if by_p is None:
                by_p = spo[s] = {}
            objects = by_p.get(p)
            if objects is None:
                objects = by_p[p] = {}
            if o not in objects:
                objects[o] = None
                self._size += 1

    @property
    def _pos(self) -> dict[Node, dict[Node, dict[Node, None]]]:
        if self._built_pos is None:
            self._built_pos = {}
            for s, p, o in self._all():
                self._built_pos.setdefault(p, {}).setdefault(o, {})[s] = None
        return self._built_pos

    @property
    def _osp(self) -> dict[Node, dict[Node, dict[Node, None]]]:
        if self._built_osp is None:
            self._built_osp = {}
            for s, p, o in self._all():
                self._built_osp.setdefault(o, {}).setdefault(s, {})[p] = None
        return self._built_osp

    def _all(self) -> Iterator[Triple]:
        for s, by_p in self._spo.items():
            for p, objects in by_p.items():
                for o in objects:
                    yield s, p, o

    def add(self, triple: Triple, context: Any = None, quoted: bool = False) -> None:
        s, p, o = triple
        objects = self._spo.setdefault(s, {}).setdefault(p, {})
        if o not in objects:
            objects[o] = None
            self._size += 1
            if self._built_pos is not None:
                self._built_pos.setdefault(p, {}).setdefault(o, {})[s] = None
            if self._built_osp is not None:
                self._built_osp.setdefault(o, {}).setdefault(s, {})[p] = None
        super().add(triple, context, quoted)  # tells rdflib's event listeners

    def remove(self, triple_pattern: Any, context: Any = None) -> None:
        for (s, p, o), _ in list(self.triples(triple_pattern)):
            _discard(self._spo, s, p, o)
            if self._built_pos is not None:
                _discard(self._built_pos, p, o, s)
            if self._built_osp is not None:
                _discard(self._built_osp, o, s, p)
            self._size -= 1

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        s, p, o = triple_pattern
        if s is not None:
            by_p = self._spo.get(s)
            if by_p is None:
                return
            if p is not None:
                objects = by_p.get(p)
                if objects is None:
                    return
                if o is not None:
                    if o in objects:
                        yield (s, p, o), _NO_CONTEXTS
                else:
                    for value in list(objects):
                        yield (s, p, value), _NO_CONTEXTS
            else:
                for predicate, objects in list(by_p.items()):
                    if o is not None:
                        if o in objects:
                            yield (s, predicate, o), _NO_CONTEXTS
                    else:
                        for value in list(objects):
                            yield (s, predicate, value), _NO_CONTEXTS
        elif p is not None:
            by_o = self._pos.get(p)
            if by_o is None:
                return
            if o is not None:
                for subject in list(by_o.get(o, ())):
                    yield (subject, p, o), _NO_CONTEXTS
            else:
                for value, subjects in list(by_o.items()):
                    for subject in list(subjects):
                        yield (subject, p, value), _NO_CONTEXTS
        elif o is not None:
            for subject, predicates in list(self._osp.get(o, {}).items()):
                for predicate in list(predicates):
                    yield (subject, predicate, o), _NO_CONTEXTS
        else:
            for subject, by_p in list(self._spo.items()):
                for predicate, objects in list(by_p.items()):
                    for value in list(objects):
                        yield (subject, predicate, value), _NO_CONTEXTS

    def __len__(self, context: Any = None) -> int:
        return self._size

    # Prefixes live in ``namespace_source``: a store of their own, or one shared by
    # every document's graph.
    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        self.namespace_source.bind(prefix, namespace, override=override)

    def prefix(self, namespace: Any) -> str | None:
        return self.namespace_source.prefix(namespace)

    def namespace(self, prefix: str) -> Any:
        return self.namespace_source.namespace(prefix)

    def namespaces(self) -> Iterator[tuple[str, Any]]:
        return self.namespace_source.namespaces()


def _discard(index: dict[Node, dict[Node, dict[Node, None]]], a: Node, b: Node, c: Node) -> None:
    inner = index[a][b]
    del inner[c]
    if not inner:
        del index[a][b]
        if not index[a]:
            del index[a]


class SharedNamespaces(NamespaceManager):
    """Our prefixes, for many graphs at once, remembering which IRIs have no prefix.

    Only made for graphs whose predicates, classes and datatypes all have a prefix
    already (``covering``): serializing them then never invents one (``ns1``), so
    what one graph's serialization leaves behind cannot change another's bytes.
    """

    def __init__(self) -> None:
        super().__init__(bind_prefixes(Graph(store="SimpleMemory", bind_namespaces="core")))
        self._lock = threading.RLock()
        self._unprefixed: set[str] = set()

    @classmethod
    def covering(cls, vocabulary: Iterable[Node]) -> SharedNamespaces | None:
        """A manager that abbreviates all of ``vocabulary`` with our prefixes, else ``None``."""
        namespaces = cls()
        return namespaces if namespaces.covers(vocabulary) else None

    def covers(self, vocabulary: Iterable[Node]) -> bool:
        """Whether our prefixes abbreviate all of ``vocabulary`` (its IRIs; the rest needs none)."""
        for term in vocabulary:
            if not isinstance(term, URIRef):
                continue
            try:
                self.compute_qname(term, generate=False)
            except Exception:  # no prefix for it, or not splittable: rdflib would invent one
                return False
        return True

    def compute_qname(self, uri: str, generate: bool = True) -> tuple[str, URIRef, str]:
        with self._lock:  # rdflib's trie of namespaces is not safe for concurrent updates
            if uri in self._unprefixed:
                raise KeyError(f"No known prefix for {uri} and generate=False")
            try:
                return super().compute_qname(uri, generate=False)
            except KeyError:
                if generate:
                    raise ValueError(f"no prefix for {uri}: shared prefixes are fixed") from None
                self._unprefixed.add(uri)
                raise

    def compute_qname_strict(self, uri: str, generate: bool = True) -> tuple[str, str, str]:
        with self._lock:
            return super().compute_qname_strict(uri, generate)

    def bind(self, prefix: str | None, namespace: Any, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_lock", None) is not None:
            raise TypeError("the prefixes of document graphs are shared and fixed")
        super().bind(prefix, namespace, *args, **kwargs)
