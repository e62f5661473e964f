"""Write Turtle fast: rdflib's serializer spends most of a document's time choosing names.

rdflib's ``TurtleSerializer`` re-derives every prefixed name (``get_pname``) and
walks the graph several times for each small document; the static build of 100
CVs spent more time there than in any other format. This writer makes one pass,
looks each IRI up once per prefix table, and writes what rdflib writes: used
prefixes only, subjects grouped, ``a`` for ``rdf:type``, collections as ``( … )``
and blank nodes used once inline as ``[ … ]``. Its output is sorted, so a graph
gives the same bytes whatever the order of its store.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

_FIRST, _REST, _NIL, _TYPE = RDF.first, RDF.rest, RDF.nil, RDF.type
# PN_LOCAL, conservatively: what needs no escape in any Turtle parser.
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?\Z")
_PREFIX = re.compile(r"(?:[A-Za-z][A-Za-z0-9_-]*)?\Z")
_IRI_ESCAPES = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = re.compile(r'[\x00-\x1f"\\\x7f]')
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _iri_ref(iri: str) -> str:
    return "<" + _IRI_ESCAPES.sub(lambda m: f"\\u{ord(m.group()):04X}", iri) + ">"


def _string(text: str) -> str:
    return (
        '"'
        + _STRING_ESCAPES.sub(
            lambda m: _SHORT_ESCAPES.get(m.group(), f"\\u{ord(m.group()):04X}"), text
        )
        + '"'
    )


# IRIs whose prefixed names a table keeps.
NAMES_KEPT = 20_000


class _Names:
    """Prefixed names for one prefix table, each IRI worked out once (the first ``NAMES_KEPT``)."""

    def __init__(self, prefixes: tuple[tuple[str, str], ...]) -> None:
        # Longest namespace first: the most specific prefix wins.
        self._prefixes = sorted(prefixes, key=lambda item: -len(item[1]))
        self._cache: dict[str, tuple[str, str | None]] = {}

    def iri(self, iri: str) -> tuple[str, str | None]:
        """The text for ``iri`` and the prefix it uses (``None``: written in full)."""
        found = self._cache.get(iri)
        if found is None:
            found = (_iri_ref(iri), None)
            for prefix, namespace in self._prefixes:
                if iri.startswith(namespace) and _LOCAL.match(iri, len(namespace)):
                    found = (f"{prefix}:{iri[len(namespace) :]}", prefix)
                    break
            # The first IRIs met (the vocabulary's among them), not a server's lifetime of
            # them: some 300 bytes each, 6 MiB a table (32 tables at most).
            if len(self._cache) < NAMES_KEPT:
                self._cache[iri] = found
        return found


class PrefixedNames:
    """The prefixed names of every document one holder writes (a catalog), by prefix table.

    Documents share their few prefix tables and most of their IRIs: worked out once for
    all of them, the names save a quarter of the writer's time (72 µs a seed document).
    """

    TABLES = 32  # the prefix tables kept; a document with yet another works its names out

    def __init__(self) -> None:
        self._tables: dict[tuple[tuple[str, str], ...], _Names] = {}

    def table(self, prefixes: tuple[tuple[str, str], ...]) -> _Names:
        """The names for the prefix table ``prefixes``."""
        found = self._tables.get(prefixes)
        if found is None:
            found = _Names(prefixes)
            if len(self._tables) < self.TABLES:
                found = self._tables.setdefault(prefixes, found)
        return found


def _term_key(term: Node) -> tuple[int, str]:
    if isinstance(term, URIRef):
        return 0, str(term)
    if isinstance(term, BNode):
        return 2, str(term)
    return 1, f"{term}\x00{term.language or ''}\x00{term.datatype or ''}"


class _Writer:
    def __init__(self, graph: Graph, names: _Names) -> None:
        self.names = names
        self.used: set[str] = set()
        self.about: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        self.uses: dict[BNode, int] = defaultdict(int)
        for s, p, o in graph:
            self.about[s][p].append(o)
            if isinstance(o, BNode):
                self.uses[o] += 1
        self.lists = self._collections()
        self.labels: dict[BNode, str] = {}
        self.inline = {b for b, n in self.uses.items() if n == 1 and b in self.about}
        self.top = self._top_subjects()

    def _collections(self) -> dict[BNode, list[Node]]:
        """Well-formed lists whose head is used once: head -> items (their cells are hidden)."""
        found: dict[BNode, list[Node]] = {}
        for head, uses in self.uses.items():
            if uses != 1:
                continue
            items, cell, seen = [], head, set()
            while cell != _NIL:
                about = self.about.get(cell)
                if (
                    not isinstance(cell, BNode)
                    or cell in seen
                    or about is None
                    or set(about) != {_FIRST, _REST}
                    or len(about[_FIRST]) != 1
                    or len(about[_REST]) != 1
                    or (cell is not head and self.uses[cell] != 1)
                ):
                    break
                seen.add(cell)
                items.append(about[_FIRST][0])
                cell = about[_REST][0]
            else:
                found[head] = items
        return found

    def _top_subjects(self) -> list[Node]:
        """Subjects written as statements; the others appear inline where they are used."""
        hidden = {cell for head in self.lists for cell in self._cells(head)}
        candidates = [s for s in self.about if s not in hidden]
        top = [s for s in candidates if s not in self.inline]
        reached = self._reached(top)
        # Blank nodes used once only from each other (a cycle): write one of them out.
        for node in sorted((s for s in candidates if s not in reached), key=_term_key):
            if node not in reached:
                self.inline.discard(node)
                top.append(node)
                reached |= self._reached([node])
        return sorted(top, key=lambda s: (isinstance(s, BNode), _term_key(s)))

    def _cells(self, head: BNode) -> Iterator[Node]:
        cell: Node = head
        while cell != _NIL:
            yield cell
            cell = self.about[cell][_REST][0]

    def _reached(self, roots: Iterable[Node]) -> set[Node]:
        reached: set[Node] = set()
        pending = list(roots)
        while pending:
            node = pending.pop()
            if node in reached:
                continue
            reached.add(node)
            for values in self.about.get(node, {}).values():
                for value in values:
                    if value in self.lists:
                        pending.extend(self.lists[value])
                    elif value in self.inline:
                        pending.append(value)
        return reached

    def statements(self) -> Iterator[str]:
        for subject in self.top:
            if isinstance(subject, BNode) and self.uses[subject] == 0:
                yield "[] " + self._predicates(subject, "    ") + " .\n"
            else:
                yield self._term(subject, "") + " " + self._predicates(subject, "    ") + " .\n"

    def _predicates(self, subject: Node, indent: str) -> str:
        about = self.about[subject]
        order = sorted(about, key=lambda p: (p != _TYPE, str(p)))
        parts = []
        for predicate in order:
            verb = "a" if predicate == _TYPE else self._term(predicate, indent)
            values = sorted(about[predicate], key=_term_key)
            objects = (",\n" + indent + "    ").join(self._term(o, indent) for o in values)
            parts.append(f"{verb} {objects}")
        return (" ;\n" + indent).join(parts)

    def _term(self, term: Node, indent: str) -> str:
        if isinstance(term, URIRef):
            text, prefix = self.names.iri(str(term))
            if prefix is not None:
                self.used.add(prefix)
            return text
        if isinstance(term, Literal):
            return self._literal(term)
        if term in self.lists:
            return "( " + " ".join(self._term(i, indent) for i in self.lists[term]) + " )"
        if term in self.inline:
            inner = indent + "    "
            return "[ " + self._predicates(term, inner) + " ]"
        if term not in self.about and self.uses[term] == 1:  # type: ignore[index]
            return "[]"
        return self._label(term)

    def _literal(self, literal: Literal) -> str:
        text = _string(str(literal))
        if literal.language:
            return f"{text}@{literal.language}"
        datatype = literal.datatype
        if datatype is None or datatype == XSD.string:
            return text
        return f"{text}^^{self._term(datatype, '')}"

    def _label(self, node: Node) -> str:
        label = self.labels.get(node)  # type: ignore[arg-type]
        if label is None:
            label = self.labels[node] = f"_:b{len(self.labels)}"  # type: ignore[index]
        return label


def turtle(graph: Graph, names: PrefixedNames | None = None) -> str:
    """Serialize ``graph`` as Turtle with the prefixes bound on it (those it uses).

    ``names``: the names its holder worked out for earlier documents (else worked out here).
    """
    bound = tuple(
        sorted(
            (prefix, str(namespace))
            for prefix, namespace in graph.namespaces()
            if _PREFIX.match(prefix)
        )
    )
    writer = _Writer(graph, _Names(bound) if names is None else names.table(bound))
    body = "\n".join(writer.statements())
    namespaces = dict(bound)
    head = "".join(
        f"@prefix {prefix}: {_iri_ref(namespaces[prefix])} .\n" for prefix in sorted(writer.used)
    )
    return head + ("\n" if head and body else "") + body


def turtle_bytes(graph: Graph, names: PrefixedNames | None = None) -> bytes:
    """``turtle`` as UTF-8 bytes."""
    return turtle(graph, names).encode("utf-8")


__all__ = ["PrefixedNames", "turtle", "turtle_bytes"]
