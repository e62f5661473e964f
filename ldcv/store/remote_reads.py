"""Read a remote SPARQL store as the documents, crawler files and SPARQL read a store snapshot.

``RemoteQuads`` answers the three calls of a ``pyoxigraph.Store`` that the readers of a
snapshot make — ``quads_for_pattern``, ``query`` and ``dump`` — with SPARQL 1.1 Protocol
requests, so ``UnionView``, ``StoreIndex``, ``union_queries`` and ``StoreEngine`` read a
remote store unchanged. The store's layout (written by ``ldcv.store.remote``) is the
embedded store's: one named graph per CV, the records graph, and the merge of the CV
graphs, which the embedded store keeps in its default graph and a remote store in the
named graph ``MERGE_GRAPH`` (a remote default graph is the union of every graph on some
engines); the default graph of every read here is that one.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

import pyoxigraph as ox

from ldcv.store.records import RECORDS_GRAPH
from ldcv.store.remote_terms import (
    from_remote,
    json_results_from_remote,
    lines_from_remote,
    to_remote,
)
from ldcv.store.sparql_protocol import (
    ANSWER_TYPES,
    N_TRIPLES,
    SPARQL_JSON,
    SparqlClient,
    StoreRefused,
)

MERGE_GRAPH = "urn:ldcv:store:merge"
GENERATION_GRAPH = "urn:ldcv:store:generation"
OWN_GRAPHS = (RECORDS_GRAPH, MERGE_GRAPH, GENERATION_GRAPH)
NO_GRAPH = "urn:ldcv:store:none"  # never written: an empty graph on any engine
# A whole-graph read goes in pages: a caller that wants only the first quad gets it cheaply.
FIRST_PAGE, LAST_PAGE = 1, 50_000
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_REST, _NIL = ox.NamedNode(_RDF + "rest"), ox.NamedNode(_RDF + "nil")
_FIRST = ox.NamedNode(_RDF + "first")
_TYPE = ox.NamedNode(_RDF + "type")
_FOLLOWED_LEVELS = 5  # how far ``read_ahead_around`` follows (a venue chain is 3 long)
# The links that grow with the dataset (a person's works and coauthors, a skill's sets: up
# to hundreds each at 1,000 CVs; every other predicate of a node stays under thirty). A node
# read only because another names it is kept whole if it has none of them; if it has (a
# person), only what a page asks of a person another node names is read of it (NAMED_READ,
# kept by (node, predicate), and (_NAMED, node) says so): its other triples (a coauthor's
# roles, skills, credentials: kilobytes each, for dozens of coauthors on a profile) are
# asked of the engine if ever needed.
GROWING_LINKS = tuple(
    ox.NamedNode(iri)
    for iri in (
        "http://xmlns.com/foaf/0.1/made",
        "http://xmlns.com/foaf/0.1/knows",
        "http://schema.org/inDefinedTermSet",
    )
)
# What the 200 documents of bench/remote_documents.py (1,000 CVs, HTML and Turtle) asked of
# such nodes: types, labels, names, dates, and the credentials that date a thesis.
NAMED_READ = tuple(
    ox.NamedNode(iri)
    for iri in (
        _RDF + "type",
        "http://schema.org/name",
        "http://xmlns.com/foaf/0.1/name",
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://schema.org/roleName",
        "http://schema.org/familyName",
        "http://schema.org/givenName",
        "http://schema.org/datePublished",
        "http://schema.org/startDate",
        "http://schema.org/endDate",
        "http://purl.org/dc/terms/issued",
        "http://purl.org/dc/terms/date",
        "http://schema.org/hasCredential",
    )
)
_NAMED = "named"
_LINKS = "links"  # kept: (_LINKS, subject, object) → the (predicate, object) pairs linking them
_GROWS = ox.NamedNode("urn:ldcv:store:grows")  # in an answer: the node has that growing link
# Bound once a node, before its triples are read: whether it has a growing link.
_GROWN = (
    f"BIND(EXISTS {{ {' UNION '.join(f'{{ ?s {p} ?x }}' for p in GROWING_LINKS)} }} AS ?grown) "
)
_NAMED_ONLY = (
    f"FILTER(?p NOT IN ({', '.join(str(p) for p in GROWING_LINKS)}) && "
    f"(!?grown || ?p IN ({', '.join(str(p) for p in NAMED_READ)})))"
)
VIRTUOSO_ASK = "__ASK_RETVAL"
GRAPH_TYPES = f"{N_TRIPLES}, text/plain;q=0.5"
NODES_PER_REQUEST = 200  # a VALUES list of nodes to describe in one request
GROUPS_KEPT = 8  # the latest answers whose nodes are asked about together
_POINTING = "pointing at"  # kept: (_POINTING, predicate or None, node) → (subject, predicate)
DESCRIBED_TRIPLES_KEPT = 100_000  # some 30 MiB: the neighbourhoods of recent documents
_ROLES = ("s", "p", "o", "g")


class RemoteTriples:
    """A CONSTRUCT or DESCRIBE answer, as ``pyoxigraph.QueryTriples`` offers it to its readers."""

    def __init__(self, ntriples: bytes) -> None:
        self.ntriples = ntriples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES))

    def serialize(self, output: Any = None, format: Any = ox.RdfFormat.N_TRIPLES) -> Any:
        """Write the triples in ``format`` to ``output`` (or return the bytes)."""
        if format == ox.RdfFormat.N_TRIPLES:
            if output is None:
                return self.ntriples
            output.write(self.ntriples)
            return None
        return ox.serialize(iter(self), output, format)


class RemoteQuads:
    """The read-only calls of a ``pyoxigraph.Store``, answered by a SPARQL store over HTTP.

    A document asks about a node, then about each node it names (their types, labels,
    dates): hundreds of lookups, each a round trip. So asking for a node's description
    brings, in the same request, the descriptions of the nodes it names (and in one more
    the cells of the lists among them), and those are kept (up to ``kept`` triples, the
    least recently used going first) for the questions that follow.

    A hub's document asks the same of each of the hundreds of nodes pointing at it, and a
    work's page of each of its authors. So the nodes of an answer to "what points at X",
    and the members of the lists a description brought, are remembered as a group (the latest
    ``GROUPS_KEPT``), and the first question about a member is asked of the group's other
    unknown members in the same request: for the one predicate asked (their dates, their
    types), or for their whole descriptions. A whole-site reader, which asks what points
    at each hub but nothing about the members, pays nothing for it. The store does not
    change under one ``RemoteQuads``: a server makes a new one for each generation.
    """

    def __init__(self, client: SparqlClient, kept: int = DESCRIBED_TRIPLES_KEPT) -> None:
        self.client = client
        # node → its (predicate, object) pairs; (node, predicate) → the pairs through it;
        # (_POINTING, predicate, node) → the (subject, predicate) pairs of triples naming it.
        self._described: OrderedDict[Any, list[tuple[Any, Any]]] = OrderedDict()
        self._kept_triples = 0
        self._limit = kept
        self._groups: deque[_Group] = deque(maxlen=GROUPS_KEPT)
        self._lock = threading.Lock()
        self._document = threading.local()  # .scope: the document this thread reads for

    def begin_document(self) -> None:
        """Start one document's reads in this thread: no earlier document's group is drawn on.

        A group a document made (what points at a prolific author: their hundreds of works)
        would otherwise have the next document, one of those works, read the descriptions
        of the hundreds with its own (700 kB for a work's page, where 200 do).
        """
        self._document.scope = object()

    # -- pyoxigraph.Store's reading calls ------------------------------------------------

    def quads_for_pattern(
        self, subject: Any = None, predicate: Any = None, obj: Any = None, graph: Any = None
    ) -> Iterator[ox.Quad]:
        """Yield the quads matching the pattern; the default graph is the merge."""
        if subject is not None and obj is None and isinstance(graph, ox.DefaultGraph):
            if predicate is not None:
                through = self._through(subject, predicate)
                if through is not None:
                    for _, o in through:
                        yield ox.Quad(subject, predicate, o)
                    return
            description = self._description(subject, neighbours=predicate is None)
            for p, o in description:
                if predicate is None or p == predicate:
                    yield ox.Quad(subject, p, o)
            return
        if subject is not None and obj is not None and isinstance(graph, ox.DefaultGraph):
            # Is this triple there? What is known of the subject says (or will, for next time).
            with self._lock:
                links = self._described.get((_LINKS, subject, obj))
            if links is not None:
                yield from (ox.Quad(subject, p, obj) for p, _ in links if predicate in (None, p))
                return
            through = self._through(subject, predicate) if predicate is not None else None
            if through is None:
                through = self._description(subject, neighbours=False)
            for p, o in through:
                if o == obj and (predicate is None or p == predicate):
                    yield ox.Quad(subject, p, o)
            return
        if subject is None and obj is not None and isinstance(graph, ox.DefaultGraph):
            yield from self._pointing_at(predicate, obj)
            return
        yield from self._matching(subject, predicate, obj, graph)

    def statements_about(self, subject: Any) -> list[ox.Quad]:
        """The merge's quads about ``subject`` alone (a list it heads comes along, kept)."""
        pairs = self._description(subject, neighbours=False)
        return [ox.Quad(subject, p, o) for p, o in pairs]

    def read_ahead(self, subjects: Iterable[Any], predicates: Sequence[Any] | None = None) -> None:
        """Read in as few requests as may be what will be asked of ``subjects``.

        Through ``predicates`` (their labels, their dates), or their whole descriptions
        with ``None``: a document asks the same of each node it lists, one by one.
        """
        with self._lock:
            if predicates is None:
                unknown = [s for s in dict.fromkeys(subjects) if _unknown(s, self._described)]
            else:
                unknown = [
                    s
                    for s in dict.fromkeys(subjects)
                    if _unknown(s, self._described)
                    and any((s, p) not in self._described for p in predicates)
                ]
        for start in range(0, len(unknown), NODES_PER_REQUEST):
            asked = unknown[start : start + NODES_PER_REQUEST]
            if predicates is None:
                self._fetch(asked, "", False)
                continue
            # Each node with each predicate, paired in a subquery: a VALUES list of the pairs
            # is nodes × predicates long (100 kB of query for 200 nodes and 5 predicates,
            # twice the engine's time), and two VALUES lists joined outside a subquery take
            # oxigraph seconds. Not ?p filtered: a person's hundreds of works would be read.
            nodes = " ".join(str(to_remote(n)) for n in asked)
            chosen = " ".join(f"<{p.value}>" for p in predicates)
            pattern = (
                f"{{ SELECT ?s ?p WHERE {{ VALUES ?s {{ {nodes} }} VALUES ?p {{ {chosen} }} }} }} "
                "?s ?p ?o"
            )
            found: dict[Any, list[tuple[Any, Any]]] = {
                (node, p): [] for node in asked for p in predicates
            }
            for s, p, o in self._graph_answer(pattern, "?s ?p ?o"):
                if (s, p) in found:
                    found[s, p].append((p, o))
            self._keep(found)

    def sources_with(
        self, obj: Any, links: Sequence[Any], predicates: Sequence[Any]
    ) -> dict[Any, list[tuple[Any, Any]]]:
        """What links to ``obj`` through any of ``links``, each with its ``predicates``' values.

        One request, however many the sources (a prolific author's hundreds of works, for
        their dates): the engine filters each source's own triples, where ``read_ahead``
        would send a pair for each source and predicate (116 kB of query for 400 works).
        Meant for sources that are not hubs: each one's triples are scanned. The values
        are kept, as ``read_ahead`` keeps them; what points at ``obj`` is not (its order
        would be this answer's).
        """
        target = str(to_remote(obj))
        chosen = ", ".join(f"<{p.value}>" for p in predicates)
        pattern = (
            f"VALUES ?l {{ {' '.join(f'<{link.value}>' for link in links)} }} ?s ?l {target} "
            f"OPTIONAL {{ ?s ?p ?o FILTER(?p IN ({chosen})) }} "
            # The link itself only for a source without those values (``?none`` is never
            # bound: the IF fails, ?link stays unbound): half the answer for dated works.
            "BIND(IF(BOUND(?p), ?none, ?l) AS ?link)"
        )
        found: dict[Any, dict[tuple[Any, Any], None]] = {}
        for s, p, o in self._graph_answer(pattern, f"?s ?p ?o . ?s ?link {target}"):
            pairs = found.setdefault(s, {})
            if p in predicates:
                pairs[p, o] = None  # each once: a source linked twice comes in two solutions
        sources = {s: list(pairs) for s, pairs in found.items()}
        self._keep(
            {
                (s, p): [(q, o) for q, o in pairs if q == p]
                for s, pairs in sources.items()
                for p in predicates
            }
        )
        return sources

    def read_ahead_around(self, subjects: Iterable[Any], follow: Sequence[Any] = ()) -> None:
        """Read in as few requests as may be the descriptions a page reads around ``subjects``.

        Theirs, those of the nodes they name (with the cells of the lists among them: a
        work's author list), and of the nodes reached from those through ``follow``, level by
        level (a work's venue chain: issue, volume, periodical): a page listing works asks
        each of these node by node. The classes nodes are typed with are not read.
        """
        level = list(dict.fromkeys(subjects))
        self.read_ahead(level, None)
        named = self._named_by(level, None)
        self._read_briefly(named)
        self._read_briefly(self._named_by(self._cells(named), None))  # the lists' members
        reached: dict[Any, None] = {}  # through ``follow``: a venue chain
        for _ in range(_FOLLOWED_LEVELS):
            level = [n for n in self._named_by(level, follow) if n not in reached]
            if not level:
                break
            reached.update(dict.fromkeys(level))
            self.read_ahead(level, None)
        # and what the chain names (a book's publisher and place)
        self._read_briefly(self._named_by(reached, None))

    def _read_briefly(self, nodes: Iterable[Any]) -> None:
        """Keep the brief descriptions of those of ``nodes`` not known at all."""
        with self._lock:
            unknown = [n for n in dict.fromkeys(nodes) if _unnamed(n, self._described)]
        for start in range(0, len(unknown), NODES_PER_REQUEST):
            self._fetch(unknown[start : start + NODES_PER_REQUEST], "", False, brief=True)

    def _cells(self, heads: Iterable[Any]) -> list[Any]:
        """The cells kept of the lists starting at any of ``heads``."""
        found: dict[Any, None] = {}
        with self._lock:
            for head in heads:
                cell = head
                while cell not in found:
                    pairs = self._described.get(cell, ())
                    if not any(p == _FIRST for p, _ in pairs):
                        break
                    found[cell] = None
                    cell = next((o for p, o in pairs if p == _REST), _NIL)
        return list(found)

    def _named_by(self, nodes: Iterable[Any], through: Sequence[Any] | None) -> list[Any]:
        """The nodes (not literals) that what is kept of ``nodes`` names through ``through``
        (``None``: any predicate but ``rdf:type``)."""
        found: dict[Any, None] = {}
        with self._lock:
            for node in nodes:
                kept = self._described.get(node, ())
                for p, o in kept:
                    if isinstance(o, ox.Literal) or o == _NIL:
                        continue
                    if (p != _TYPE) if through is None else (p in through):
                        found[o] = None
        return list(found)

    def read_ahead_links(self, subjects: Iterable[Any], obj: Any) -> None:
        """Read in one request a share what links each of ``subjects`` to ``obj``.

        A hub's page asks it of the hundred nodes it lists: their descriptions would bring
        their growing links too (a coauthor's hundreds of works).
        """
        with self._lock:
            unknown = [
                s for s in dict.fromkeys(subjects) if (_LINKS, s, obj) not in self._described
            ]
        target = to_remote(obj)
        for start in range(0, len(unknown), NODES_PER_REQUEST):
            asked = unknown[start : start + NODES_PER_REQUEST]
            values = " ".join(str(to_remote(n)) for n in asked)
            found: dict[Any, list[tuple[Any, Any]]] = {(_LINKS, s, obj): [] for s in asked}
            for s, p, _ in self._graph_answer(
                f"VALUES ?s {{ {values} }} ?s ?p {target}", f"?s ?p {target}"
            ):
                found[_LINKS, s, obj].append((p, obj))
            self._keep(found)

    def read_ahead_pointing(self, objects: Iterable[Any]) -> None:
        """Read in as few requests as may be what points at each of ``objects``."""
        with self._lock:
            unknown = [
                o
                for o in dict.fromkeys(objects)
                if not isinstance(o, ox.Literal) and (_POINTING, None, o) not in self._described
            ]
        for start in range(0, len(unknown), NODES_PER_REQUEST):
            asked = unknown[start : start + NODES_PER_REQUEST]
            values = " ".join(str(to_remote(n)) for n in asked)
            found: dict[Any, list[tuple[Any, Any]]] = {(_POINTING, None, o): [] for o in asked}
            for s, p, o in self._graph_answer(f"VALUES ?o {{ {values} }} ?s ?p ?o", "?s ?p ?o"):
                found[_POINTING, None, o].append((s, p))
            self._keep(found)

    def _pointing_at(self, predicate: Any, obj: Any) -> list[ox.Quad]:
        """The merge's quads with object ``obj`` (through ``predicate``), kept for next time."""
        key = (_POINTING, predicate, obj)
        with self._lock:
            kept = self._described.get(key)
            if kept is not None:
                self._described.move_to_end(key)
        if kept is None:
            quads = list(self._matching(None, predicate, obj, ox.DefaultGraph()))
            kept = [(q.subject, q.predicate) for q in quads]
            self._keep({key: kept})
        self._remember_group([s for s, _ in kept])
        return [ox.Quad(s, p, obj) for s, p in kept]

    def _remember_group(self, nodes: Iterable[Any]) -> None:
        """Keep the nodes of one answer, to ask about them together when one is asked about."""
        members = dict.fromkeys(n for n in nodes if not isinstance(n, ox.Literal))
        group = _Group(members, getattr(self._document, "scope", None))
        if len(group.members) > 1:
            with self._lock:
                self._groups.append(group)

    def _group_of(self, node: Any) -> _Group | None:
        """The latest group of this thread's document holding ``node`` (with the lock held)."""
        scope = getattr(self._document, "scope", None)
        for group in reversed(self._groups):
            if group.scope is scope and node in group.members:
                return group
        return None

    def _unknown_fellows(self, node: Any, key: Callable[[Any], Any]) -> list[Any]:
        """``node`` and the unknown members (by ``key``) of the latest group holding it."""
        with self._lock:
            group = self._group_of(node)
            if group is None:
                return [node]
            fellows = [n for n in group.members if n != node and key(n) not in self._described]
        return [node, *fellows[: NODES_PER_REQUEST - 1]]

    def _through(self, subject: Any, predicate: Any) -> list[tuple[Any, Any]] | None:
        """What the merge says about ``subject`` through ``predicate``, if known or grouped.

        ``None``: ``subject`` is in no group and not known; its description answers.
        """
        with self._lock:
            key = subject if subject in self._described else (subject, predicate)
            found = self._described.get(key)
            if found is not None:
                self._described.move_to_end(key)
                return [(p, o) for p, o in found if p == predicate]
        asked = self._unknown_fellows(subject, lambda n: (n, predicate))
        if len(asked) == 1:
            return None
        values = " ".join(str(to_remote(n)) for n in asked)
        pattern = f"VALUES ?s {{ {values} }} ?s <{predicate.value}> ?o"
        through: dict[Any, list[tuple[Any, Any]]] = {node: [] for node in asked}
        for s, p, o in self._graph_answer(pattern, f"?s <{predicate.value}> ?o"):
            if s in through:
                through[s].append((p, o))
        self._keep({(node, predicate): pairs for node, pairs in through.items()})
        return through[subject]

    def _description(self, subject: Any, *, neighbours: bool) -> list[tuple[Any, Any]]:
        """What the merge says about ``subject``; with ``neighbours``, fetch theirs as well.

        One request at most: the node (with its group's unknown members) and the nodes it
        names when it is not known yet, else those of the nodes it names that are not
        known yet.
        """
        with self._lock:
            found = self._described.get(subject)
            if found is not None:
                self._described.move_to_end(subject)
        if found is None:
            # Not the fellows a page read for their names (NAMED_READ): their whole
            # descriptions would bring their growing links (a coauthor's hundreds of works).
            labelled = self._described  # read under the lock, in _unknown_fellows
            asked = self._unknown_fellows(
                subject, lambda n: (_NAMED, n) if (_NAMED, n) in labelled else n
            )
            node = str(to_remote(subject))
            named = f"{node} ?via ?s FILTER(!isLiteral(?s))" if neighbours else ""
            return self._fetch(asked, named, neighbours)[subject]
        if neighbours:
            with self._lock:  # (the classes it is typed with are not read: none is asked)
                # Each once: a work names each author twice (schema:author, foaf:maker).
                missing = list(
                    dict.fromkeys(
                        o
                        for p, o in found
                        if p != _TYPE and o != _NIL and _unnamed(o, self._described)
                    )
                )
            for start in range(0, len(missing), NODES_PER_REQUEST):
                self._fetch(missing[start : start + NODES_PER_REQUEST], "", False, brief=True)
        return found

    def _fetch(
        self, asked: list[Any], more: str, with_named: bool, *, brief: bool = False
    ) -> dict[Any, list[tuple[Any, Any]]]:
        """Keep the descriptions of the nodes ``asked`` and of the cells of the lists they name.

        ``more``: a further pattern binding ?s (the nodes the first one names, read
        briefly), or "". ``with_named``: ``more`` gives the nodes the first node names, so
        any of those it gives nothing for says nothing. ``brief``: the nodes asked too (a
        node without growing links is kept whole either way). Return what was read.
        """
        values = f"VALUES ?s {{ {' '.join(str(to_remote(n)) for n in asked)} }} "
        described: dict[Any, list[tuple[Any, Any]]] = {node: [] for node in asked}
        whole = [] if brief else [f"{values}?s ?p ?o"]
        briefly = ([values] if brief else []) + ([f"{more} "] if more else [])
        branches = whole + [f"{b}{_GROWN}?s ?p ?o {_NAMED_ONLY}" for b in briefly]
        grows = self._read_descriptions(branches, described, briefly)
        for node in [n for n in described if n in grows and (brief or n not in asked)]:
            pairs = described.pop(node)  # what NAMED_READ gives, and that alone
            described.update({(node, p): [(q, o) for q, o in pairs if q == p] for p in NAMED_READ})
            described[_NAMED, node] = []
        with self._lock:
            tails = {
                o
                for pairs in described.values()
                for p, o in pairs
                if p == _REST and o != _NIL and o not in described and o not in self._described
            }
        if tails:  # the rest of each list named (an author list's cells) in one more request
            values = " ".join(str(to_remote(n)) for n in tails)
            # The walk starts from a triple, not from VALUES alone: Virtuoso 7 refuses a
            # transitive walk from a list of several values, and from one walks the graph.
            self._read_descriptions(
                [
                    f"VALUES ?tail {{ {values} }} ?tail <{_FIRST.value}> ?member . "
                    f"?tail <{_REST.value}>* ?s . ?s ?p ?o"
                ],
                described,
            )
        # A node named but saying nothing (an IRI from elsewhere) is known to say nothing.
        silent = {
            value
            for node in (asked[:1] if with_named else ())
            for _, value in described[node]
            if not isinstance(value, ox.Literal)
            and value not in described
            and (_NAMED, value) not in described
        }
        self._keep(described, silent)
        # The members of the lists read (a work's authors) are shown together: a group.
        self._remember_group(o for pairs in described.values() for p, o in pairs if p == _FIRST)
        return described

    def _keep(
        self, described: Mapping[Any, list[tuple[Any, Any]]], silent: Iterable[Any] = ()
    ) -> None:
        """Remember ``described`` (and nodes known to say nothing), within the bound."""
        with self._lock:
            for node in silent:
                if node not in self._described:
                    self._described[node] = []
                    self._kept_triples += 1
            for node, pairs in described.items():
                kept = self._described.pop(node, None)
                if kept is not None:
                    self._kept_triples -= len(kept) + 1
                self._described[node] = pairs
                self._kept_triples += len(pairs) + 1
            while self._kept_triples > self._limit and len(self._described) > 1:
                _, dropped = self._described.popitem(last=False)
                self._kept_triples -= len(dropped) + 1

    def _read_descriptions(
        self,
        branches: Sequence[str],
        described: dict[Any, list[tuple[Any, Any]]],
        briefly: Sequence[str] = (),
    ) -> set[Any]:
        """Add to ``described`` the triples ``branches`` give (patterns binding ?s ?p ?o).

        ``briefly``: patterns binding ?s to nodes read without their growing links; return
        those of them that have some (the others' descriptions are whole).
        """
        # Each branch whole: Virtuoso 7 answers nothing to `{ VALUES … } UNION { … } ?s ?p ?o`.
        marks = ", ".join(str(p) for p in GROWING_LINKS)
        branches = [
            *branches,
            *(
                f"SELECT DISTINCT ?s ?grows WHERE {{ {b}?s ?grows ?x FILTER(?grows IN ({marks})) }}"
                for b in briefly
            ),
        ]
        pattern = " UNION ".join(f"{{ {b} }}" for b in branches)
        pairs: dict[Any, dict[tuple[Any, Any], None]] = {}
        grows: set[Any] = set()
        for s, p, o in self._graph_answer(pattern, f"?s ?p ?o . ?s {_GROWS} ?grows"):
            if p == _GROWS:
                grows.add(s)
            else:
                pairs.setdefault(s, {})[p, o] = None  # each once, as SELECT DISTINCT gave them
        for s, found in pairs.items():
            described.setdefault(s, []).extend(found)
        return grows

    def _graph_answer(self, pattern: str, template: str) -> Iterator[tuple[Any, Any, Any]]:
        """The triples ``CONSTRUCT { template }`` gives for ``pattern`` in the merge.

        A graph answer, not a results table: N-Triples parse many times faster.
        """
        query = f"CONSTRUCT {{ {template} }} WHERE {{ GRAPH <{MERGE_GRAPH}> {{ {pattern} }} }}"
        answer = self.client.query(query, accept=GRAPH_TYPES)
        if answer.media_type in ("text/turtle", "application/x-turtle"):
            syntax = ox.RdfFormat.TURTLE
        else:
            syntax = ox.RdfFormat.N_TRIPLES
        for triple in ox.parse(answer.body, format=syntax):
            yield from_remote(triple.subject), triple.predicate, from_remote(triple.object)

    def _matching(self, subject: Any, predicate: Any, obj: Any, graph: Any) -> Iterator[ox.Quad]:
        """Ask the store for the quads matching the pattern."""
        fixed = dict(zip(_ROLES[:3], (subject, predicate, obj), strict=True))
        terms = {role: f"?{role}" if t is None else str(to_remote(t)) for role, t in fixed.items()}
        pattern = f"{terms['s']} {terms['p']} {terms['o']}"
        if graph is None:
            own = ", ".join(f"<{g}>" for g in (MERGE_GRAPH, GENERATION_GRAPH))
            where = f"GRAPH ?g {{ {pattern} }} FILTER(?g NOT IN ({own}))"
        else:
            name = MERGE_GRAPH if isinstance(graph, ox.DefaultGraph) else graph.value
            where = f"GRAPH <{name}> {{ {pattern} }}"
        open_roles = [r for r in _ROLES[:3] if fixed[r] is None] + (["g"] if graph is None else [])
        if not open_roles:
            query = f"ASK {{ {where} }}"
            if self._ask(query):
                yield ox.Quad(subject, predicate, obj, _graph_term(graph, None))
            return
        select = f"SELECT {' '.join('?' + r for r in open_roles)} WHERE {{ {where} }}"
        pages = subject is None and predicate is None and obj is None
        for row in self._rows(select, paged=pages):
            s, p, o = (
                fixed[role] if fixed[role] is not None else from_remote(row[role])
                for role in _ROLES[:3]
            )
            yield ox.Quad(s, p, o, _graph_term(graph, row["g"] if graph is None else None))

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        default_graph: Any = None,
        named_graphs: Sequence[Any] | None = None,
        use_default_graph_as_union: bool = False,
        graph_answer: bool = False,
    ) -> Any:
        """Evaluate ``query`` on the store: ``QuerySolutions``, ``QueryBoolean`` or triples.

        ``graph_answer``: the query is a CONSTRUCT or DESCRIBE (Virtuoso would answer one
        in a results table if results were acceptable).
        """
        if use_default_graph_as_union:
            raise ValueError("a remote store's default graph is its merge already")
        if default_graph is None:
            default_names = [MERGE_GRAPH]
        else:
            defaults = default_graph if isinstance(default_graph, list | tuple) else [default_graph]
            # No graph at all is an empty default graph, not the engine's own default.
            default_names = [_graph_iri(g) for g in defaults] or [NO_GRAPH]
        # No named graph at all is one that does not exist: Virtuoso reads every graph as
        # a named graph when the request names none.
        named = [_graph_iri(g) for g in named_graphs or ()] or [NO_GRAPH]
        if base_iri is not None:
            query = f"BASE <{base_iri}>\n{query}"
        try:
            accept = GRAPH_TYPES if graph_answer else ANSWER_TYPES
            answer = self.client.query(query, default_names, named, accept=accept)
        except StoreRefused as error:
            raise SyntaxError(str(error)) from error  # as pyoxigraph reports a bad query
        if answer.media_type in (N_TRIPLES, "text/plain"):
            return RemoteTriples(lines_from_remote(answer.body))
        if answer.media_type in ("text/turtle", "application/x-turtle"):
            triples = ox.parse(answer.body, format=ox.RdfFormat.TURTLE)
            plain = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES) or b""
            return RemoteTriples(lines_from_remote(plain))
        return parse_results(json_results_from_remote(answer.body))

    def dump(
        self,
        output: IO[bytes] | None = None,
        format: ox.RdfFormat = ox.RdfFormat.N_QUADS,
        *,
        from_graph: Any = None,
        prefixes: Mapping[str, str] | None = None,
        base_iri: str | None = None,
    ) -> bytes | None:
        """Serialize one graph (the default graph: the merge) in ``format``."""
        if from_graph is None:
            raise ValueError("a remote store is dumped one graph at a time")
        name = _graph_iri(from_graph)
        answer = self.client.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}",
            accept=GRAPH_TYPES,
            timeout=max(self.client.timeout, 600.0),  # a whole dataset: minutes, not seconds
        )
        ntriples = lines_from_remote(answer.body)
        if format == ox.RdfFormat.N_TRIPLES and not prefixes:
            if output is None:
                return ntriples
            output.write(ntriples)
            return None
        triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
        named = {"prefixes": dict(prefixes)} if prefixes else {}
        return ox.serialize(triples, output, format, **named)

    # -- the requests ----------------------------------------------------------------

    def _ask(self, query: str) -> bool:
        answer = self.client.query(query, accept=SPARQL_JSON)
        return bool(parse_results(answer.body))

    def _rows(self, select: str, *, paged: bool) -> Iterator[dict[str, Any]]:
        if not paged:
            yield from self._solutions(select)
            return
        offset, size = 0, FIRST_PAGE
        while True:
            page = self._solutions(f"{select} OFFSET {offset} LIMIT {size}")
            yield from page
            if len(page) < size:
                return
            offset += size
            size = min(size * 100, LAST_PAGE)

    def _solutions(self, select: str) -> list[dict[str, Any]]:
        """The rows of a SELECT, as plain mappings (pyoxigraph's may not cross threads)."""
        answer = self.client.query(select, accept=SPARQL_JSON)
        results = parse_results(answer.body)
        names = [variable.value for variable in results.variables]
        return [{name: row[name] for name in names} for row in results]


class _Group:
    """Nodes one answer gave together (what points at a hub, a page's works)."""

    def __init__(self, members: dict[Any, None], scope: object | None) -> None:
        self.members = members
        self.scope = scope  # the document it was read for (``begin_document``), if any


def _unknown(term: Any, described: Mapping[Any, Any]) -> bool:
    """Whether ``term``'s whole description is not kept."""
    return not isinstance(term, ox.Literal) and term not in described


def _unnamed(term: Any, described: Mapping[Any, Any]) -> bool:
    """Whether neither ``term``'s whole description nor what NAMED_READ reads of it is kept."""
    return _unknown(term, described) and (_NAMED, term) not in described


def parse_results(data: bytes) -> Any:
    """Parse SPARQL JSON results; an ASK answer given as a one-row table is read as a boolean.

    Virtuoso 7 answers ASK in JSON with a variable ``__ASK_RETVAL`` bound to 1 or 0 (or no
    row) instead of ``"boolean"``.
    """
    if VIRTUOSO_ASK.encode() in data[:200]:
        results = json.loads(data)
        if results.get("head", {}).get("vars") == [VIRTUOSO_ASK]:
            rows = results.get("results", {}).get("bindings", [])
            answer = bool(rows) and rows[0].get(VIRTUOSO_ASK, {}).get("value") not in ("0", "")
            data = json.dumps({"head": {}, "boolean": answer}).encode()
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)


def _graph_iri(graph: Any) -> str:
    if isinstance(graph, ox.DefaultGraph):
        return MERGE_GRAPH
    return graph.value if isinstance(graph, ox.NamedNode) else str(graph)


def _graph_term(graph: Any, found: Any) -> Any:
    """The graph name of a quad read back: the merge is the default graph, as in a snapshot."""
    name = found if graph is None else graph
    if name is None or isinstance(name, ox.DefaultGraph):
        return ox.DefaultGraph()
    if name.value == MERGE_GRAPH:
        return ox.DefaultGraph()
    return name
