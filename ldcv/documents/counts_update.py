"""A new generation's VoID counts: the last generation's, with what the changed graphs changed.

The counts are of the merge of the CV graphs: each predicate's triples, and the classes
(IRIs that are objects of ``rdf:type``). Only triples of the graphs that changed
(``snapshot_change``) can enter or leave the merge, and each does so by being in one
snapshot's merge and not the other's: one lookup in each. A class stays if some triple
of the new merge still types something with it.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from ldcv.documents.snapshot_change import MERGE, SnapshotChange
from ldcv.documents.snapshot_crawler_files import counts_json

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def updated_counts(previous: bytes, change: SnapshotChange) -> bytes:
    """The counts file of ``change.new`` from ``previous``, ``change.old``'s."""
    counted = json.loads(previous)
    predicates: dict[str, int] = dict(counted["predicates"])
    classes = set(counted["classes"])
    typed = set()
    for triple in change.triples():
        delta = _in_merge(change.new, triple) - _in_merge(change.old, triple)
        if delta:
            key = triple.predicate.value
            predicates[key] = predicates.get(key, 0) + delta
            if not predicates[key]:
                del predicates[key]
        if triple.predicate == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            typed.add(triple.object)
    for class_iri in typed:
        used = change.new.quads_for_pattern(None, RDF_TYPE, class_iri, MERGE)
        if next(iter(used), None) is None:
            classes.discard(class_iri.value)
        else:
            classes.add(class_iri.value)
    return counts_json(predicates, classes)


def _in_merge(store: ox.Store, triple: ox.Triple) -> int:
    quads = store.quads_for_pattern(triple.subject, triple.predicate, triple.object, MERGE)
    return 1 if next(iter(quads), None) is not None else 0
