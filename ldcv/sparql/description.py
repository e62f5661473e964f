"""Describe the endpoint with the SPARQL 1.1 Service Description vocabulary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ldcv.rdf.vocabulary import SD, VOID
from ldcv.sparql.media import RESULT_FORMAT_IRIS

if TYPE_CHECKING:
    from rdflib import Graph


def service_description(
    endpoint_url: str, default_triples: int, named_graphs: dict[str, int] | None = None
) -> Graph:
    """Describe the endpoint with the SPARQL 1.1 Service Description vocabulary."""
    from rdflib import RDF, Graph, Literal, URIRef

    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", "http://www.w3.org/ns/formats/")
    service = URIRef(endpoint_url + "#service")
    dataset = URIRef(endpoint_url + "#dataset")
    default_graph = URIRef(endpoint_url + "#default-graph")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint_url)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for iri in RESULT_FORMAT_IRIS.values():
        graph.add((service, SD.resultFormat, URIRef(iri)))
    simple = URIRef("http://www.w3.org/ns/entailment/Simple")
    graph.add((service, SD.defaultEntailmentRegime, simple))
    graph.add((simple, RDF.type, SD.EntailmentRegime))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, VOID.triples, Literal(default_triples)))
    for index, (name, size) in enumerate(sorted((named_graphs or {}).items())):
        node = URIRef(f"{endpoint_url}#named-graph-{index}")
        described = URIRef(f"{endpoint_url}#named-graph-{index}-graph")
        graph.add((dataset, SD.namedGraph, node))
        graph.add((node, RDF.type, SD.NamedGraph))
        graph.add((node, SD.name, URIRef(name)))
        graph.add((node, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, VOID.triples, Literal(size)))
    return graph


def graph_sizes(graph: Graph) -> tuple[int, dict[str, int]]:
    """Count the default graph's triples and each named graph's."""
    from rdflib import Dataset

    if not isinstance(graph, Dataset):
        return len(graph), {}
    named = {
        str(g.identifier): len(g)
        for g in graph.graphs()
        if g.identifier != graph.default_graph.identifier
    }
    return len(graph.default_graph), named
