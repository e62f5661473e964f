"""Who wrote what (``ldcv.bibliography.works``): a person's works with some of their values."""

from __future__ import annotations

from rdflib import Graph

from ldcv.bibliography.works import DATED, written_by, written_with
from ldcv.documents.store_reads import RecentReads
from ldcv.rdf.vocabulary import SDO
from ldcv.store.rdflib_view import UnionView


def _expected(graph: Graph, person) -> dict:
    return {
        work: sorted((p, o) for p in DATED for o in graph.objects(work, p))
        for work in written_by(graph, person)
    }


def test_a_persons_works_come_with_their_dates_in_memory_and_on_disk(
    seed_dataset, overlapping_cv_store
):
    graph = seed_dataset.graph
    (owner,) = seed_dataset.owners
    found = written_with(graph, owner, DATED)
    assert len(found) > 39  # the publications, theses and patents
    assert {w: sorted(pairs) for w, pairs in found.items()} == _expected(graph, owner)
    assert any(p == SDO.inSupportOf for pairs in found.values() for p, _ in pairs)  # theses

    # A store on disk reads them triple by triple (``RecentReads.sources_with`` says None).
    on_disk = Graph(store=RecentReads(UnionView(overlapping_cv_store)))
    assert on_disk.store.sources_with(owner, [SDO.author], DATED) is None
    for person in set(on_disk.objects(None, SDO.author)):
        found = written_with(on_disk, person, DATED)
        assert {w: sorted(pairs) for w, pairs in found.items()} == _expected(on_disk, person)
