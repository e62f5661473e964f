"""Name blank nodes by their place, so that one description written into two graphs is one.

A blank node's place is the path from an IRI through the predicates that lead to it,
when that path is unique: an author list's cells are reached from the publication by
``bibo:authorList`` and ``rdf:rest`` steps, so the same list in two CVs' graphs gets the
same labels and is one list in the union. ``ldcv.documents`` names blank nodes by the
same scheme (``GraphIndex._bnode_labels``), so a document's labels are the store's.

A blank node that is not the object of exactly one triple, or whose path another blank
node shares, has no place; it gets a label unique to its graph, made from the graph's
IRI and what surrounds the node, so rewriting the same triples gives the same labels.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from rdflib import BNode
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


def place_labels(triples: Iterable[Triple]) -> dict[BNode, BNode | None]:
    """Return a label for each blank node of ``triples`` made from its place, or ``None``."""
    incoming: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    blank: set[BNode] = set()
    for subject, predicate, obj in triples:
        if isinstance(subject, BNode):
            blank.add(subject)
        if isinstance(obj, BNode):
            blank.add(obj)
            incoming[obj].append((subject, predicate))
    paths: dict[Node, str | None] = {}
    for node in blank:
        place_path(node, lambda n: incoming.get(n, ()), paths)
    uses: dict[str, int] = defaultdict(int)
    for found in paths.values():
        if found is not None:
            uses[found] += 1
    return {
        node: None if found is None or uses[found] > 1 else place_label(found)
        for node, found in paths.items()
        if isinstance(node, BNode)
    }


def place_path(
    node: Node,
    pointing_at: Callable[[Node], Sequence[tuple[Node, Node]]],
    paths: dict[Node, str | None],
) -> str | None:
    """The IRI and predicates that reach ``node``, or ``None``; remembered in ``paths``.

    ``pointing_at(n)`` gives the (source, predicate) pairs of the triples whose object is
    ``n``; each blank node on the way up must have exactly one.
    """
    chain: list[tuple[Node, Node]] = []
    current: Node = node
    on_chain: set[Node] = set()
    while isinstance(current, BNode) and current not in paths:
        sources = pointing_at(current)
        if len(sources) != 1 or current in on_chain:
            paths[current] = None
            break
        on_chain.add(current)
        source, predicate = sources[0]
        chain.append((current, predicate))
        current = source
    prefix = paths[current] if isinstance(current, BNode) else current.n3()
    for cell, predicate in reversed(chain):
        prefix = None if prefix is None else f"{prefix} {predicate.n3()}"
        paths[cell] = prefix
    return paths[node]


def place_label(path: str) -> BNode:
    """The label of the blank node at the unique place ``path``."""
    return BNode("n" + _digest(path))


def label_blank_nodes(graph: str, triples: Iterable[Triple]) -> list[Triple]:
    """Return ``triples`` with every blank node named by its place, else uniquely in ``graph``."""
    triples = list(dict.fromkeys(triples))
    labels = place_labels(triples)
    unplaced = {node for node, label in labels.items() if label is None}
    if unplaced:
        labels.update(_graph_labels(graph, triples, labels, unplaced))
    return [
        (labels.get(s, s), p, labels.get(o, o))  # type: ignore[arg-type]
        for s, p, o in triples
    ]


def _graph_labels(
    graph: str, triples: list[Triple], placed: dict[BNode, BNode | None], unplaced: set[BNode]
) -> dict[BNode, BNode]:
    """Label the ``unplaced`` blank nodes by ``graph`` and what surrounds them.

    Colour refinement: each node's colour is the hash of its triples, with the colours of
    unplaced neighbours, until the colours split the nodes no further. Nodes the colours
    cannot tell apart (like two copies of one description) are numbered in the order of
    their parser labels. Unlike rdflib's canonical labels, the cost is bounded: a few
    passes over the triples (one per step of the longest chain of unplaced nodes).
    """
    fixed: dict[Node, str] = {node: label.n3() for node, label in placed.items() if label}
    around: dict[BNode, list[tuple[str, Node]]] = {node: [] for node in unplaced}
    for s, p, o in triples:
        if s in unplaced:
            around[s].append((f"> {p.n3()}", o))  # type: ignore[index]
        if o in unplaced:
            around[o].append((f"< {p.n3()}", s))  # type: ignore[index]
    colours: dict[BNode, str] = dict.fromkeys(unplaced, "")
    count = 1
    while True:
        colours = _refined(colours, around, fixed)
        split = len(set(colours.values()))
        if split == count:
            break
        count = split
    alike: dict[str, list[BNode]] = defaultdict(list)
    for node, colour in colours.items():
        alike[colour].append(node)
    return {
        node: BNode("g" + _digest(f"{graph} {colour} {number}"))
        for colour, nodes in alike.items()
        for number, node in enumerate(sorted(nodes))
    }


def _refined(
    colours: dict[BNode, str], around: dict[BNode, list[tuple[str, Node]]], fixed: dict[Node, str]
) -> dict[BNode, str]:
    def name(term: Node) -> str:
        if term in colours:
            return colours[term]  # type: ignore[index]
        return fixed.get(term) or term.n3()

    return {
        node: _digest(" ".join(sorted(f"{edge} {name(other)}" for edge, other in edges)))
        for node, edges in around.items()
    }


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()
