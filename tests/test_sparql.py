"""The SPARQL engines and the endpoint: same answers on both engines, real clients, safety.

Servers are real: the SPARQL blueprint in a bare Flask app on a free local port.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from flask import Flask
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from server_fixtures import Live, live_server
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper

from ldcv.dataset import Dataset as LdcvDataset
from ldcv.server.sparql import TRUNCATED_HEADER, sparql, stop_endpoint
from ldcv.sparql import (
    ENGINES,
    EngineBusy,
    QueryPool,
    QueryRefused,
    QueryRequest,
    QuerySyntaxError,
    QueryTimeout,
    Solutions,
    Triples,
    answer,
    example_queries,
    graph_snapshot,
    make_engine,
    run_local,
    uses_service,
)

FIXTURES = Path(__file__).parent / "fixtures"
BENCH = Path(__file__).resolve().parents[1] / "bench" / "sparql.py"
SCHEMA = "http://schema.org/"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _generator():
    spec = importlib.util.spec_from_file_location("bench_sparql", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate_graph


@pytest.fixture(scope="module")
def generated_graph() -> Graph:
    return _generator()(5)


@pytest.fixture(scope="module")
def served_graph(seed_graph: Graph) -> Graph:
    graph = Graph()
    graph += seed_graph
    graph.parse(FIXTURES / "sparql-hostile.ttl", format="turtle")
    return graph


def sparql_app(graph: Graph, base: str, **config: object) -> Flask:
    """A bare app with only the SPARQL blueprint, serving ``graph``."""
    app = Flask(__name__)
    app.config.update(config)
    app.extensions["ldcv"] = LdcvDataset(
        cvs=(), graph=graph, base_uri=base, modified=datetime(2024, 1, 1, tzinfo=UTC)
    )
    app.register_blueprint(sparql)
    return app


@pytest.fixture(scope="module", params=ENGINES)
def live(request: pytest.FixtureRequest, served_graph: Graph) -> Iterator[Live]:
    make = lambda base: sparql_app(served_graph, base, LDCV_SPARQL_ENGINE=request.param)  # noqa: E731
    with live_server(make) as server:
        yield server
        stop_endpoint(server.app)


def _endpoint(live: Live) -> str:
    return live.url("/sparql")


# --- refusing SERVICE before any engine sees it -----------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
        "select * { service silent <http://x/> { ?s ?p ?o } }",
        "SELECT * {?s ?p ?o}SERVICE<http://x/>{?s ?p ?o}",
        "SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o . # comment\nSERVICE ?x { ?s ?p ?o } }",
        'SELECT * { FILTER(?a < 1) SERVICE <http://x/> { } "x" }',
    ],
)
def test_service_keyword_is_found(query: str) -> None:
    assert uses_service(query)


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * { ?s ?p "SERVICE <http://x/>" }',
        "SELECT * { ?s ?p '''a\nSERVICE''' }",
        "SELECT * { ?s <http://example.org/SERVICE> ?o }",
        "SELECT ?service { ?service a ?type }",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:SERVICE ?o }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://x/>",
    ],
)
def test_service_in_strings_iris_names_and_comments_is_not_refused(query: str) -> None:
    assert not uses_service(query)


# --- the engines agree ----------------------------------------------------------------------------

AGREEMENT_QUERIES = [
    COUNT_ALL,
    "SELECT ?type (COUNT(?s) AS ?n) { ?s a ?type } GROUP BY ?type ORDER BY ?type",
    "ASK { ?s a <http://schema.org/ScholarlyArticle> }",
    "ASK { ?s a <http://example.org/Nothing> }",
    f"SELECT ?name {{ ?p <{SCHEMA}familyName> ?f ; <{SCHEMA}name> ?name "
    f'FILTER(STRSTARTS(?f, "S")) }} ORDER BY ?name',
    f"CONSTRUCT {{ ?w <{SCHEMA}name> ?t }} WHERE {{ ?w <{SCHEMA}name> ?t }}",
    f"SELECT * {{ ?w <{SCHEMA}datePublished> ?d OPTIONAL {{ ?w <{SCHEMA}pagination> ?x }} }}"
    " ORDER BY ?w",
]


def _canonical(engine_name: str, graph: Graph, query: str) -> object:
    outcome = make_engine(engine_name, graph).run(QueryRequest(query, base_iri="http://e/"), 10**6)
    if isinstance(outcome, Triples):
        result = Graph()
        nt = answer(
            make_engine(engine_name, graph),
            QueryRequest(query, accept="application/n-triples"),
            10**6,
        ).body
        result.parse(data=nt, format="nt")
        return result
    if isinstance(outcome, Solutions):
        blank = [
            tuple(None if t is None else (t if t.kind != "bnode" else ("bnode",)) for t in row)
            for row in outcome.rows
        ]
        ordered = "ORDER BY" in query.upper()
        return outcome.variables, blank if ordered else sorted(blank, key=repr)
    return outcome


def _assert_same(graph: Graph, query: str) -> None:
    first, second = (_canonical(name, graph, query) for name in ENGINES)
    if isinstance(first, Graph):
        assert len(first) > 0
        assert isomorphic(first, second)
    else:
        assert first == second


@pytest.mark.parametrize("query", [*AGREEMENT_QUERIES, *(e.text for e in example_queries())])
def test_engines_give_identical_answers_on_the_seed(seed_graph: Graph, query: str) -> None:
    _assert_same(seed_graph, query)


@pytest.mark.parametrize("query", [*AGREEMENT_QUERIES, *(e.text for e in example_queries())])
def test_engines_give_identical_answers_on_generated_cvs(
    generated_graph: Graph, query: str
) -> None:
    _assert_same(generated_graph, query)


def test_example_queries_have_titles_and_answer_on_the_seed(seed_graph: Graph) -> None:
    examples = example_queries()
    assert len(examples) >= 5
    for example in examples:
        assert example.title and not example.title.endswith(".rq")
        outcome = make_engine("oxigraph", seed_graph).run(QueryRequest(example.text), 1000)
        rows = outcome.triples if isinstance(outcome, Triples) else outcome.rows
        assert rows, f"{example.name} found nothing in the seed"


def test_samek_since_2019_finds_only_recent_papers(seed_graph: Graph) -> None:
    (example,) = [e for e in example_queries() if "samek" in e.name]
    outcome = make_engine("oxigraph", seed_graph).run(QueryRequest(example.text), 1000)
    years = [int(row[0].value) for row in outcome.rows]
    assert years and min(years) >= 2019


@pytest.mark.parametrize("engine", ENGINES)
def test_rows_past_the_cap_are_cut_and_marked(seed_graph: Graph, engine: str) -> None:
    outcome = make_engine(engine, seed_graph).run(QueryRequest("SELECT * { ?s ?p ?o }"), 7)
    assert len(outcome.rows) == 7 and outcome.truncated
    whole = make_engine(engine, seed_graph).run(QueryRequest("SELECT * { ?s ?p ?o } LIMIT 7"), 7)
    assert not whole.truncated


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "query", ["ASK {", "INSERT DATA { <a> <b> <c> }", "SELECT ?x { ?x ex:p 1 }"]
)
def test_bad_query_is_a_syntax_error_with_a_message(
    seed_graph: Graph, engine: str, query: str
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        make_engine(engine, seed_graph).run(QueryRequest(query), 10)
    assert caught.value.status == 400 and caught.value.message


@pytest.mark.parametrize("engine", ENGINES)
def test_service_is_refused_by_every_engine(seed_graph: Graph, engine: str) -> None:
    query = "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    with pytest.raises(QueryRefused):
        make_engine(engine, seed_graph).run(QueryRequest(query), 10)


def test_graph_snapshot_keeps_named_graphs_apart() -> None:
    from rdflib import Dataset

    dataset = Dataset()
    dataset.add((URIRef("http://e/a"), URIRef("http://e/p"), Literal(1)))
    dataset.graph(URIRef("http://e/g")).add(
        (URIRef("http://e/b"), URIRef("http://e/p"), Literal(2))
    )
    for engine in ENGINES:
        runner = make_engine(engine, dataset)
        default = runner.run(QueryRequest("SELECT ?s { ?s ?p ?o }"), 10)
        named = runner.run(QueryRequest("SELECT ?s { GRAPH <http://e/g> { ?s ?p ?o } }"), 10)
        assert [r[0].value for r in default.rows] == ["http://e/a"], engine
        assert [r[0].value for r in named.rows] == ["http://e/b"], engine
    assert b"<http://e/g>" in graph_snapshot(dataset)


# --- ldcv query ---------------------------------------------------------------------------------


def test_run_local_table_is_aligned(seed_graph: Graph) -> None:
    text = run_local(seed_graph, f"SELECT ?n {{ ?p <{SCHEMA}familyName> ?n }} ORDER BY ?n LIMIT 3")
    lines = text.splitlines()
    assert lines[0] == "?n" and set(lines[1]) == {"-"} and lines[-1] == "(3 rows)"
    assert len(lines) == 6


@pytest.mark.parametrize("output", ["json", "csv", "tsv"])
def test_run_local_writes_result_formats(seed_graph: Graph, output: str) -> None:
    text = run_local(seed_graph, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", output)
    count = str(len(seed_graph))
    if output == "json":
        assert json.loads(text)["results"]["bindings"][0]["n"]["value"] == count
    else:
        assert text.splitlines()[1].strip() == count


def test_run_local_turtle_for_construct(seed_graph: Graph) -> None:
    query = f"CONSTRUCT {{ ?s <{SCHEMA}name> ?n }} WHERE {{ ?s <{SCHEMA}familyName> ?n }}"
    graph = Graph().parse(data=run_local(seed_graph, query, "turtle"), format="turtle")
    assert len(graph) == len(set(seed_graph.subject_objects(URIRef(SCHEMA + "familyName"))))


def test_run_local_refuses_turtle_for_select(seed_graph: Graph) -> None:
    with pytest.raises(Exception, match="CONSTRUCT or DESCRIBE"):
        run_local(seed_graph, COUNT_ALL, "turtle")


# --- the endpoint over HTTP: real clients ---------------------------------------------------------


def _wrapper(live: Live, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(_endpoint(live))
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json(live: Live) -> None:
    result = _wrapper(live, COUNT_ALL, JSON).query().convert()
    assert int(result["results"]["bindings"][0]["n"]["value"]) > 2000


def test_sparqlwrapper_xml_over_post(live: Live) -> None:
    client = _wrapper(live, COUNT_ALL, XML)
    client.setMethod(POST)
    document = client.query().convert()
    assert int(document.getElementsByTagName("literal")[0].firstChild.data) > 2000


@pytest.mark.parametrize(("fmt", "separator"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_and_tsv(live: Live, fmt: str, separator: str) -> None:
    query = f"SELECT ?s ?n {{ ?s <{SCHEMA}familyName> ?n }} ORDER BY ?s LIMIT 2"
    text = _wrapper(live, query, fmt).query().convert().decode("utf-8")
    lines = text.splitlines()
    assert lines[0] in ("s,n", "?s\t?n") and len(lines) == 3
    assert all(line.count(separator) == 1 for line in lines)


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD])
def test_sparqlwrapper_construct(live: Live, fmt: str) -> None:
    query = f"CONSTRUCT {{ ?s <{SCHEMA}name> ?n }} WHERE {{ ?s <{SCHEMA}familyName> ?n }}"
    client = _wrapper(live, query, fmt)
    client.setRequestMethod(POSTDIRECTLY)
    client.setMethod(POST)
    result = client.query().convert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    assert len(graph) > 10
    assert all(str(p) == SCHEMA + "name" for p in graph.predicates())


def test_rdflib_sparqlstore(live: Live, served_graph: Graph) -> None:
    remote = Graph(store=SPARQLStore(_endpoint(live)))
    names = {row[0] for row in remote.query(f"SELECT ?n {{ ?s <{SCHEMA}familyName> ?n }}")}
    assert Literal("Samek") in names
    article = URIRef(SCHEMA + "ScholarlyArticle")
    from rdflib import RDF

    remote_articles = set(remote.subjects(RDF.type, article))
    assert remote_articles == set(served_graph.subjects(RDF.type, article))


# --- the endpoint over HTTP: protocol details -----------------------------------------------------


def test_unknown_parameters_are_ignored(live: Live) -> None:
    params = {"query": "ASK {}", "format": "json", "output": "json", "results": "json", "x": "1"}
    response = requests.get(_endpoint(live), params=params, timeout=30)
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
    live: Live, query: str, accept: str | None, media_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = requests.get(_endpoint(live), params={"query": query}, headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers["Vary"]


def test_nothing_acceptable_is_406_listing_formats(live: Live) -> None:
    response = requests.get(
        _endpoint(live), params={"query": "ASK {}"}, headers={"Accept": "text/csv"}, timeout=30
    )
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


def test_relative_iris_resolve_against_the_endpoint(live: Live) -> None:
    response = requests.get(
        _endpoint(live),
        params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
        headers={"Accept": "application/rdf+xml"},
        timeout=30,
    )
    graph = Graph().parse(data=response.content, format="xml")
    assert (URIRef(live.url("/s")), URIRef(live.url("/p")), Literal(1)) in graph


def test_syntax_error_is_400_with_the_parser_message(live: Live) -> None:
    response = requests.get(
        _endpoint(live), params={"query": "SELECT * WHERE { ?s ?p }"}, timeout=30
    )
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert len(response.text.strip()) > 10 and "Traceback" not in response.text


def test_body_over_the_limit_is_413(live: Live) -> None:
    query = "ASK {}" + " " * (70 * 1024)
    response = requests.post(
        _endpoint(live),
        data=query,
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 413


def test_query_string_over_the_limit_is_414(live: Live) -> None:
    response = requests.get(
        _endpoint(live), params={"query": "ASK {}" + "#" * (70 * 1024)}, timeout=30
    )
    assert response.status_code == 414


def test_update_parameter_is_403(live: Live) -> None:
    response = requests.post(_endpoint(live), data={"update": "CLEAR ALL"}, timeout=30)
    assert response.status_code == 403 and "read-only" in response.text


def test_truncated_results_say_so(served_graph: Graph) -> None:
    with live_server(lambda base: sparql_app(served_graph, base, LDCV_SPARQL_MAX_ROWS=4)) as live:
        try:
            response = requests.get(
                _endpoint(live), params={"query": "SELECT * { ?s ?p ?o }"}, timeout=30
            )
            assert len(response.json()["results"]["bindings"]) == 4
            assert response.headers[TRUNCATED_HEADER] == "max-rows=4"
            small = requests.get(
                _endpoint(live), params={"query": "SELECT * { ?s ?p ?o } LIMIT 2"}, timeout=30
            )
            assert TRUNCATED_HEADER not in small.headers
        finally:
            stop_endpoint(live.app)


# --- the query page -------------------------------------------------------------------------------

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_query_page_shows_results_as_an_escaped_table(live: Live) -> None:
    query = "SELECT ?p ?o { <http://example.org/id/publication/hostile> ?p ?o } ORDER BY ?p"
    response = requests.get(
        _endpoint(live), params={"query": query}, headers={"Accept": BROWSER}, timeout=30
    )
    assert response.status_code == 200
    page = response.text
    assert "<table>" in page and '<th scope="col">p</th>' in page
    assert "&lt;/td&gt;&lt;script&gt;" in page
    assert "<script" not in page
    assert 'href="javascript:' not in page
    assert " style=" not in page and " onclick=" not in page


def test_query_page_lists_the_example_queries_as_links(live: Live) -> None:
    page = requests.get(_endpoint(live), headers={"Accept": BROWSER}, timeout=30).text
    for example in example_queries():
        assert example.title.replace('"', "&#34;") in page
    assert page.count("/sparql?query=") >= len(example_queries())


def test_query_page_shows_a_syntax_error(live: Live) -> None:
    response = requests.get(
        _endpoint(live), params={"query": "ASK {"}, headers={"Accept": BROWSER}, timeout=30
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


def test_no_query_makes_the_server_connect_anywhere(live: Live, listener: Listener) -> None:
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
        response = requests.get(_endpoint(live), params={"query": query}, timeout=30)
        assert response.status_code == 403, (query, response.text)
    for query in local_only:
        response = requests.get(_endpoint(live), params={"query": query}, timeout=30)
        assert response.status_code == 200, (query, response.text)
    response = requests.get(
        _endpoint(live),
        params={
            "query": COUNT_ALL,
            "default-graph-uri": f"{remote}/d",
            "named-graph-uri": f"{remote}/n",
        },
        timeout=30,
    )
    assert response.json()["results"]["bindings"][0]["n"]["value"] == "0"
    for update in (f"LOAD <{remote}/x>", f"LOAD <{remote}/x> INTO GRAPH <urn:g>"):
        response = requests.post(_endpoint(live), data={"update": update}, timeout=30)
        assert response.status_code == 403
        response = requests.post(_endpoint(live), data={"query": update}, timeout=30)
        assert response.status_code == 400
    assert listener.connections == []


@pytest.mark.parametrize("engine", ENGINES)
def test_runaway_query_is_stopped_while_others_are_answered(
    served_graph: Graph, engine: str
) -> None:
    config = {"LDCV_SPARQL_ENGINE": engine, "LDCV_SPARQL_TIMEOUT": 2, "LDCV_SPARQL_WORKERS": 2}
    with live_server(lambda base: sparql_app(served_graph, base, **config)) as live:
        try:
            url = _endpoint(live)
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
            state = live.app.extensions["ldcv.sparql"]
            assert state.pool.stats.timeouts == 1 and state.pool.stats.restarts == 1
        finally:
            stop_endpoint(live.app)


def test_busy_pool_answers_engine_busy(seed_graph: Graph) -> None:
    pool = QueryPool("oxigraph", graph_snapshot(seed_graph), size=1)
    try:
        pool.run(QueryRequest("ASK {}"), timeout=30)
        stopped: list[Exception] = []

        def runaway() -> None:
            try:
                pool.run(QueryRequest(RUNAWAY), timeout=3)
            except QueryTimeout as error:
                stopped.append(error)

        blocker = threading.Thread(target=runaway)
        blocker.start()
        while pool._idle.qsize():  # wait until the runaway holds the only worker
            threading.Event().wait(0.01)
        with pytest.raises(EngineBusy) as caught:
            pool.run(QueryRequest("ASK {}"), timeout=30, wait=0.1)
        assert caught.value.status == 503
        blocker.join(60)
        assert len(stopped) == 1
    finally:
        pool.close()
