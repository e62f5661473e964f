"""The W3C SPARQL 1.1 Protocol and Service Description suites, run against the live endpoint.

Every request of ``tests/conformance/sparql-protocol/manifest.ttl`` is sent over real HTTP as
the manifest writes it. Query tests must pass as written; the endpoint is read-only, so every
request that carries an update must get a 4xx (the suite's own read-only rule) and leave the
data unchanged.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from rdflib import RDF, RDFS, Dataset, Graph, Namespace, URIRef
from rdflib.collection import Collection

from ldcv.server.sparql_routes import stop_endpoint

SUITE = Path(__file__).resolve().parents[1] / "conformance" / "sparql-protocol"
SD_SUITE = Path(__file__).resolve().parents[1] / "conformance" / "sparql-service-description"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
TABULAR_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_TYPES = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt"}


@dataclass(frozen=True)
class ProtocolRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: frozenset[str]  # "2xx", "3xx", "4xx"
    expected_format: str | None
    expected_boolean: bool | None

    @property
    def is_query(self) -> bool:
        text = self.path + (self.body or b"").decode("latin-1")
        direct = self.headers.get("content-type", "").startswith("application/sparql-query")
        return "query=" in text or direct


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    requests: tuple[ProtocolRequest, ...]


def _manifest_tests() -> list[ProtocolTest]:
    manifest = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    head = manifest.value(predicate=RDF.type, object=MF.Manifest)
    entries = Collection(manifest, manifest.value(head, MF.entries))
    tests = []
    for entry in entries:
        action = manifest.value(entry, MF.action)
        requests_ = []
        for node in Collection(manifest, manifest.value(action, HT.requests)):
            headers = {}
            header_list = manifest.value(node, HT.headers)
            if header_list is not None:
                for header in Collection(manifest, header_list):
                    name = str(manifest.value(header, HT.fieldName)).lower()
                    headers[name] = str(manifest.value(header, HT.fieldValue))
            body = None
            body_node = manifest.value(node, HT.body)
            if body_node is not None:
                encoding = str(manifest.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(manifest.value(body_node, CNT.chars)).encode(encoding)
            response = manifest.value(node, HT.resp)
            statuses = frozenset(
                str(s).rsplit("StatusCode", 1)[1]
                for s in manifest.objects(response, MF.expectedStatus)
            )
            fmt = manifest.value(response, MF.expectedFormat)
            boolean = manifest.value(response, MF.expectedBoolean)
            requests_.append(
                ProtocolRequest(
                    method=str(manifest.value(node, HT.methodName)),
                    path=str(manifest.value(node, HT.absolutePath)),
                    headers=headers,
                    body=body,
                    statuses=statuses,
                    expected_format=None if fmt is None else str(fmt),
                    expected_boolean=None if boolean is None else boolean.toPython(),
                )
            )
        tests.append(ProtocolTest(str(entry).rsplit("#", 1)[1], tuple(requests_)))
    return tests


TESTS = _manifest_tests()
# The update tests' names say so; their follow-up requests query what the update did.
QUERY_TESTS = [t for t in TESTS if "update" not in t.name]
UPDATE_TESTS = [t for t in TESTS if "update" in t.name]


def _suite_graphs() -> Dataset:
    """Every graph the suite's tests name, loaded under the names the manifest gives them."""
    manifest = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    dataset = Dataset()
    for node in manifest.objects(None, UT.graphData):
        source = manifest.value(node, UT.graph)
        name = URIRef(str(manifest.value(node, RDFS.label)))
        if len(dataset.graph(name)) == 0:
            dataset.graph(name).parse(SUITE / Path(str(source)).name, format="nt")
    return dataset


@pytest.fixture(scope="module")
def suite_server(start_server, make_sparql_app) -> Iterator:
    """The SPARQL blueprint alone, serving the suite's graphs, on a local port."""
    with start_server.app(lambda base: make_sparql_app(_suite_graphs(), base)) as server:
        yield server
        stop_endpoint(server.app)


def _send(server, request: ProtocolRequest) -> requests.Response:
    assert request.path.startswith("/sparql/")
    path = "/sparql" + request.path[len("/sparql/") :]
    return requests.request(
        request.method, server.url(path), headers=request.headers, data=request.body, timeout=30
    )


def _boolean(response: requests.Response) -> bool:
    media = response.headers["Content-Type"].split(";")[0]
    assert media in BOOLEAN_TYPES, media
    if media.endswith("json"):
        return json.loads(response.content)["boolean"]
    root = ET.fromstring(response.content)
    return root.find(f"{SPARQL_RESULTS}boolean").text == "true"


def _check_format(response: requests.Response, expected: str) -> None:
    media = response.headers["Content-Type"].split(";")[0]
    if expected == "boolean":
        _boolean(response)
    elif expected == "tabular":
        assert media in TABULAR_TYPES, media
        if media.endswith("json"):
            assert "vars" in json.loads(response.content)["head"]
        elif media.endswith("xml"):
            assert ET.fromstring(response.content).find(f"{SPARQL_RESULTS}results") is not None
        else:
            assert response.text.splitlines()[0]
    else:
        assert media in RDF_TYPES, f"{media} is not one of the RDF formats the suite accepts"
        Graph().parse(io.BytesIO(response.content), format=RDF_TYPES[media])


@pytest.mark.slow
@pytest.mark.parametrize("test", QUERY_TESTS, ids=[t.name for t in QUERY_TESTS])
def test_protocol_query_test_passes(suite_server, test: ProtocolTest) -> None:
    for request in test.requests:
        response = _send(suite_server, request)
        assert f"{str(response.status_code)[0]}xx" in request.statuses, (
            response.status_code,
            response.text,
        )
        if response.status_code >= 400:
            continue
        if request.expected_format:
            _check_format(response, request.expected_format)
        if request.expected_boolean is not None:
            assert _boolean(response) is request.expected_boolean


def test_suite_has_every_test_of_the_checklist() -> None:
    assert len(TESTS) == 34
    assert len(QUERY_TESTS) == 20
    assert {"query_multiple_dataset", "bad_multiple_queries", "query_content_type_construct"} <= {
        t.name for t in QUERY_TESTS
    }


def _count_all(server) -> int:
    query = "SELECT (COUNT(*) AS ?n) { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    response = requests.get(server.url("/sparql"), params={"query": query}, timeout=30)
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=[t.name for t in UPDATE_TESTS])
def test_protocol_update_is_refused_and_changes_nothing(suite_server, test: ProtocolTest) -> None:
    before = _count_all(suite_server)
    updates = [r for r in test.requests if not r.is_query]
    assert updates
    for request in updates:
        response = _send(suite_server, request)
        assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert _count_all(suite_server) == before


def test_update_sent_as_a_query_is_a_syntax_error(suite_server) -> None:
    before = _count_all(suite_server)
    response = requests.post(
        suite_server.url("/sparql"),
        data={"query": "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }"},
        timeout=30,
    )
    assert response.status_code == 400
    assert _count_all(suite_server) == before


# --- service description -----------------------------------------------------------------------


def _description(server, accept: str | None = None) -> Graph:
    headers = {"Accept": accept} if accept else {}
    response = requests.get(server.url("/sparql"), headers=headers, timeout=30)
    assert response.status_code == 200
    media = response.headers["Content-Type"].split(";")[0]
    formats = {**RDF_TYPES, "application/ld+json": "json-ld"}
    assert media in formats
    return Graph().parse(data=response.content, format=formats[media])


@pytest.mark.parametrize(
    "accept", [None, "text/turtle", "application/ld+json", "application/rdf+xml", "*/*"]
)
def test_service_description_returns_rdf(suite_server, accept: str | None) -> None:
    assert len(_description(suite_server, accept)) > 0


def test_service_description_has_matching_endpoint_triple(suite_server) -> None:
    graph = _description(suite_server)
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef(suite_server.url("/sparql"))
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph


def test_service_description_conforms_to_the_vocabulary(suite_server) -> None:
    vocabulary = Graph().parse(SD_SUITE / "sd.ttl", format="turtle")
    defined = set(vocabulary.subjects())
    graph = _description(suite_server)
    used = {p for p in graph.predicates() if str(p).startswith(str(SD))}
    used |= {o for o in graph.objects(None, RDF.type) if str(o).startswith(str(SD))}
    used |= {o for o in graph.objects() if isinstance(o, URIRef) and str(o).startswith(str(SD))}
    assert used and used <= defined, used - defined

    def types(node: URIRef) -> set:  # with the superclasses the vocabulary declares
        return {
            c
            for t in graph.objects(node, RDF.type)
            for c in vocabulary.transitive_objects(t, RDFS.subClassOf)
        }

    for subject, predicate, obj in graph:
        for domain in vocabulary.objects(predicate, RDFS.domain):
            assert domain in types(subject), (subject, predicate, domain)
        for range_ in vocabulary.objects(predicate, RDFS.range):
            if str(range_).startswith(str(SD)) and not str(obj).startswith(str(SD)):
                assert range_ in types(obj), (obj, predicate, range_)


def test_service_description_lists_the_named_graphs(suite_server) -> None:
    graph = _description(suite_server)
    names = set(graph.objects(None, SD.name))
    assert URIRef("http://kasei.us/2009/09/sparql/data/data1.rdf") in names
    assert len(names) == 3


def test_browser_gets_the_query_page_not_rdf(suite_server) -> None:
    response = requests.get(
        suite_server.url("/sparql"), headers={"Accept": "text/html,*/*;q=0.8"}, timeout=30
    )
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<form" in response.text and 'name="query"' in response.text
