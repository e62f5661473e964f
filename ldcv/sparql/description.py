"""Describe the endpoint with the SPARQL 1.1 Service Description vocabulary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ldcv.sparql.media import RESULT_FORMAT_IRIS

if TYPE_CHECKING:
    from rdflib import Graph

SD = "http://www.w3.org/ns/sparql-service-description#"


def service_description(
    endpoint_url: str, default_triples: int, named_graphs: dict[str, int] | None = None
) -> Graph:
    """Describe the endpoint with the SPARQL 1.1 Service Description vocabulary."""
    from rdflib import RDF, Graph, Literal, Namespace, URIRef

    sd = Namespace(SD)
    void = Namespace("http://rdfs.org/ns/void#")
    graph = Graph()
    graph.bind("sd", sd)
    graph.bind("void", void)
    graph.bind("formats", "http://www.w3.org/ns/formats/")
    service = URIRef(endpoint_url + "#service")
    dataset = URIRef(endpoint_url + "#dataset")
    default_graph = URIRef(endpoint_url + "#default-graph")
    graph.add((service, RDF.type, sd.Service))
    graph.add((service, sd.endpoint, URIRef(endpoint_url)))
    graph.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    for iri in RESULT_FORMAT_IRIS.values():
        graph.add((service, sd.resultFormat, URIRef(iri)))
    simple = URIRef("http://www.w3.org/ns/entailment/Simple")
    graph.add((service, sd.defaultEntailmentRegime, simple))
    graph.add((simple, RDF.type, sd.EntailmentRegime))
    graph.add((service, sd.defaultDataset, dataset))
    graph.add((dataset, RDF.type, sd.Dataset))
    graph.add((dataset, sd.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, sd.Graph))
    graph.add((default_graph, void.triples, Literal(default_triples)))
    for index, (name, size) in enumerate(sorted((named_graphs or {}).items())):
        node = URIRef(f"{endpoint_url}#named-graph-{index}")
        described = URIRef(f"{endpoint_url}#named-graph-{index}-graph")
        graph.add((dataset, sd.namedGraph, node))
        graph.add((node, RDF.type, sd.NamedGraph))
        graph.add((node, sd.name, URIRef(name)))
        graph.add((node, sd.graph, described))
        graph.add((described, RDF.type, sd.Graph))
        graph.add((described, void.triples, Literal(size)))
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
