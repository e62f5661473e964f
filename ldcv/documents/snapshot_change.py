"""What changed between two snapshots of a store: the graphs, and the IRIs they name.

A new generation's whole-dataset files (the sitemap's pages, the people index's rows,
VoID's counts) differ from the last generation's only where the graphs that changed
reach: the IRIs minted under the base that they name, before or after the change (as
subject or object), and the triples they hold. The graphs that changed are those the
new record table says were written since (``RecordTable.written_after``) and those the
old snapshot had and the new one has not. Both snapshots must keep the merge of their CV
graphs in their default graph (what the files count and list).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ldcv.rdf.iris import document_path, parse_thing_iri
from ldcv.store.records import read_records
from ldcv.store.union_queries import keeps_merge

MERGE = ox.DefaultGraph()


@dataclass(frozen=True)
class SnapshotChange:
    """The change from snapshot ``old`` to ``new``: ``graphs`` changed, naming ``touched``
    (each minted IRI's document path: the IRI)."""

    old: ox.Store
    new: ox.Store
    graphs: frozenset[str]
    touched: dict[str, str]

    def triples(self) -> set[ox.Triple]:
        """Every triple the changed graphs hold in either snapshot."""
        found = set()
        for graph in self.graphs:
            for store in (self.old, self.new):
                for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
                    found.add(ox.Triple(quad.subject, quad.predicate, quad.object))
        return found


def snapshot_change(
    old: ox.Store, new: ox.Store, new_graphs: Iterable[str], written: Iterable[str], base: str
) -> SnapshotChange | None:
    """The change from ``old`` to ``new`` (whose graphs are ``new_graphs``, those ``written``
    since ``old`` among them), or ``None`` if a snapshot does not keep the merge."""
    if not (keeps_merge(old) and keeps_merge(new)):
        return None
    graphs = set(written) | (set(read_records(old, details_when_asked=True)) - set(new_graphs))
    return SnapshotChange(old, new, frozenset(graphs), _touched(old, new, graphs, base))


def is_subject(store: ox.Store, iri: str) -> bool:
    """Whether ``iri`` is the subject of a triple of the merge of ``store``'s CV graphs."""
    quads = store.quads_for_pattern(ox.NamedNode(iri), None, None, MERGE)
    return next(iter(quads), None) is not None


def _touched(old: ox.Store, new: ox.Store, graphs: Iterable[str], base: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for graph in graphs:
        name = ox.NamedNode(graph)
        for store in (old, new):
            for quad in store.quads_for_pattern(None, None, None, name):
                for term in (quad.subject, quad.object):
                    if isinstance(term, ox.NamedNode):
                        parsed = parse_thing_iri(base, term.value)
                        if parsed is not None:
                            found[document_path(*parsed)] = term.value
    return found
