"""Which triples make up each document: the subject, its parts, incoming links, labels."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from ldcv.documents.selection import SharedNamespaces, build_documents, indexed_copy, indexed_graph
from ldcv.rdf.formats import BY_KEY, RDF_FORMATS, serialize
from ldcv.rdf.iris import parse_thing_iri
from ldcv.rdf.vocabulary import BIBO, FOAF, LDCV, RDF, SDO

BASE = "http://cv.example.org"


def iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{BASE}/id/{kind}/{slug}")


@pytest.fixture(scope="module")
def documents(make_fixture_dataset):
    return build_documents(make_fixture_dataset(BASE))


def test_every_minted_subject_has_a_document_in_which_it_is_a_subject(
    documents, make_fixture_dataset
):
    graph = make_fixture_dataset(BASE).graph
    minted = {
        s for s in graph.subjects() if isinstance(s, URIRef) and parse_thing_iri(BASE, str(s))
    }
    by_subject = {d.subject: d for d in documents.values()}
    assert set(by_subject) == minted
    for subject, document in by_subject.items():
        assert (subject, None, None) in document.graph, subject


def test_documents_are_keyed_by_path_with_kind_slug_and_title(documents):
    document = documents["/doc/person/ada-lovelace"]
    assert document.path == "/doc/person/ada-lovelace"
    assert (document.kind, document.slug) == ("person", "ada-lovelace")
    assert document.subject == iri("person", "ada-lovelace")
    assert document.title == "Ada Lovelace"
    assert documents["/doc/role/ada-lovelace-society-analyst"].title == "Analyst"


def test_the_pages_of_the_documents_share_one_index_made_once(documents, make_fixture_dataset):
    from concurrent.futures import ThreadPoolExecutor

    fresh = build_documents(make_fixture_dataset(BASE))
    with ThreadPoolExecutor(8) as pool:  # the first pages of a server, all at once
        made = list(pool.map(lambda _: fresh.page_index(), range(32)))
    assert all(index is made[0] for index in made)
    paths, memo = made[0]
    assert paths == {d.subject: d.path for d in fresh.values()}
    assert memo == {}
    assert documents.page_index()[0] is not paths  # each mapping of documents has its own


def test_owner_document_holds_the_profile_page_triples(documents):
    graph = documents["/doc/person/ada-lovelace"].graph
    page = URIRef(f"{BASE}/doc/person/ada-lovelace")
    assert (page, RDF.type, SDO.ProfilePage) in graph
    assert (page, SDO.mainEntity, iri("person", "ada-lovelace")) in graph


def test_parts_are_described_in_full_in_their_owners_document(documents):
    graph = documents["/doc/person/ada-lovelace"].graph
    role = iri("role", "ada-lovelace-society-analyst")
    assert (role, SDO.roleName, Literal("Analyst")) in graph
    assert (role, SDO.worksFor, iri("organization", "analytical-society")) in graph
    award = iri("award", "ada-lovelace-medal-1844")
    assert (award, LDCV.rank, Literal("1st place")) in graph
    assert (iri("address", "ada-lovelace"), SDO.addressLocality, Literal("London")) in graph


def test_linked_resources_come_with_labels_only(documents):
    graph = documents["/doc/person/ada-lovelace"].graph
    society = iri("organization", "analytical-society")
    assert (society, SDO.name, Literal("Analytical Society")) in graph
    assert (society, RDF.type, SDO.ResearchOrganization) in graph
    # its description stays in its own document
    assert (society, SDO.parentOrganization, None) not in graph


def test_publication_document_keeps_the_author_list_and_names_the_authors(documents):
    graph = documents["/doc/publication/lovelace-1843-notes"].graph
    paper = iri("publication", "lovelace-1843-notes")
    head = graph.value(paper, BIBO.authorList)
    assert isinstance(head, BNode)
    authors = [iri("person", "luigi-menabrea"), iri("person", "ada-lovelace")]
    assert list(graph.items(head)) == authors
    assert (iri("person", "luigi-menabrea"), SDO.name, Literal("Luigi Menabrea")) in graph
    # the venue through its volume (a part) down to the periodical's name
    volume = iri("volume", "scientific-memoirs-3")
    assert (volume, SDO.volumeNumber, Literal("3")) in graph
    periodical = iri("periodical", "scientific-memoirs")
    assert (periodical, SDO.name, Literal("Scientific Memoirs")) in graph


def test_coauthor_document_lists_their_works_with_names_and_dates(documents):
    graph = documents["/doc/person/charles-babbage"].graph
    work = iri("publication", "babbage-1844-script")
    assert (work, SDO.author, iri("person", "charles-babbage")) in graph
    assert (work, SDO.name, Literal("On a Script for the Engine")) in graph
    assert graph.value(work, SDO.datePublished) is not None


def test_organization_document_lists_the_roles_held_there_and_who_held_them(documents):
    graph = documents["/doc/organization/analytical-society"].graph
    role = iri("role", "ada-lovelace-society-analyst")
    assert (role, SDO.worksFor, iri("organization", "analytical-society")) in graph
    assert (role, SDO.roleName, Literal("Analyst")) in graph
    assert (iri("person", "ada-lovelace"), SDO.worksFor, role) in graph
    assert (iri("person", "ada-lovelace"), SDO.name, Literal("Ada Lovelace")) in graph


def test_a_part_has_a_document_of_its_own_naming_its_holder(documents):
    graph = documents["/doc/role/ada-lovelace-society-analyst"].graph
    role = iri("role", "ada-lovelace-society-analyst")
    assert (iri("person", "ada-lovelace"), SDO.worksFor, role) in graph
    assert (iri("person", "ada-lovelace"), FOAF.name, Literal("Ada Lovelace")) in graph


def _nt_digests(documents) -> dict[str, str]:
    return {
        path: hashlib.sha256(serialize(d.graph, BY_KEY["nt"])).hexdigest()
        for path, d in documents.items()
    }


def test_serializations_do_not_depend_on_random_blank_node_labels(make_fixture_dataset):
    # Each parse labels the author-list cells afresh; the documents must not change.
    first = _nt_digests(build_documents(make_fixture_dataset(BASE)))
    second = _nt_digests(build_documents(make_fixture_dataset(BASE)))
    assert first == second


@pytest.mark.slow
def test_serializations_agree_across_processes_with_different_hash_seeds():
    # Gunicorn workers and restarts must send the same bytes, hence the same ETags.
    # A process of its own, with tests/ alone on its path: conftest is tests/conftest.py.
    script = textwrap.dedent(
        f"""
        import hashlib, json, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
        from conftest import build_fixture_dataset
        from ldcv.documents.selection import build_documents
        from ldcv.rdf.formats import RDF_FORMATS, serialize
        from ldcv.pages.render import render_document
        dataset = build_fixture_dataset({BASE!r})
        docs = build_documents(dataset)
        digests = {{p + f.suffix: hashlib.sha256(serialize(d.graph, f)).hexdigest()
                   for p, d in docs.items() for f in RDF_FORMATS}}
        digests.update({{p + ".html": hashlib.sha256(
            render_document(d, dataset, docs).encode()).hexdigest() for p, d in docs.items()}})
        print(json.dumps(digests))
        """
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_seed_every_minted_iri_in_any_document_has_a_document(seed_documents):
    subjects = {d.subject for d in seed_documents.values()}
    for document in seed_documents.values():
        for term in {t for triple in document.graph for t in triple}:
            if isinstance(term, URIRef) and parse_thing_iri(BASE, str(term)):
                assert term in subjects, f"{term} (in {document.path}) has no document"


def test_seed_owner_document_names_every_publication(seed_dataset, seed_documents):
    owner = seed_dataset.cvs[0].owner.key
    graph = seed_documents[f"/doc/person/{owner}"].graph
    for publication in seed_dataset.cvs[0].publications:
        work = iri("publication", publication.key)
        person = iri("person", owner)
        assert (work, None, person) in graph or (person, None, work) in graph
        assert graph.value(work, SDO.name) is not None, work


def test_seed_coauthor_documents_list_their_papers_with_the_owner(seed_dataset, seed_documents):
    cv = seed_dataset.cvs[0]
    coauthor = next(
        p
        for p in cv.people
        if any(a.person == p.key for pub in cv.publications for a in pub.authors)
    )
    graph = seed_documents[f"/doc/person/{coauthor.key}"].graph
    papers = {
        pub.key for pub in cv.publications if any(a.person == coauthor.key for a in pub.authors)
    }
    person = iri("person", coauthor.key)
    for key in papers:
        work = iri("publication", key)
        assert (work, None, person) in graph, work
        assert graph.value(work, SDO.name) is not None, work


# -- the store and the prefixes documents live in ---------------------------------------


def _patterns(graph):
    """Every pattern shape over terms of ``graph``, with one term that is absent."""
    triples = sorted(graph)[:40]
    absent = URIRef("http://absent.example/x")
    for s, p, o in [*triples, (absent, absent, absent)]:
        yield from [
            (s, None, None),
            (None, p, None),
            (None, None, o),
            (s, p, None),
            (s, None, o),
            (None, p, o),
            (s, p, o),
            (None, None, None),
        ]


def test_the_indexed_store_answers_every_pattern_like_rdflibs_store(make_fixture_dataset):
    graph = make_fixture_dataset(BASE).graph
    copy = indexed_copy(graph)
    assert len(copy) == len(graph)
    for pattern in _patterns(graph):
        assert set(copy.triples(pattern)) == set(graph.triples(pattern)), pattern


def test_the_indexed_store_keeps_insertion_order_and_takes_changes():
    a, b, c = (URIRef(f"http://example.org/{n}") for n in "abc")
    graph = indexed_graph([(c, a, b), (a, b, c), (b, c, a)])
    assert list(graph) == [(c, a, b), (a, b, c), (b, c, a)]
    assert set(graph.subjects(a, None)) == {c}  # an index made on first use…
    graph.add((a, a, a))
    assert set(graph.subjects(a, None)) == {c, a}  # …and kept up to date
    graph.remove((c, None, None))
    assert list(graph) == [(a, b, c), (a, a, a), (b, c, a)] and len(graph) == 3
    assert set(graph.subjects(a, None)) == {a} and (c, a, b) not in graph


def test_documents_serialize_as_graphs_with_prefixes_of_their_own(documents):
    # The documents share one namespace manager; what one serialization leaves in it
    # must not change another's bytes.
    from rdflib import Graph

    from ldcv.rdf.vocabulary import bind_prefixes

    for document in documents.values():
        own = bind_prefixes(Graph(store="SimpleMemory", bind_namespaces="core"))
        for triple in document.graph:
            own.add(triple)
        for fmt in RDF_FORMATS:
            assert serialize(document.graph, fmt) == serialize(own, fmt), (document.path, fmt)


def test_shared_prefixes_cover_only_a_known_vocabulary_and_stay_fixed():
    from rdflib import Namespace

    assert SharedNamespaces.covering([SDO.name, RDF.type, FOAF.Person]) is not None
    assert SharedNamespaces.covering([URIRef("http://unknown.example/ns#p")]) is None
    shared = SharedNamespaces.covering([SDO.name])
    with pytest.raises(TypeError):
        shared.bind("ex", Namespace("http://example.org/"))


def test_a_predicate_without_prefix_is_written_in_full_and_leaves_other_documents_alone(
    make_fixture_dataset,
):
    graph = make_fixture_dataset(BASE).graph
    odd = URIRef("http://unknown.example/ns#colour")
    graph.add((iri("person", "ada-lovelace"), odd, Literal("blue")))
    dataset = make_fixture_dataset(BASE)
    dataset = type(dataset)(dataset.cvs, graph, BASE, dataset.modified)
    document = build_documents(dataset)["/doc/person/ada-lovelace"]
    text = serialize(document.graph, BY_KEY["turtle"]).decode()
    assert '<http://unknown.example/ns#colour> "blue"' in text
    for fmt in (BY_KEY["turtle"], BY_KEY["xml"]):
        other = build_documents(dataset)["/doc/organization/analytical-society"]
        written = serialize(other.graph, fmt).decode()
        assert "ns1" not in written and "unknown.example" not in written


def test_blank_nodes_without_a_unique_place_are_labelled_canonically(make_fixture_dataset):
    # Two blank nodes hang off one subject through one predicate: their path does not
    # tell them apart, so the document falls back to canonical labels, stable per parse.
    extra = """
        @prefix schema: <http://schema.org/> .
        <id/person/ada-lovelace> schema:knowsLanguage [ schema:name "Italian" ] ,
                                                       [ schema:name "French" ] .
    """

    def digest() -> str:
        dataset = make_fixture_dataset(BASE)
        dataset.graph.parse(data=extra, format="turtle", publicID=BASE + "/")
        graph = build_documents(dataset)["/doc/person/ada-lovelace"].graph
        assert sum(1 for o in graph.objects(None, SDO.knowsLanguage) if isinstance(o, BNode)) == 2
        return hashlib.sha256(serialize(graph, BY_KEY["nt"])).hexdigest()

    assert digest() == digest()
