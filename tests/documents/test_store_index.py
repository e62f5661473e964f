"""Documents cut from a store (``ldcv.documents.store_index``): the in-memory cut, node by node."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef

from ldcv.documents.selection import GraphIndex, SharedNamespaces, build_documents
from ldcv.documents.store_index import StoreIndex
from ldcv.rdf.formats import BY_KEY, RDF_FORMATS, serialize
from ldcv.rdf.vocabulary import SDO
from ldcv.store.rdflib_view import UnionView

BASE = "http://cv.example.org"
ADA = URIRef(f"{BASE}/id/person/ada-lovelace")


def store_of(graph: Graph):
    import pyoxigraph as ox

    from ldcv.store.terms import to_oxigraph

    store = ox.Store()
    name = ox.NamedNode("urn:test:cv")
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name) for s, p, o in graph)
    return store


def test_every_seed_document_is_cut_from_the_store_as_in_memory(seed_dataset, seed_store):
    memory = GraphIndex(seed_dataset.graph, seed_dataset.base_uri)
    stored = StoreIndex(UnionView(seed_store), seed_dataset.base_uri)
    for subject in memory.minted_subjects():
        kind, slug = memory.parsed(subject)
        document = URIRef(f"{seed_dataset.base_uri}/doc/{kind}/{slug}")
        assert stored.neighbourhood(subject, document) == memory.neighbourhood(subject, document)
        assert list(stored.document_graph(subject, document)) == list(
            memory.document_graph(subject, document)
        ), subject


def test_the_store_lists_the_minted_subjects_in_order(seed_dataset, seed_store):
    memory = GraphIndex(seed_dataset.graph, seed_dataset.base_uri)
    stored = StoreIndex(UnionView(seed_store), seed_dataset.base_uri)
    assert list(stored.minted_subjects()) == memory.minted_subjects()


def test_a_subject_is_known_with_or_without_a_type_and_an_object_only_is_not(
    overlapping_cv_graphs,
):
    graph = Graph()
    for triple in overlapping_cv_graphs[0]:
        graph.add(triple)
    untyped, named_only = (URIRef(f"{BASE}/id/person/{n}") for n in ("untyped", "named-only"))
    graph.add((untyped, SDO.name, Literal("No type")))
    graph.add((ADA, SDO.knows, named_only))
    stored = StoreIndex(UnionView(store_of(graph)), BASE)
    assert stored.is_subject(ADA) and stored.is_subject(untyped)
    assert not stored.is_subject(named_only)
    assert not stored.is_subject(URIRef(f"{BASE}/id/person/nobody"))


def test_blank_nodes_are_labelled_by_place_as_in_memory(seed_dataset, seed_store):
    memory = GraphIndex(seed_dataset.graph, seed_dataset.base_uri)._bnode_labels()
    labels = StoreIndex(UnionView(seed_store), seed_dataset.base_uri).place_labels()
    assert {node: labels.label(node) for node in memory} == memory


def test_blank_nodes_without_a_place_fall_back_to_canonical_labels_as_in_memory(
    make_fixture_dataset,
):
    dataset = make_fixture_dataset(BASE)
    dataset.graph.parse(
        data="""@prefix schema: <http://schema.org/> .
        <id/person/ada-lovelace> schema:knowsLanguage [ schema:name "Italian" ] ,
                                                       [ schema:name "French" ] .""",
        format="turtle",
        publicID=BASE + "/",
    )
    memory = build_documents(dataset)["/doc/person/ada-lovelace"].graph
    stored = StoreIndex(UnionView(store_of(dataset.graph)), BASE).document_graph(
        ADA, URIRef(f"{BASE}/doc/person/ada-lovelace")
    )
    assert sum(1 for o in stored.objects(None, SDO.knowsLanguage) if isinstance(o, BNode)) == 2
    nt = BY_KEY["nt"]
    assert serialize(stored, nt) == serialize(memory, nt)


def test_a_document_shares_our_prefixes_only_where_they_cover_its_vocabulary(make_fixture_dataset):
    dataset = make_fixture_dataset(BASE)
    odd = URIRef("http://unknown.example/ns#colour")
    dataset.graph.add((ADA, odd, Literal("blue")))
    stored = StoreIndex(UnionView(store_of(dataset.graph)), BASE)
    memory = build_documents(dataset)

    ada = stored.document_graph(ADA, URIRef(f"{BASE}/doc/person/ada-lovelace"))
    society = URIRef(f"{BASE}/id/organization/analytical-society")
    other = stored.document_graph(society, URIRef(f"{BASE}/doc/organization/analytical-society"))
    assert not isinstance(ada.namespace_manager, SharedNamespaces)
    assert isinstance(other.namespace_manager, SharedNamespaces)
    for fmt in RDF_FORMATS:
        assert serialize(ada, fmt) == serialize(memory["/doc/person/ada-lovelace"].graph, fmt)
        expected = memory["/doc/organization/analytical-society"].graph
        assert serialize(other, fmt) == serialize(expected, fmt)


class _CountingView(UnionView):
    """A view counting the triples it reads that point at ``hub`` from anywhere."""

    def __init__(self, store, hub: URIRef) -> None:
        super().__init__(store)
        self.hub = hub
        self.referrers_read = 0

    def union(self, subject=None, predicate=None, obj=None):
        for triple in super().union(subject, predicate, obj):
            if subject is None and obj == self.hub:
                self.referrers_read += 1
            yield triple


def test_a_hubs_pages_read_its_referrers_once_and_then_their_own_links_only():
    from ldcv.documents.paging import PAGE_SIZE
    from ldcv.rdf.vocabulary import RDF

    language = URIRef(f"{BASE}/id/language/de")
    graph = Graph()
    graph.add((language, SDO.name, Literal("German")))
    for n in range(250):
        person = URIRef(f"{BASE}/id/person/speaker-{n:03d}")
        graph.add((person, RDF.type, SDO.Person))
        graph.add((person, SDO.name, Literal(f"Speaker {n:03d}")))
        graph.add((person, SDO.knowsLanguage, language))
    memory = GraphIndex(graph, BASE)
    view = _CountingView(store_of(graph), language)
    stored = StoreIndex(view, BASE)
    document = URIRef(f"{BASE}/doc/language/de")
    for page in (1, 2, 3, 2):
        assert stored.neighbourhood(language, document, page) == memory.neighbourhood(
            language, document, page
        )
    assert stored.incoming_pages(language, document) == 3
    # Page 1 stops reading at the first referrer past a page; the order is one query.
    assert view.referrers_read == PAGE_SIZE + 1
