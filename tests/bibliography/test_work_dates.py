"""What the bibliography reads about a work: a thesis's date through its degree, and a
person's works with their dates (``written_with``)."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ldcv.bibliography.works import (
    DATED,
    thesis_credential,
    work_date,
    written_by,
    written_with,
)
from ldcv.documents.store_reads import RecentReads
from ldcv.rdf.vocabulary import RDF, SDO
from ldcv.store.rdflib_view import UnionView

PHD_THESIS = "/id/thesis/sebastian-lapuschkin-tu-berlin-phd-thesis"
PHD = "/id/credential/sebastian-lapuschkin-tu-berlin-phd"


def _with_rival_degree(seed_graph: Graph, base: str) -> Graph:
    """The seed graph and a second person holding the same degree from the same school,
    under an IRI that sorts before the owner's, whose studies ended in 1999."""
    graph = Graph()
    for triple in seed_graph:
        graph.add(triple)
    owner_credential = URIRef(base + PHD)
    rival = URIRef(f"{base}/id/person/aaron-aal")
    credential = URIRef(f"{base}/id/credential/aaron-aal-tu-berlin-phd")
    role = URIRef(f"{base}/id/role/aaron-aal-tu-berlin-phd")
    graph.add((rival, RDF.type, SDO.Person))
    graph.add((rival, SDO.hasCredential, credential))
    graph.add((credential, RDF.type, SDO.EducationalOccupationalCredential))
    for predicate in (SDO.name, SDO.recognizedBy):
        graph.add((credential, predicate, graph.value(owner_credential, predicate)))
    graph.add((rival, SDO.alumniOf, role))
    graph.add((role, SDO.endDate, Literal("1999")))
    return graph


def test_a_thesis_is_dated_by_its_authors_degree(seed_graph):
    thesis = URIRef("http://example.org" + PHD_THESIS)
    assert thesis_credential(seed_graph, thesis) == URIRef("http://example.org" + PHD)
    assert work_date(seed_graph, thesis) == "2018"


def test_another_persons_degree_of_the_same_name_and_school_does_not_date_a_thesis(seed_graph):
    base = "http://example.org"
    graph = _with_rival_degree(seed_graph, base)
    thesis = URIRef(base + PHD_THESIS)
    assert thesis_credential(graph, thesis) == URIRef(base + PHD)
    assert work_date(graph, thesis) == "2018"


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
