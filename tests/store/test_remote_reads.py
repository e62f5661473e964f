"""Reading a store on a real ``oxigraph serve``: what a hub's document costs in requests.

A hub (a skill hundreds of people list) is pointed at by hundreds of nodes, and its
document asks each of them for its dates and types. Those questions must cost a few
requests in all, not one a node, and give what the engine holds; a reader that only asks
what points at each hub (the sitemap) must pay nothing more for it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from ldcv.store.remote_reads import MERGE_GRAPH, NODES_PER_REQUEST, RemoteQuads
from ldcv.store.sparql_protocol import SparqlClient

pytestmark = pytest.mark.slow  # each test starts `oxigraph serve`

EX = "https://example.org/id/"
KNOWS = ox.NamedNode("https://schema.org/knowsAbout")
DATE = ox.NamedNode("https://schema.org/startDate")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
NAME = ox.NamedNode("https://schema.org/name")
PERSON = ox.NamedNode("https://schema.org/Person")
SOURCES = 2 * NODES_PER_REQUEST + 50  # three requests' worth of nodes


def hub(n: int) -> ox.NamedNode:
    return ox.NamedNode(f"{EX}skill/hub-{n}")


def source(n: int) -> ox.NamedNode:
    return ox.NamedNode(f"{EX}person/p{n:04d}")


@pytest.fixture(scope="module")
def engine(sparql_engines) -> Iterator[object]:
    """An engine whose merge holds two hubs, each listed by ``SOURCES`` people.

    Every person has a name and a type; every other one a start date (the rest none).
    """
    with sparql_engines.oxigraph() as running:
        lines = []
        for n in range(SOURCES):
            person = source(n)
            lines += [f"{person} {KNOWS} {hub(1)} .", f"{person} {KNOWS} {hub(2)} ."]
            lines += [f"{person} {TYPE} {PERSON} .", f'{person} {NAME} "Person {n}" .']
            if n % 2 == 0:
                lines.append(f'{person} {DATE} "20{n % 100:02d}" .')
        body = "\n".join(lines)
        SparqlClient(running.query_url, running.update_url).update(
            f"INSERT DATA {{ GRAPH <{MERGE_GRAPH}> {{ {body} }} }}"
        )
        yield running


@pytest.fixture
def client(engine, counting_client):
    return counting_client(engine.query_url, engine.update_url)


def pointing_at(quads: RemoteQuads, node: ox.NamedNode) -> list[ox.NamedNode]:
    found = quads.quads_for_pattern(None, None, node, ox.DefaultGraph())
    return [q.subject for q in found]


def values(quads: RemoteQuads, node: ox.NamedNode, predicate: ox.NamedNode) -> list[str]:
    found = quads.quads_for_pattern(node, predicate, None, ox.DefaultGraph())
    return sorted(q.object.value for q in found)


def test_the_dates_and_types_of_a_hubs_sources_cost_a_few_requests(client):
    quads = RemoteQuads(client)
    sources = pointing_at(quads, hub(1))
    assert len(sources) == SOURCES
    before = client.queries

    dates = {node: values(quads, node, DATE) for node in sources}
    types = {node: values(quads, node, TYPE) for node in sources}

    assert client.queries - before == 2 * 3  # two predicates, 200 nodes a request
    assert dates[source(0)] == ["2000"] and dates[source(1)] == []
    assert dates[source(448)] == ["2048"]
    assert all(found == [PERSON.value] for found in types.values())


def test_whole_descriptions_of_a_hubs_sources_are_asked_together(client):
    quads = RemoteQuads(client)
    sources = pointing_at(quads, hub(1))
    before = client.queries

    described = {
        node: sorted((q.predicate.value, q.object.value) for q in quads.statements_about(node))
        for node in sources
    }

    assert client.queries - before == 3
    assert described[source(2)] == sorted(
        [
            (KNOWS.value, hub(1).value),
            (KNOWS.value, hub(2).value),
            (TYPE.value, PERSON.value),
            (NAME.value, "Person 2"),
            (DATE.value, "2002"),
        ]
    )


def test_a_group_one_document_read_is_not_drawn_on_by_the_next(client):
    quads = RemoteQuads(client)
    quads.begin_document()
    sources = pointing_at(quads, hub(1))  # a group: what points at the hub
    quads.begin_document()  # the next document: one of the sources' own
    before = client.queries

    alone = quads.statements_about(sources[0])
    others = [quads.statements_about(node) for node in sources[1:4]]

    # Its description alone; the next three, each alone too: no group of this document.
    assert client.queries - before == 4
    assert NAME in {q.predicate for q in alone}
    assert all(NAME in {q.predicate for q in found} for found in others)

    quads.begin_document()  # a document that reads the group itself batches again
    pointing_at(quads, hub(2))
    before = client.queries
    for node in sources[4:]:
        quads.statements_about(node)
    assert client.queries - before == 3  # the rest of 450, 200 a request


def test_batched_answers_are_those_asked_one_node_at_a_time(client, engine):
    grouped = RemoteQuads(client)
    pointing_at(grouped, hub(1))
    alone = RemoteQuads(SparqlClient(engine.query_url))  # never saw the group

    for n in (0, 1, 7, 250, SOURCES - 1):
        for predicate in (DATE, NAME, TYPE, KNOWS):
            assert values(grouped, source(n), predicate) == values(alone, source(n), predicate)


def test_asking_only_what_points_at_hubs_costs_one_request_a_hub(client):
    quads = RemoteQuads(client)

    for n in (1, 2):
        assert len(pointing_at(quads, hub(n))) == SOURCES

    assert client.queries == 2


def test_a_node_in_no_group_is_asked_about_alone(client):
    quads = RemoteQuads(client)

    assert values(quads, source(3), NAME) == ["Person 3"]
    assert values(quads, source(4), NAME) == ["Person 4"]

    assert client.queries == 2  # its description, then the other's: no batch was guessed


def test_whether_triples_are_there_is_answered_from_one_description(client):
    quads = RemoteQuads(client)
    person = source(6)

    def there(predicate: ox.NamedNode, value: object) -> bool:
        found = quads.quads_for_pattern(person, predicate, value, ox.DefaultGraph())
        return any(True for _ in found)

    assert there(TYPE, PERSON)
    assert there(NAME, ox.Literal("Person 6"))
    assert not there(NAME, ox.Literal("Person 7"))
    assert not there(KNOWS, source(7))
    assert client.queries == 1  # its description, not an ASK a triple


def test_what_points_at_a_node_is_asked_once(client):
    quads = RemoteQuads(client)
    name = ox.Literal("Person 9")

    for _ in range(3):
        found = quads.quads_for_pattern(None, NAME, name, ox.DefaultGraph())
        assert [q.subject for q in found] == [source(9)]
        assert len(pointing_at(quads, hub(2))) == SOURCES

    assert client.queries == 2


def test_reading_ahead_several_predicates_of_many_nodes_costs_a_request_per_share(client):
    quads = RemoteQuads(client)
    nodes = [source(n) for n in range(SOURCES)]

    quads.read_ahead(nodes, [DATE, TYPE])
    assert client.queries == 3  # 200 nodes a request, both predicates in each
    dates = {node: values(quads, node, DATE) for node in nodes}
    types = {node: values(quads, node, TYPE) for node in nodes}

    assert client.queries == 3  # every answer was read ahead
    assert dates[source(0)] == ["2000"] and dates[source(1)] == []
    assert all(found == [PERSON.value] for found in types.values())


def test_reading_ahead_whole_descriptions_gives_what_asking_alone_gives(client, engine):
    quads = RemoteQuads(client)
    alone = RemoteQuads(SparqlClient(engine.query_url))
    nodes = [source(n) for n in (0, 1, 250, SOURCES - 1)]

    quads.read_ahead(nodes)
    assert client.queries == 1
    for node in nodes:
        for predicate in (DATE, NAME, TYPE, KNOWS):
            assert values(quads, node, predicate) == values(alone, node, predicate)

    assert client.queries == 1


def test_reading_ahead_what_points_at_many_nodes_costs_one_request(client, engine):
    quads = RemoteQuads(client)
    alone = RemoteQuads(SparqlClient(engine.query_url))
    nodes = [hub(1), hub(2), source(3)]  # nothing points at a person

    quads.read_ahead_pointing(nodes)
    assert client.queries == 1
    for node in nodes:
        assert sorted(pointing_at(quads, node)) == sorted(pointing_at(alone, node))

    assert client.queries == 1
    assert len(pointing_at(quads, hub(2))) == SOURCES and pointing_at(quads, source(3)) == []


# -- a page's works: author lists and venue chains, read around them -------------------------

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
FIRST, REST, NIL = (ox.NamedNode(RDF + name) for name in ("first", "rest", "nil"))
AUTHOR_LIST = ox.NamedNode("http://purl.org/ontology/bibo/authorList")
PART_OF = ox.NamedNode("https://schema.org/isPartOf")
PUBLISHER = ox.NamedNode("https://schema.org/publisher")
MADE = ox.NamedNode("http://xmlns.com/foaf/0.1/made")  # a link that grows with the dataset
FAMILY = ox.NamedNode("http://schema.org/familyName")  # what a page asks of a named person
WORKS = NODES_PER_REQUEST + 50  # more than a request's worth


def work(n: int) -> ox.NamedNode:
    return ox.NamedNode(f"{EX}publication/w{n:03d}")


def cell(n: int, k: int) -> ox.NamedNode:
    return ox.NamedNode(f"urn:ldcv:blank:w{n:03d}c{k}")  # a blank node, as ldcv writes one


def works_graph() -> list[str]:
    """Works with author lists of one to five cells, each in an issue of a volume of a journal.

    Their authors (the first author made them all) each have a name.
    """
    lines = []
    for n in range(WORKS):
        issue = ox.NamedNode(f"{EX}issue/i{n % 40}")
        volume = ox.NamedNode(f"{EX}volume/v{n % 40 // 4}")
        journal = ox.NamedNode(f"{EX}periodical/j{n % 40 // 20}")
        lines += [f"{work(n)} {TYPE} {PERSON} .", f"{work(n)} {AUTHOR_LIST} {cell(n, 0)} ."]
        lines += [f"{work(n)} {PART_OF} {issue} .", f"{issue} {PART_OF} {volume} ."]
        lines += [f"{volume} {PART_OF} {journal} .", f"{journal} {PUBLISHER} {EX}org/press> ."]
        authors = n % 5 + 1
        for k in range(authors):
            following = cell(n, k + 1) if k + 1 < authors else NIL
            lines += [f"{cell(n, k)} {FIRST} {source(k)} .", f"{cell(n, k)} {REST} {following} ."]
            lines += [f"{source(k)} {MADE} {work(n)} .", f'{source(k)} {NAME} "Person {k}" .']
    lines += [f'{source(k)} {FAMILY} "Family {k}" .' for k in range(5)]
    return [line.replace(f"{EX}org/press> ", f"<{EX}org/press> ") for line in lines]


@pytest.fixture(
    scope="module",
    params=["oxigraph", pytest.param("virtuoso", marks=pytest.mark.virtuoso)],
)
def works_engine(request, sparql_engines) -> Iterator[object]:
    """An engine (of either make) whose merge holds ``works_graph``."""
    start = getattr(sparql_engines, request.param)
    with start() as running:
        body = "\n".join(works_graph())
        SparqlClient(running.query_url, running.update_url).update(
            f"INSERT DATA {{ GRAPH <{MERGE_GRAPH}> {{ {body} }} }}"
        )
        yield running


def around(quads: RemoteQuads, node: object) -> dict[str, list[str]]:
    """What a page reads of a work: its description, its list's cells, its venue chain's."""
    seen: dict[str, list[str]] = {}
    pending = [node]
    while pending:
        current = pending.pop()
        if str(current) in seen:
            continue
        quads_about = list(quads.quads_for_pattern(current, None, None, ox.DefaultGraph()))
        seen[str(current)] = sorted(f"{q.predicate} {q.object}" for q in quads_about)
        followed = (AUTHOR_LIST, REST, PART_OF)
        pending += [q.object for q in quads_about if q.predicate in followed and q.object != NIL]
    return seen


def test_reading_around_works_reads_their_lists_and_venue_chains_in_a_few_requests(
    works_engine, counting_client
):
    client = counting_client(works_engine.query_url)
    quads = RemoteQuads(client)
    alone = RemoteQuads(SparqlClient(works_engine.query_url))
    works = [work(n) for n in range(WORKS)]

    quads.read_ahead_around(works, [PART_OF])
    read = client.queries
    found = {str(w): around(quads, w) for w in works}

    # Node by node, this was two requests or more a work (250 of them).
    assert read <= 11 and client.queries == read
    assert found == {str(w): around(alone, w) for w in works}
    assert len(found[str(work(4))]) == 1 + 5 + 3  # the work, its five cells, its chain


def test_a_list_read_with_a_description_has_its_cells_and_no_more(works_engine, counting_client):
    client = counting_client(works_engine.query_url)
    quads = RemoteQuads(client)
    heads = [ox.BlankNode(cell(n, 0).value.rsplit(":", 1)[1]) for n in range(3, 6)]

    quads.read_ahead(heads)

    assert client.queries == 2  # the heads, then the rest of their lists
    members = [
        [q.object for k in range(n % 5 + 1) for q in quads.quads_for_pattern(
            ox.BlankNode(cell(n, k).value.rsplit(":", 1)[1]), FIRST, None, ox.DefaultGraph())]
        for n in range(3, 6)
    ]  # fmt: skip
    assert client.queries == 2
    assert members == [[source(k) for k in range(n % 5 + 1)] for n in range(3, 6)]


def test_a_person_read_for_another_is_read_for_its_names_types_and_dates_alone(
    works_engine, counting_client
):
    client = counting_client(works_engine.query_url)
    quads = RemoteQuads(client)
    alone = RemoteQuads(SparqlClient(works_engine.query_url))
    quads.read_ahead_around([work(4)], [PART_OF])  # its authors are read for it
    read = client.queries

    # What a page asks of a person another node names (NAMED_READ): no request.
    assert values(quads, source(0), FAMILY) == ["Family 0"] and client.queries == read
    assert values(quads, source(0), TYPE) == [] and client.queries == read
    # The rest (kilobytes for a prolific coauthor) is asked of the engine when asked.
    assert values(quads, source(0), NAME) == ["Person 0"] and client.queries == read + 1
    made = values(quads, source(0), MADE)

    assert client.queries == read + 2
    assert made == values(alone, source(0), MADE) and len(made) == WORKS
    whole = quads.statements_about(source(1))
    assert sorted(map(str, whole)) == sorted(map(str, alone.statements_about(source(1))))
    assert ox.Quad(source(1), FAMILY, ox.Literal("Family 1")) in whole


def test_what_links_many_nodes_to_one_is_read_in_a_request_a_share(works_engine, counting_client):
    client = counting_client(works_engine.query_url)
    quads = RemoteQuads(client)
    issue = ox.NamedNode(f"{EX}issue/i3")
    works = [work(n) for n in range(WORKS)]

    quads.read_ahead_links(works, issue)
    assert client.queries == 2
    linked = [w for w in works if list(quads.quads_for_pattern(w, None, issue, ox.DefaultGraph()))]
    through = list(quads.quads_for_pattern(work(3), PART_OF, issue, ox.DefaultGraph()))

    assert client.queries == 2
    assert linked == [work(n) for n in range(WORKS) if n % 40 == 3]
    assert [q.predicate for q in through] == [PART_OF]
    assert not list(quads.quads_for_pattern(work(3), NAME, issue, ox.DefaultGraph()))


def test_what_links_to_a_node_comes_with_the_values_asked_of_each_in_one_request(
    works_engine, counting_client
):
    client = counting_client(works_engine.query_url)
    quads = RemoteQuads(client)
    alone = RemoteQuads(SparqlClient(works_engine.query_url))
    issue = ox.NamedNode(f"{EX}issue/i3")

    found = quads.sources_with(issue, [PART_OF], [TYPE, AUTHOR_LIST, PUBLISHER])

    assert client.queries == 1
    sources = sorted(
        q.subject for q in alone.quads_for_pattern(None, PART_OF, issue, ox.DefaultGraph())
    )
    assert sorted(found) == sources and len(sources) == len(range(3, WORKS, 40))
    for source_ in sources:
        expected = [
            (q.predicate, q.object)
            for p in (TYPE, AUTHOR_LIST, PUBLISHER)
            for q in alone.quads_for_pattern(source_, p, None, ox.DefaultGraph())
        ]
        assert sorted(map(str, found[source_])) == sorted(map(str, expected))
        assert isinstance(dict(found[source_])[AUTHOR_LIST], ox.BlankNode)  # as ldcv wrote it
        # kept: asking each value again costs nothing, a value the source lacks included
        assert values(quads, source_, TYPE) == [PERSON.value]
        assert values(quads, source_, PUBLISHER) == []
    assert client.queries == 1


def test_a_source_without_the_values_asked_is_still_a_source(works_engine, counting_client):
    quads = RemoteQuads(counting_client(works_engine.query_url))

    found = quads.sources_with(work(4), [MADE, PART_OF], [PUBLISHER])

    assert found == {source(k): [] for k in range(5)}  # its five authors made it


def test_a_groups_members_read_for_their_names_are_not_read_whole_with_another(
    works_engine, counting_client
):
    client = counting_client(works_engine.query_url)
    quads = RemoteQuads(client)
    alone = RemoteQuads(SparqlClient(works_engine.query_url))
    quads.read_ahead_around([work(1)], [PART_OF])  # its two authors, for their names
    quads.read_ahead([ox.BlankNode(cell(4, 0).value.rsplit(":", 1)[1])])  # five authors: a group
    read = client.queries

    whole = quads.statements_about(source(2))  # with the group's unknown members

    assert client.queries == read + 1 and len(whole) > WORKS // 5
    # The two read for their names stay so: their growing links (hundreds of works each
    # for a prolific coauthor) were not read with the others'.
    assert values(quads, source(1), FAMILY) == ["Family 1"] and client.queries == read + 1
    made = {k: values(alone, source(k), MADE) for k in (1, 3)}
    assert values(quads, source(3), MADE) == made[3] and client.queries == read + 1
    assert values(quads, source(1), MADE) == made[1] and client.queries == read + 2
    assert len(made[1]) == WORKS * 4 // 5


def test_several_predicates_of_many_nodes_are_read_as_asked_alone_on_either_engine(
    works_engine, counting_client
):
    client = counting_client(works_engine.query_url)
    quads = RemoteQuads(client)
    alone = RemoteQuads(SparqlClient(works_engine.query_url))
    works = [work(n) for n in range(WORKS)]

    quads.read_ahead(works, [TYPE, PART_OF, PUBLISHER])

    assert client.queries == 2  # 200 nodes a request, the three predicates in each
    for predicate in (TYPE, PART_OF, PUBLISHER):
        assert [values(quads, w, predicate) for w in works] == [
            values(alone, w, predicate) for w in works
        ]
    assert client.queries == 2 and values(quads, work(3), PART_OF) == [f"{EX}issue/i3"]
