"""Citation keys: letters where a first author's works share a stem, found cheaply, and the
same wherever the work is listed."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from ldcv.bibliography import keys
from ldcv.bibliography.exports import Bibliographies
from ldcv.bibliography.keys import CitationKeys, citation_key
from ldcv.bibliography.works import works_of
from ldcv.rdf.vocabulary import DCTERMS, RDF, SDO

BASE = "https://example.org/id/"
AUTHOR = URIRef(BASE + "person/ada-lovelace")


def _works(graph: Graph, year: int, titles: list[str]) -> list[URIRef]:
    made = []
    for number, title in enumerate(titles):
        work = URIRef(f"{BASE}publication/lovelace-{year}-{number}")
        graph.add((work, RDF.type, SDO.ScholarlyArticle))
        graph.add((work, SDO.name, Literal(title)))
        graph.add((work, SDO.datePublished, Literal(str(year))))
        graph.add((work, SDO.author, AUTHOR))
        made.append(work)
    return made


@pytest.fixture
def prolific() -> tuple[Graph, list[URIRef]]:
    """An author with two works of 1843 that share a stem, and thirty of other years."""
    graph = Graph()
    graph.add((AUTHOR, RDF.type, SDO.Person))
    graph.add((AUTHOR, SDO.familyName, Literal("Lovelace")))
    rivals = _works(graph, 1843, ["Notes on the Engine", "Notes on the analytical engine"])
    for year in range(1820, 1850):
        if year != 1843:
            _works(graph, year, [f"Notes on topic {year}"])
    return graph, rivals


def test_works_sharing_a_stem_get_letters_in_the_order_of_their_iris(prolific) -> None:
    graph, (first, second) = prolific
    assert citation_key(graph, first) == "lovelace1843notesa"
    assert citation_key(graph, second) == "lovelace1843notesb"


def test_a_key_asks_what_kind_of_work_only_of_its_authors_works_of_that_year(
    prolific, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph, (first, _) = prolific
    asked: list[URIRef] = []
    kind_of = keys.work_kind

    def counting_kind(graph: Graph, work: URIRef) -> str | None:
        asked.append(work)
        return kind_of(graph, work)

    monkeypatch.setattr(keys, "work_kind", counting_kind)
    citation_key(graph, first)
    # On a store every question is a lookup: thirty works of other years are not asked.
    assert sorted(asked) == sorted(prolific[1])


def test_a_key_reads_the_bylines_only_of_works_whose_title_could_end_its_stem(
    prolific, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph, (first, second) = prolific
    others = []
    for word in ("Sketch", "Tables", "Bernoulli"):
        work = URIRef(f"{BASE}publication/lovelace-1843-{word.lower()}")
        graph.add((work, RDF.type, SDO.ScholarlyArticle))
        graph.add((work, SDO.name, Literal(f"{word} of the engine")))
        graph.add((work, SDO.datePublished, Literal("1843")))
        graph.add((work, SDO.author, AUTHOR))
        others.append(work)
    stemmed: list[URIRef] = []
    stem_of = keys.key_stem

    def counting_stem(graph: Graph, work: URIRef) -> str:
        stemmed.append(work)
        return stem_of(graph, work)

    monkeypatch.setattr(keys, "key_stem", counting_stem)
    assert citation_key(graph, first) == "lovelace1843notesa"
    # Three works of 1843 titled otherwise cannot share "lovelace1843notes": never stemmed.
    assert sorted(stemmed) == sorted([first, second]) and not set(stemmed) & set(others)


def test_kept_keys_are_the_keys_made_afresh_for_every_seed_work(seed_dataset):
    graph = seed_dataset.graph
    keys = CitationKeys(graph)
    (owner,) = seed_dataset.owners
    works = works_of(graph, owner)
    assert len(works) > 39  # the publications, theses and patents
    kept = {work: keys.key(work) for work in works}
    assert kept == {work: citation_key(graph, work) for work in works}
    assert len(set(kept.values())) == len(works)
    assert {"binder2016layera", "binder2016layerb"} <= set(kept.values())


def test_a_work_has_its_own_key_in_every_bibliography_that_lists_it(seed_dataset):
    graph = seed_dataset.graph
    bibliographies = Bibliographies(graph)
    (owner,) = seed_dataset.owners
    works = works_of(graph, owner)
    listed = bibliographies.items(owner)  # in the order of ``works_of``
    assert len(listed) == len(works)
    for work, item in zip(works, listed, strict=True):
        (own,) = bibliographies.items(work)
        assert item["id"] == own["id"] == citation_key(graph, work)


def test_few_kept_lists_still_give_the_same_keys(seed_dataset):
    graph = seed_dataset.graph
    (owner,) = seed_dataset.owners
    works = works_of(graph, owner)
    keys = CitationKeys(graph, kept=1)
    assert [keys.key(w) for w in works] == [citation_key(graph, w) for w in works]


@pytest.mark.slow  # starts `oxigraph serve`
def test_on_a_remote_store_a_key_reads_of_the_authors_other_works_only_their_dates(
    prolific, sparql_engines
) -> None:
    import re

    from ldcv.bibliography.works import DATED
    from ldcv.documents.store_reads import RecentReads
    from ldcv.store.rdflib_view import UnionView
    from ldcv.store.remote_reads import MERGE_GRAPH, RemoteQuads
    from ldcv.store.sparql_protocol import SparqlClient
    from ldcv.store.terms import to_oxigraph

    graph, (first, second) = prolific
    thesis = URIRef(BASE + "thesis/ada-lovelace-thesis")  # dated through its author's degree
    graph.add((thesis, RDF.type, SDO.Thesis))
    graph.add((thesis, SDO.name, Literal("Notes of a thesis")))
    graph.add((thesis, SDO.inSupportOf, Literal("Doctor of Mathematics")))
    graph.add((thesis, SDO.author, AUTHOR))
    asked: list[str] = []

    class Recording(SparqlClient):
        def query(self, text, *args, **kwargs):  # records the text, changes nothing
            asked.append(text)
            return super().query(text, *args, **kwargs)

    with sparql_engines.oxigraph() as engine:
        client = Recording(engine.query_url, engine.update_url)
        body = " ".join(" ".join(str(to_oxigraph(t)) for t in triple) + " ." for triple in graph)
        client.update(f"INSERT DATA {{ GRAPH <{MERGE_GRAPH}> {{ {body} }} }}")
        remote = Graph(store=RecentReads(UnionView(RemoteQuads(client))))  # as a server's
        assert citation_key(remote, first) == citation_key(graph, first) == "lovelace1843notesa"

    dated = {str(p) for p in DATED}
    for text in asked:
        named = set(re.findall(rf"<({BASE}(?:publication|thesis)/[^>]+)>", text))
        others = named - {str(first), str(second)}
        if not others:
            continue
        # A work of another year: its date alone (and a thesis's author and school, which
        # date it through the author's degree).
        asked_of_each = re.findall(r"VALUES \?p \{([^}]*)\}", text)  # read_ahead's
        predicates = {p for part in asked_of_each for p in re.findall(r"<([^>]+)>", part)}
        thesis_reads = {str(SDO.author), str(SDO.sourceOrganization)}
        allowed = dated | (thesis_reads if others == {str(thesis)} else set())
        assert predicates and predicates <= allowed, text[:300]


# -- a prolific author on a remote store ------------------------------------------------------


def _prolific_author(graph: Graph, author: URIRef, family: str, others: int) -> list[URIRef]:
    """``author``'s works: four of 1843 whose keys share a stem (one a thesis dated through
    the author's degree, one dated by ``dcterms:issued``, one naming the author as its
    creator), one undated, and ``others`` of other years, two a year; all of them returned."""
    slug = family.lower()
    school = URIRef(BASE + "organization/analytical-society")
    credential = URIRef(f"{BASE}credential/{slug}-doctorate")
    graph.add((author, SDO.familyName, Literal(family)))
    graph.add((author, SDO.hasCredential, credential))
    graph.add((credential, RDF.type, SDO.EducationalOccupationalCredential))
    graph.add((credential, SDO.name, Literal("Doctor of Engines")))
    graph.add((credential, SDO.recognizedBy, school))
    graph.add((URIRef(f"{BASE}role/{slug}-doctorate"), SDO.endDate, Literal("1843-06-30")))

    def work(name: str, title: str, kind: URIRef = SDO.ScholarlyArticle) -> URIRef:
        made = URIRef(f"{BASE}publication/{slug}-{name}")
        graph.add((made, RDF.type, kind))
        graph.add((made, SDO.name, Literal(title)))
        graph.add((made, SDO.author, author))
        return made

    rivals = [work("1843-notes", "Notes on the Engine"), work("1843-more", "Notes, more notes")]
    graph.add((rivals[0], SDO.datePublished, Literal("1843")))
    graph.add((rivals[1], DCTERMS.issued, Literal("1843-10-01")))
    created = URIRef(f"{BASE}publication/{slug}-1843-created")
    graph.add((created, RDF.type, SDO.ScholarlyArticle))
    graph.add((created, SDO.name, Literal("Notes to the translation")))
    graph.add((created, SDO.datePublished, Literal("1843-01")))
    graph.add((created, SDO.creator, author))
    thesis = work("thesis", "Notes of a doctorate", SDO.Thesis)
    graph.add((thesis, SDO.inSupportOf, Literal("Doctor of Engines")))
    graph.add((thesis, SDO.sourceOrganization, school))
    undated = work("undated", "Notes undated")
    tables = work("1843-tables", "Tables of the engine")  # the same year, another stem
    graph.add((tables, SDO.datePublished, Literal("1843")))
    found = [*rivals, created, thesis, undated, tables]
    for n in range(others):
        other = work(f"other-{n}", f"Notes on topic {n}")
        graph.add((other, SDO.datePublished, Literal(str(1500 + n // 2))))
        found.append(other)
    return found


@pytest.fixture
def remote_graph(sparql_engines, counting_client):
    """Put a graph on a fresh ``oxigraph serve``: the graph a server reads it through, and
    the client counting its requests."""
    from ldcv.documents.store_reads import RecentReads
    from ldcv.store.rdflib_view import UnionView
    from ldcv.store.remote_reads import MERGE_GRAPH, RemoteQuads
    from ldcv.store.terms import to_oxigraph

    with sparql_engines.oxigraph() as engine:

        def put(graph: Graph) -> tuple[Graph, object]:
            client = counting_client(engine.query_url, engine.update_url)
            body = " ".join(
                " ".join(str(to_oxigraph(t)) for t in triple) + " ." for triple in graph
            )
            client.update(f"INSERT DATA {{ GRAPH <{MERGE_GRAPH}> {{ {body} }} }}")
            client.queries = 0
            return Graph(store=RecentReads(UnionView(RemoteQuads(client)))), client

        yield put


@pytest.mark.slow  # starts `oxigraph serve`
def test_a_prolific_authors_keys_on_a_remote_store_are_those_in_memory(remote_graph) -> None:
    graph = Graph()
    works = _prolific_author(graph, AUTHOR, "Lovelace", others=300)
    remote, _ = remote_graph(graph)
    in_memory = CitationKeys(graph)

    kept = CitationKeys(remote)  # as a server keeps one

    on_the_engine = {work: kept.key(work) for work in works}

    assert on_the_engine == {work: in_memory.key(work) for work in works}
    # The four of 1843 titled "Notes…" share a stem, the thesis by its degree's end.
    shared = sorted(works[:4])
    assert [on_the_engine[w] for w in shared] == [f"lovelace1843notes{c}" for c in "abcd"]
    assert on_the_engine[works[4]] == "lovelacenotes"  # undated: no year, no rival


@pytest.mark.slow  # starts `oxigraph serve`
def test_on_a_remote_store_a_keys_requests_do_not_grow_with_its_authors_works(
    remote_graph,
) -> None:
    asked = {}
    for others, family in ((20, "Somerville"), (400, "Herschel")):
        graph = Graph()
        author = URIRef(f"{BASE}person/{family.lower()}")
        first = min(_prolific_author(graph, author, family, others)[:4])
        remote, client = remote_graph(graph)
        assert citation_key(remote, first) == f"{family.lower()}1843notesa"
        asked[others] = client.queries
    # The author's works with their dates come in one request, however many they are.
    assert asked[20] == asked[400]
