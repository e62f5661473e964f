"""What the bibliography reads about a work: here, a thesis's date through its degree."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from ldcv.bibliography.works import thesis_credential, work_date
from ldcv.rdf.vocabulary import RDF, SDO

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
