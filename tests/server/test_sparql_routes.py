"""The endpoint over HTTP: real clients, protocol details, the query page, safety.

Servers are real: the SPARQL blueprint in a bare Flask app on a free local port, once per
engine.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper

from ldcv.rdf.formats import with_charset
from ldcv.server.sparql_routes import TRUNCATED_HEADER, start_endpoint, stop_endpoint
from ldcv.sparql import (
    ENGINES,
    example_queries,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BENCH = Path(__file__).resolve().parents[2] / "bench" / "sparql.py"
SCHEMA = "http://schema.org/"
VOID = "http://rdfs.org/ns/void#"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def served_graph(seed_graph: Graph) -> Graph:
    graph = Graph()
    graph += seed_graph
    graph.parse(FIXTURES / "sparql-hostile.ttl", format="turtle")
    return graph


@pytest.fixture(scope="module", params=ENGINES)
def sparql_server(
    request: pytest.FixtureRequest, served_graph: Graph, start_server, make_sparql_app
) -> Iterator:
    """The SPARQL blueprint alone, serving ``served_graph`` with each engine in turn."""
    engine = request.param
    make = lambda base: make_sparql_app(served_graph, base, LDCV_SPARQL_ENGINE=engine)  # noqa: E731
    with start_server.app(make) as server:
        yield server
        stop_endpoint(server.app)


def _endpoint(server) -> str:
    return server.url("/sparql")


# --- the endpoint over HTTP: real clients ---------------------------------------------------------


def _wrapper(server, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(_endpoint(server))
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


@pytest.mark.slow
def test_sparqlwrapper_json(sparql_server) -> None:
    result = _wrapper(sparql_server, COUNT_ALL, JSON).query().convert()
    assert int(result["results"]["bindings"][0]["n"]["value"]) > 2000


@pytest.mark.slow
def test_sparqlwrapper_xml_over_post(sparql_server) -> None:
    client = _wrapper(sparql_server, COUNT_ALL, XML)
    client.setMethod(POST)
    document = client.query().convert()
    assert int(document.getElementsByTagName("literal")[0].firstChild.data) > 2000


@pytest.mark.parametrize(("fmt", "separator"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_and_tsv(sparql_server, fmt: str, separator: str) -> None:
    query = f"SELECT ?s ?n {{ ?s <{SCHEMA}familyName> ?n }} ORDER BY ?s LIMIT 2"
    text = _wrapper(sparql_server, query, fmt).query().convert().decode("utf-8")
    lines = text.splitlines()
    assert lines[0] in ("s,n", "?s\t?n") and len(lines) == 3
    assert all(line.count(separator) == 1 for line in lines)


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD])
def test_sparqlwrapper_construct(sparql_server, fmt: str) -> None:
    query = f"CONSTRUCT {{ ?s <{SCHEMA}name> ?n }} WHERE {{ ?s <{SCHEMA}familyName> ?n }}"
    client = _wrapper(sparql_server, query, fmt)
    client.setRequestMethod(POSTDIRECTLY)
    client.setMethod(POST)
    result = client.query().convert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    assert len(graph) > 10
    assert all(str(p) == SCHEMA + "name" for p in graph.predicates())


def test_rdflib_sparqlstore(sparql_server, served_graph: Graph) -> None:
    remote = Graph(store=SPARQLStore(_endpoint(sparql_server)))
    names = {row[0] for row in remote.query(f"SELECT ?n {{ ?s <{SCHEMA}familyName> ?n }}")}
    assert Literal("Samek") in names
    article = URIRef(SCHEMA + "ScholarlyArticle")
    from rdflib import RDF

    remote_articles = set(remote.subjects(RDF.type, article))
    assert remote_articles == set(served_graph.subjects(RDF.type, article))


# --- the endpoint over HTTP: protocol details -----------------------------------------------------


def test_unknown_parameters_are_ignored(sparql_server) -> None:
    params = {"query": "ASK {}", "format": "json", "output": "json", "results": "json", "x": "1"}
    response = requests.get(_endpoint(sparql_server), params=params, timeout=30)
    assert response.status_code == 200 and response.json()["boolean"] is True


@pytest.mark.parametrize(
    ("query", "accept", "media_type"),
    [
        (COUNT_ALL, None, "application/sparql-results+json"),
        (COUNT_ALL, "*/*", "application/sparql-results+json"),
        (COUNT_ALL, "text/csv", "text/csv"),
        (COUNT_ALL, "application/sparql-results+xml;q=0.5, text/tab-separated-values",
         "text/tab-separated-values"),
        (COUNT_ALL, "application/json", "application/sparql-results+json"),
        ("ASK {}", "application/xml", "application/sparql-results+xml"),
        ("CONSTRUCT WHERE { ?s a ?t } LIMIT 2", None, "text/turtle"),
        ("CONSTRUCT WHERE { ?s a ?t } LIMIT 2", "*/*", "text/turtle"),
        ("DESCRIBE <http://example.org/id/person/wojciech-samek>", "application/ld+json",
         "application/ld+json"),
        ("CONSTRUCT WHERE { ?s a ?t } LIMIT 2", "application/n-triples", "application/n-triples"),
        ("CONSTRUCT WHERE { ?s a ?t } LIMIT 2", "application/rdf+xml", "application/rdf+xml"),
    ],
)  # fmt: skip
def test_results_by_negotiation(
    sparql_server, query: str, accept: str | None, media_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = requests.get(
        _endpoint(sparql_server), params={"query": query}, headers=headers, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == with_charset(media_type)  # +xml types too
    assert "Accept" in response.headers["Vary"]


def test_nothing_acceptable_is_406_listing_formats(sparql_server) -> None:
    response = requests.get(
        _endpoint(sparql_server),
        params={"query": "ASK {}"},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


def test_relative_iris_resolve_against_the_endpoint(sparql_server) -> None:
    response = requests.get(
        _endpoint(sparql_server),
        params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"Accept": "application/rdf+xml"},
        timeout=30,
    )
    graph = Graph().parse(data=response.content, format="xml")
    assert (URIRef(sparql_server.url("/s")), URIRef(sparql_server.url("/p")), Literal(1)) in graph


def test_syntax_error_is_400_with_the_parser_message(sparql_server) -> None:
    response = requests.get(
        _endpoint(sparql_server), params={"query": "SELECT * WHERE { ?s ?p }"}, timeout=30
    )
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert len(response.text.strip()) > 10 and "Traceback" not in response.text


def test_body_over_the_limit_is_413(sparql_server) -> None:
    query = "ASK {}" + " " * (70 * 1024)
    response = requests.post(
        _endpoint(sparql_server),
        data=query,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 413


def test_query_string_over_the_limit_is_414(sparql_server) -> None:
    response = requests.get(
        _endpoint(sparql_server), params={"query": "ASK {}" + "#" * (70 * 1024)}, timeout=30
    )
    assert response.status_code == 414


def test_update_parameter_is_403(sparql_server) -> None:
    response = requests.post(_endpoint(sparql_server), data={"update": "CLEAR ALL"}, timeout=30)
    assert response.status_code == 403 and "read-only" in response.text


@pytest.mark.slow
def test_truncated_results_say_so(served_graph: Graph, start_server, make_sparql_app) -> None:
    make = lambda base: make_sparql_app(served_graph, base, LDCV_SPARQL_MAX_ROWS=4)  # noqa: E731
    with start_server.app(make) as server:
        try:
            response = requests.get(
                _endpoint(server), params={"query": "SELECT * { ?s ?p ?o }"}, timeout=30
            )
            assert len(response.json()["results"]["bindings"]) == 4
            assert response.headers[TRUNCATED_HEADER] == "max-rows=4"
            small = requests.get(
                _endpoint(server), params={"query": "SELECT * { ?s ?p ?o } LIMIT 2"}, timeout=30
            )
            assert TRUNCATED_HEADER not in small.headers
        finally:
            stop_endpoint(server.app)


# --- the query page -------------------------------------------------------------------------------

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_query_page_shows_results_as_an_escaped_table(sparql_server) -> None:
    query = "SELECT ?p ?o { <http://example.org/id/publication/hostile> ?p ?o } ORDER BY ?p"
    response = requests.get(
        _endpoint(sparql_server), params={"query": query}, headers={"Accept": BROWSER}, timeout=30
    )
    assert response.status_code == 200
    page = response.text
    assert "<table>" in page and '<th scope="col">p</th>' in page
    assert "&lt;/td&gt;&lt;script&gt;" in page
    assert "<script" not in page
    assert 'href="javascript:' not in page
    assert " style=" not in page and " onclick=" not in page


def test_query_page_lists_the_example_queries_as_links(sparql_server) -> None:
    page = requests.get(_endpoint(sparql_server), headers={"Accept": BROWSER}, timeout=30).text
    for example in example_queries():
        assert example.title.replace('"', "&#34;") in page
    assert page.count("/sparql?query=") >= len(example_queries())


def test_query_page_shows_a_syntax_error(sparql_server) -> None:
    response = requests.get(
        _endpoint(sparql_server), params={"query": "ASK {"}, headers={"Accept": BROWSER}, timeout=30
    )
    assert response.status_code == 400
    assert "could not be answered" in response.text and "ASK {" in response.text


# --- safety: no fetching, timeouts ----------------------------------------------------------------


class Listener:
    """A TCP listener on a free local port that records every connection it accepts."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.1)
        self.port = self.socket.getsockname()[1]
        self.connections: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, address = self.socket.accept()
            except TimeoutError:
                continue
            self.connections.append(address)
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def test_the_listener_does_notice_a_connection(listener: Listener) -> None:
    # The proof below is only as good as the listener: show it sees a real connection.
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5):
        pass
    for _ in range(50):
        if listener.connections:
            break
        threading.Event().wait(0.05)
    assert listener.connections


def test_no_query_makes_the_server_connect_anywhere(sparql_server, listener: Listener) -> None:
    remote = f"http://127.0.0.1:{listener.port}"
    refused = [
        f"SELECT * {{ SERVICE <{remote}/> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE SILENT <{remote}/> {{ ?s ?p ?o }} }}",
        f"ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{remote}/> {{ ?s ?p ?o }} }} }}",
    ]
    local_only = [
        f"SELECT * FROM <{remote}/x> {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{remote}/x> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * {{ GRAPH <{remote}/x> {{ ?s ?p ?o }} }}",
        f"DESCRIBE <{remote}/x>",
    ]
    for query in refused:
        response = requests.get(_endpoint(sparql_server), params={"query": query}, timeout=30)
        assert response.status_code == 403, (query, response.text)
    for query in local_only:
        response = requests.get(_endpoint(sparql_server), params={"query": query}, timeout=30)
        assert response.status_code == 200, (query, response.text)
    response = requests.get(
        _endpoint(sparql_server),
        params={
            "query": COUNT_ALL,
            "default-graph-uri": f"{remote}/d",
            "named-graph-uri": f"{remote}/n",
        },
        timeout=30,
    )
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "0"
    for update in (f"LOAD <{remote}/x>", f"LOAD <{remote}/x> INTO GRAPH <urn:g>"):
        response = requests.post(_endpoint(sparql_server), data={"update": update}, timeout=30)
        assert response.status_code == 403
        response = requests.post(_endpoint(sparql_server), data={"query": update}, timeout=30)
        assert response.status_code == 400
    assert listener.connections == []


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.slow
def test_runaway_query_is_stopped_while_others_are_answered(
    served_graph: Graph, engine: str, start_server, make_sparql_app
) -> None:
    config = {"LDCV_SPARQL_ENGINE": engine, "LDCV_SPARQL_TIMEOUT": 2, "LDCV_SPARQL_WORKERS": 2}
    with start_server.app(lambda base: make_sparql_app(served_graph, base, **config)) as server:
        try:
            url = _endpoint(server)
            with ThreadPoolExecutor(2) as warm:  # start both workers
                list(warm.map(lambda _: requests.get(url, params={"query": "ASK {}"}), range(4)))
            outcome: dict[str, requests.Response] = {}
            runaway = threading.Thread(
                target=lambda: outcome.update(r=requests.get(url, params={"query": RUNAWAY}))
            )
            runaway.start()
            answered = [
                requests.get(url, params={"query": COUNT_ALL}, timeout=30) for _ in range(5)
            ]
            still_running = runaway.is_alive()
            runaway.join(60)
            assert still_running, "the other queries should finish while the runaway runs"
            assert all(r.status_code == 200 for r in answered)
            stopped = outcome["r"]
            assert stopped.status_code == 503
            assert "did not finish within 2 s" in stopped.text
            assert "Retry-After" not in stopped.headers
            # The worker was replaced: as many parallel queries as workers all succeed.
            with ThreadPoolExecutor(2) as pool:
                after = list(
                    pool.map(lambda _: requests.get(url, params={"query": COUNT_ALL}), range(4))
                )
            assert [r.status_code for r in after] == [200] * 4
            state = server.app.extensions["ldcv.sparql"]
            assert state.pool.stats.timeouts == 1 and state.pool.stats.restarts == 1
        finally:
            stop_endpoint(server.app)


@pytest.mark.parametrize(
    "query",
    [
        f"CONSTRUCT {{ ?s <{SCHEMA}name> ?n }} WHERE {{ ?s <{SCHEMA}familyName> ?n }}",
        "DESCRIBE ?p WHERE { ?p a <http://xmlns.com/foaf/0.1/Person> } LIMIT 3",
    ],
)
def test_json_ld_graph_answers_read_offline_as_their_turtle(
    sparql_server, query: str, no_network: None
) -> None:
    def answer(accept: str) -> requests.Response:
        return requests.post(
            _endpoint(sparql_server), data={"query": query}, headers={"Accept": accept}, timeout=30
        )

    jsonld = answer("application/ld+json")
    assert jsonld.headers["Content-Type"].startswith("application/ld+json")
    from_jsonld = Graph().parse(data=jsonld.text, format="json-ld")
    from_turtle = Graph().parse(data=answer("text/turtle").text, format="turtle")
    assert len(from_jsonld) > 0
    assert isomorphic(from_jsonld, from_turtle)


# --- a store snapshot: the workers open it, a newer one replaces them ----------------------------


@pytest.mark.slow
def test_a_store_snapshot_is_answered_from_the_store_and_a_newer_one_restarts_the_workers(
    overlapping_store, tmp_path: Path, make_sparql_app
) -> None:
    from ldcv.store.disk import Snapshot

    app = make_sparql_app(Graph(), "http://localhost")  # nothing in memory: only the store
    client = app.test_client()
    graphs = {"query": "SELECT ?g { GRAPH ?g { } } ORDER BY ?g"}
    with overlapping_store.open_snapshot() as snapshot:
        app.extensions["ldcv.snapshot"] = snapshot
        try:
            answered = client.get("/sparql", query_string=graphs, headers={"Accept": "text/csv"})
            assert answered.text.split() == [
                "g",
                "https://example.org/doc/person/ada-lovelace",
                "https://example.org/doc/person/charles-babbage",
            ]
            first = start_endpoint(app)
            shutil.copytree(snapshot.path, tmp_path / "newer")
            with Snapshot(tmp_path / "newer", snapshot.generation + 1) as newer:
                app.extensions["ldcv.snapshot"] = newer
                assert client.get("/sparql", query_string=graphs).status_code == 200
                second = start_endpoint(app)
                retired = (first.pool._closed, second.pool._closed)
                described = client.get("/sparql", headers={"Accept": "text/turtle"})
        finally:
            stop_endpoint(app)
    assert (first.store_path, second.store_path) == (snapshot.path, tmp_path / "newer")
    assert retired == (True, False)
    description = Graph().parse(data=described.text, format="turtle")
    default_graph = URIRef("http://localhost/sparql#default-graph")
    assert description.value(default_graph, URIRef(VOID + "triples")).toPython() == 90


@pytest.mark.slow  # starts query workers
@pytest.mark.parametrize(("setting", "idle_exit", "started"), [(7, 7.0, 0), (0, None, 2)])
def test_a_stores_query_workers_exit_when_idle_as_set(
    make_sparql_app, overlapping_store, setting, idle_exit, started
):
    app = make_sparql_app(
        Graph(), "http://localhost", LDCV_SPARQL_IDLE_EXIT=setting, LDCV_SPARQL_WORKERS=2
    )
    with overlapping_store.open_snapshot() as snapshot:
        app.extensions["ldcv.snapshot"] = snapshot
        try:
            pool = start_endpoint(app).pool
            assert (pool.idle_exit, len(pool._workers)) == (idle_exit, started)
        finally:
            stop_endpoint(app)
