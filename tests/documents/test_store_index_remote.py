"""Documents cut from a store on a real ``oxigraph serve``: a few requests, the same triples.

A hub's document (a periodical with hundreds of volumes) asks the same of every part and
of every work it lists: each part's description and what points at it, each work's dates
and type, each neighbour's labels. Cut from a remote store, that must cost a few requests
in all, not one or two a node, and give the triples the in-memory cut gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from ldcv.documents.selection import GraphIndex
from ldcv.documents.store_index import StoreIndex
from ldcv.documents.store_reads import RecentReads
from ldcv.rdf.vocabulary import RDF, SDO
from ldcv.store.rdflib_view import UnionView
from ldcv.store.remote_reads import MERGE_GRAPH, RemoteQuads
from ldcv.store.sparql_protocol import SparqlClient
from ldcv.store.terms import to_oxigraph

pytestmark = pytest.mark.slow  # starts `oxigraph serve`

BASE = "http://cv.example.org"
JOURNAL = URIRef(f"{BASE}/id/periodical/journal")
VOLUMES = 250  # more than a request's worth of nodes, and more than a page of links


def hub_graph() -> Graph:
    """A periodical, its volumes (parts), a work in each, and the works' authors."""
    graph = Graph()
    graph.add((JOURNAL, RDF.type, SDO.Periodical))
    graph.add((JOURNAL, SDO.name, Literal("The Journal")))
    for n in range(VOLUMES):
        volume = URIRef(f"{BASE}/id/volume/journal-{n}")
        work = URIRef(f"{BASE}/id/publication/work-{n}")
        author = URIRef(f"{BASE}/id/person/author-{n % 7}")
        graph.add((volume, RDF.type, SDO.PublicationVolume))
        graph.add((volume, SDO.isPartOf, JOURNAL))
        graph.add((volume, SDO.volumeNumber, Literal(str(n))))
        graph.add((work, RDF.type, SDO.ScholarlyArticle))
        graph.add((work, SDO.name, Literal(f"Work {n}")))
        graph.add((work, SDO.datePublished, Literal(f"{1900 + n}")))
        graph.add((work, SDO.isPartOf, volume))
        graph.add((work, SDO.author, author))
        graph.add((author, SDO.name, Literal(f"Author {n % 7}")))
    return graph


@pytest.fixture(scope="module")
def engine(sparql_engines) -> Iterator[Any]:
    """An engine whose merge holds ``hub_graph``."""
    with sparql_engines.oxigraph() as running:
        lines = " ".join(
            f"{to_oxigraph(s)} {to_oxigraph(p)} {to_oxigraph(o)} ." for s, p, o in hub_graph()
        )
        SparqlClient(running.query_url, running.update_url).update(
            f"INSERT DATA {{ GRAPH <{MERGE_GRAPH}> {{ {lines} }} }}"
        )
        yield running


def remote_index(client: SparqlClient) -> StoreIndex:
    """The index a server makes of a remote store."""
    return StoreIndex(RecentReads(UnionView(RemoteQuads(client))), BASE)  # type: ignore[arg-type]


@pytest.mark.parametrize("page", [1, 2, 3])
def test_a_hubs_document_costs_a_few_requests_whatever_its_parts(engine, page, counting_client):
    client = counting_client(engine.query_url)
    index = remote_index(client)
    document = URIRef(f"{BASE}/doc/periodical/journal")
    before = client.queries

    triples = index.neighbourhood(JOURNAL, document, page)

    # Asked node by node, this was two requests or more a volume (250 of them).
    assert client.queries - before <= 12
    assert triples == GraphIndex(hub_graph(), BASE).neighbourhood(JOURNAL, document, page)


def test_a_hubs_document_graph_is_the_one_cut_in_memory(engine):
    index = remote_index(SparqlClient(engine.query_url))
    document = URIRef(f"{BASE}/doc/periodical/journal")

    assert list(index.document_graph(JOURNAL, document)) == list(
        GraphIndex(hub_graph(), BASE).document_graph(JOURNAL, document)
    )


def test_a_store_on_disk_is_not_read_ahead():
    store = ox.Store()
    index = StoreIndex(UnionView(store), BASE)

    assert index.read_together([JOURNAL], [SDO.name]) == {}
