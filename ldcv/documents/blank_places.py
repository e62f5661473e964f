"""Name blank nodes by their place in the graph, one node at a time, as documents meet them.

A blank node's place is the path that reaches it from an IRI: the IRI, then the
predicate of each step. A list cell is the object of exactly one triple (from its owner
or from the cell before it), so the owner's IRI and the predicates on the way name it in
every process, whatever label a parser or the store gave it. A blank node has no place
(``None``) when a step on the way up has not exactly one incoming triple, or when another
blank node has the same path (two blank objects of one subject through one predicate).

Only the triples about a node and those pointing at it are read, so a label costs the
length of the node's path, not a pass over the whole graph: a store answers it with a
few lookups. The labels are those ``ldcv.store.blank_nodes.place_labels`` gives the
whole graph at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rdflib import BNode
from rdflib.term import Node

from ldcv.store.blank_nodes import place_label, place_path

Incoming = Callable[[Node], Sequence[tuple[Node, Node]]]  # node -> (source, predicate) pairs
Objects = Callable[[Node, Node], Sequence[Node]]  # (node, predicate) -> objects


class PlaceLabels:
    """The label of each blank node by its place, worked out when first asked for."""

    def __init__(self, pointing_at: Incoming, objects: Objects) -> None:
        self._pointing_at = pointing_at
        self._objects = objects
        self._paths: dict[Node, str | None] = {}
        self._alike: dict[Node, frozenset[Node]] = {}
        self._labels: dict[Node, BNode | None] = {}

    def label(self, node: BNode) -> BNode | None:
        """``node``'s label by its place, or ``None`` where it has no unique place."""
        if node in self._labels:
            return self._labels[node]
        path = self._path(node)
        found = None
        if path is not None and len(self._same_path(node)) == 1:
            found = place_label(path)
        self._labels[node] = found
        return found

    def _path(self, node: Node) -> str | None:
        """The IRI and predicates that reach ``node``, one step up at a time."""
        return place_path(node, self._pointing_at, self._paths)

    def _same_path(self, node: Node) -> frozenset[Node]:
        """The blank nodes whose path is ``node``'s (``node`` has one): down from the IRI.

        At each step, the blank objects through the step's predicate of the nodes found
        so far that have that one incoming triple; they share the path, so each of them
        remembers the set (a subject with many blank objects is walked once).
        """
        chain: list[tuple[Node, Node]] = []
        current: Node = node
        while isinstance(current, BNode) and current not in self._alike:
            ((source, predicate),) = self._pointing_at(current)  # one: node has a path
            chain.append((current, predicate))
            current = source
        found: frozenset[Node] = (
            self._alike[current] if isinstance(current, BNode) else frozenset((current,))
        )
        for _, predicate in reversed(chain):
            found = frozenset(
                value
                for above in found
                for value in self._objects(above, predicate)
                if isinstance(value, BNode) and len(self._pointing_at(value)) == 1
            )
            for alike in found:
                self._alike[alike] = found
        return self._alike[node]
