"""One contract, two servers: the same HTTP tests against ``ldcv serve`` and nginx.

Both serve the seed CV on a free local port whose address is the base URI, and are
driven by real clients (requests, rdflib ``Graph.parse(url)``) with the literal
Accept headers those clients send. Where nginx cannot do what Flask does (weighing
q-values), the test says what each server answers, as the README documents.
"""

from __future__ import annotations

import gzip
import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import lxml.html
import pytest
import requests
from lxml import etree
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic, to_isomorphic

from ldcv.build.site import build_site
from ldcv.build.webserver import negotiate_suffix
from ldcv.documents.crawler_files import DUMPS, VOID_PATH, void_dataset_iri
from ldcv.documents.selection import build_documents
from ldcv.pipeline import Dataset, prepare
from ldcv.rdf.formats import FORMATS, RDF_FORMATS
from ldcv.rdf.iris import parse_thing_iri
from ldcv.rdf.vocabulary import VOCABULARY_PATH, VOID

ROOT = Path(__file__).resolve().parents[1]
SITEMAP_XSD = Path(__file__).parent / "conformance" / "sitemap.xsd"
OWNER = "sebastian-lapuschkin"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# Where nginx's ordered regular expressions and RFC 9110's q-values part ways.
Q_VALUE_CASES = {
    "html-demoted": ("text/html;q=0.5, text/turtle", "text/turtle"),
    "turtle-preferred-late": ("application/rdf+xml;q=0.5, text/turtle;q=0.9", "text/turtle"),
    "turtle-excluded-by-q0": ("text/turtle;q=0, */*", "application/ld+json"),
}


@dataclass
class Server:
    name: str
    base: str
    dataset: Dataset

    def url(self, path: str) -> str:
        return self.base + path


JSONLD_JS = Path(__file__).parent / "node" / "jsonld-to-nquads.mjs"


def contract_dataset(base: str) -> Dataset:
    """The seed CV through the whole pipeline, with IRIs under ``base``."""
    return prepare([ROOT / "data"], base)


@contextmanager
def flask_server(start_server) -> Iterator[Server]:
    from ldcv.server import create_app

    datasets: dict[str, Dataset] = {}

    def make_app(base: str):
        datasets["seed"] = contract_dataset(base)
        app = create_app({"LDCV_DATASET": datasets["seed"]})
        return app

    with start_server.app(make_app) as live:
        yield Server("flask", live.base, datasets["seed"])


@contextmanager
def store_server(start_server, tmp: Path) -> Iterator[Server]:
    """``ldcv index`` into a store, then the app serving that store: documents on demand."""
    from ldcv.server import create_app, stop_background
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.index import index_paths

    datasets: dict[str, Dataset] = {}
    apps = []

    def make_app(base: str):
        datasets["seed"] = contract_dataset(base)
        index_paths([ROOT / "data"], StoreDirectory(tmp / "store"), base, jobs=1)
        apps.append(create_app({"LDCV_STORE": str(tmp / "store"), "LDCV_BASE_URI": base}))
        return apps[-1]

    try:
        with start_server.app(make_app) as live:
            yield Server("store", live.base, datasets["seed"])
    finally:
        for app in apps:  # its thread would keep later tests from forking
            stop_background(app)


@contextmanager
def remote_store_server(start_server, engine) -> Iterator[Server]:
    """``ldcv publish`` to a SPARQL engine, then the app serving from that engine alone."""
    from ldcv.server import create_app, stop_background
    from ldcv.store.remote_publish import publish_paths
    from ldcv.store.sparql_protocol import SparqlClient

    datasets: dict[str, Dataset] = {}
    apps = []

    def make_app(base: str):
        datasets["seed"] = contract_dataset(base)
        client = SparqlClient(engine.query_url, engine.update_url)
        publish_paths([ROOT / "data"], client, base, jobs=1, root=ROOT)
        apps.append(create_app({"LDCV_SPARQL_STORE": engine.query_url, "LDCV_BASE_URI": base}))
        return apps[-1]

    try:
        with start_server.app(make_app) as live:
            yield Server(engine.name, live.base, datasets["seed"])
    finally:
        for app in apps:
            stop_background(app)


@contextmanager
def nginx_server(nginx, tmp: Path) -> Iterator[Server]:
    datasets: dict[str, Dataset] = {}

    def site_for_port(port: int) -> Path:
        datasets["seed"] = contract_dataset(f"http://127.0.0.1:{port}")
        build_site(datasets["seed"], tmp / "site")
        return tmp / "site" / "nginx.conf"

    with nginx.serve(tmp, site_for_port) as live:
        yield Server("nginx", live.base, datasets["seed"])


@pytest.fixture(
    scope="module",
    params=[
        "flask",
        "store",
        pytest.param("nginx", marks=[pytest.mark.nginx, pytest.mark.slow]),
        pytest.param("oxigraph", marks=pytest.mark.slow),
        pytest.param("virtuoso", marks=[pytest.mark.virtuoso, pytest.mark.slow]),
    ],
)
def server(request, tmp_path_factory, start_server, nginx, sparql_engines) -> Iterator[Server]:
    if request.param == "flask":
        with flask_server(start_server) as running:
            yield running
    elif request.param == "store":
        with store_server(start_server, tmp_path_factory.mktemp("store")) as running:
            yield running
    elif request.param in ("oxigraph", "virtuoso"):
        starting = getattr(sparql_engines, request.param)
        with starting() as engine, remote_store_server(start_server, engine) as running:
            yield running
    else:
        with nginx_server(nginx, tmp_path_factory.mktemp("nginx")) as running:
            yield running


def get(server: Server, path: str, accept: str | None = None, **kwargs) -> requests.Response:
    headers = {"Accept": accept} if accept is not None else {}
    headers.update(kwargs.pop("headers", {}))
    return requests.get(server.url(path), headers=headers, timeout=10, **kwargs)


def bare_get(server: Server, path: str) -> requests.Response:
    """GET with no Accept header at all (requests sends */* unless told not to)."""
    session = requests.Session()
    session.headers.pop("Accept", None)
    return session.get(server.url(path), timeout=10, allow_redirects=False)


def vary(response: requests.Response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}


DOC = f"/doc/person/{OWNER}"
THING = f"/id/person/{OWNER}"


# -- dereferencing ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_thing_answers_303_to_its_document(server: Server, real_clients) -> None:
    response = get(server, THING, real_clients["firefox"].accept, allow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Location"] == server.url(DOC)
    assert "accept" in vary(response)


def test_an_unknown_thing_is_404(server: Server) -> None:
    response = get(server, "/id/person/nobody-at-all", "text/turtle", allow_redirects=False)
    assert response.status_code == 404


def test_an_unknown_document_is_404_in_html_for_browsers_and_text_for_scripts(
    server: Server, real_clients
) -> None:
    page = get(server, "/doc/person/nobody-at-all", real_clients["firefox"].accept)
    assert page.status_code == 404
    assert page.headers["Content-Type"].startswith("text/html")
    plain = get(server, "/doc/person/nobody-at-all", "*/*")
    assert plain.status_code == 404
    assert plain.headers["Content-Type"].startswith("text/plain")


def test_real_clients_get_what_they_ask_for(server: Server, real_client) -> None:
    accept, expected = real_client
    response = bare_get(server, DOC) if accept is None else get(server, DOC, accept)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert "accept" in vary(response)


@pytest.mark.parametrize("case", Q_VALUE_CASES, ids=list(Q_VALUE_CASES))
def test_q_values_are_weighed_by_flask_and_approximated_by_nginx(server: Server, case) -> None:
    accept, rfc_answer = Q_VALUE_CASES[case]
    response = get(server, DOC, accept)
    served = response.headers["Content-Type"].split(";")[0]
    if server.name != "nginx":  # Flask, on a prepared dataset or on a store
        assert served == rfc_answer
    else:  # the documented approximation (README: what nginx cannot do)
        suffix = negotiate_suffix(accept)
        assert served == next(f.media_type for f in FORMATS if f.suffix == suffix)


def test_nothing_acceptable_is_406_with_vary_and_the_alternatives(server: Server) -> None:
    response = get(server, DOC, "image/png")
    assert response.status_code == 406
    assert "accept" in vary(response)
    for fmt in FORMATS:
        assert fmt.media_type in response.text


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.suffix)
def test_a_suffix_variant_has_its_fixed_format_whatever_the_accept(server: Server, fmt) -> None:
    response = get(server, f"{DOC}.{fmt.suffix}", "image/png")
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == fmt.media_type
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.key)
def test_format_parameter_wins_over_accept(server: Server, fmt) -> None:
    response = get(server, f"{DOC}?format={fmt.key}", "text/html")
    assert response.headers["Content-Type"].split(";")[0] == fmt.media_type


def test_a_negotiated_document_names_its_variant_and_the_alternatives(server: Server) -> None:
    response = get(server, DOC, "text/turtle")
    location = urljoin(response.url, response.headers["Content-Location"])
    assert location == server.url(f"{DOC}.ttl")
    alternates = {
        urljoin(response.url, link["url"]): link.get("type")
        for link in _links(response)
        if link.get("rel") == "alternate"
    }
    for fmt in FORMATS:
        if fmt.suffix != "ttl":
            assert alternates.get(server.url(f"{DOC}.{fmt.suffix}")) == fmt.media_type


def _links(response: requests.Response) -> list[dict]:
    return list(requests.utils.parse_header_links(response.headers.get("Link", "")))


def test_documents_carry_cors_caching_and_validators(server: Server) -> None:
    response = get(server, DOC, "application/ld+json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = response.headers["Access-Control-Expose-Headers"].lower()
    for header in ("link", "etag", "content-location"):
        assert header in exposed
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=" in response.headers["Cache-Control"]
    assert response.headers["Last-Modified"]
    again = get(
        server, DOC, "application/ld+json", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


def test_head_is_get_without_a_body(server: Server) -> None:
    got = get(server, DOC, "text/turtle")
    head = requests.head(server.url(DOC), headers={"Accept": "text/turtle"}, timeout=10)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Type"] == got.headers["Content-Type"]
    assert head.headers["ETag"] == got.headers["ETag"]


def test_the_home_page_is_the_owners_profile_for_browsers_and_data_for_scripts(
    server: Server, real_clients
) -> None:
    page = get(server, "/", real_clients["firefox"].accept)
    assert page.headers["Content-Type"].startswith("text/html")
    assert f'href="{server.url(DOC)}"' in page.text  # the canonical link
    data = Graph().parse(data=get(server, "/", "text/turtle").text, format="turtle")
    assert (URIRef(server.url(THING)), None, None) in data


# -- real RDF clients ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [f for f in RDF_FORMATS if f.key != "json-ld"], ids=lambda f: f.key)
def test_rdflib_dereferences_a_thing_in_each_format(server: Server, fmt) -> None:
    graph = Graph().parse(server.url(THING), format=fmt.rdflib_name)
    assert (URIRef(server.url(THING)), None, None) in graph


def test_rdflib_dereferences_a_thing_without_a_format(server: Server) -> None:
    graph = Graph().parse(server.url(THING))
    assert (URIRef(server.url(THING)), None, None) in graph


def every_kind_of_json_ld_document(server: Server) -> list[str]:
    """One document of each kind (person, publication, role …), the home page, VoID, vocab."""
    by_kind: dict[str, str] = {}
    for path in sorted(build_documents(server.dataset)):
        by_kind.setdefault(path.split("/")[2], path)
    return ["/", *by_kind.values(), VOID_PATH, VOCABULARY_PATH]


def turtle_of(server: Server, path: str) -> Graph:
    return Graph().parse(data=get(server, path, "text/turtle").text, format="turtle")


def test_rdflib_reads_every_kind_of_json_ld_document_offline(
    server: Server, no_network: None
) -> None:
    for path in every_kind_of_json_ld_document(server):
        from_jsonld = Graph().parse(server.url(path), format="json-ld")
        assert len(from_jsonld) > 0, path
        assert isomorphic(from_jsonld, turtle_of(server, path)), path


@pytest.mark.slow
def test_pyld_reads_every_kind_of_json_ld_document_offline(
    server: Server, no_network: None
) -> None:
    from pyld import jsonld

    def refuse(url: str, options: dict) -> dict:
        raise AssertionError(f"PyLD tried to load {url}")

    for path in every_kind_of_json_ld_document(server):
        document = get(server, path, "application/ld+json").json()
        nquads = jsonld.to_rdf(
            document, {"format": "application/n-quads", "documentLoader": refuse}
        )
        from_pyld = Graph().parse(data=nquads, format="nt")
        assert len(from_pyld) > 0, path
        assert isomorphic(from_pyld, turtle_of(server, path)), path


@pytest.mark.node
@pytest.mark.slow
def test_jsonld_js_reads_every_kind_of_json_ld_document_offline(server: Server) -> None:
    paths = every_kind_of_json_ld_document(server)
    result = subprocess.run(  # one node process reads them all: ~0.3 s a process
        ["node", str(JSONLD_JS), *(server.url(path) for path in paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout)
    assert sorted(read) == sorted(server.url(path) for path in paths), result.stdout[:500]
    for path in paths:
        answer = read[server.url(path)]
        assert "error" not in answer, (path, answer.get("error"))
        from_jsonld_js = Graph().parse(data=answer["nquads"], format="nt")
        assert len(from_jsonld_js) > 0, path
        assert isomorphic(from_jsonld_js, turtle_of(server, path)), path


def test_json_ld_documents_name_no_remote_context(server: Server) -> None:
    for path in every_kind_of_json_ld_document(server):
        context = get(server, path, "application/ld+json").json()["@context"]
        assert isinstance(context, dict), (path, context)
        assert context["@vocab"] == "http://schema.org/", path


@pytest.mark.slow
def test_follow_your_nose_reaches_every_minted_iri(server: Server) -> None:
    """From the owner, every IRI under /id/ dereferences (303 → 200) to a document about it."""
    session = requests.Session()
    seen: set[str] = set()
    queue = [server.url(THING)]
    while queue:
        iri = queue.pop()
        if iri in seen:
            continue
        seen.add(iri)
        hop = session.get(iri, headers={"Accept": "application/n-triples"}, allow_redirects=False)
        assert hop.status_code == 303, iri
        assert "accept" in vary(hop)
        response = session.get(hop.headers["Location"], headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, iri
        graph = Graph().parse(data=response.text, format="nt")
        assert (URIRef(iri), None, None) in graph, iri
        for term in set(graph.subjects()) | set(graph.objects()):
            if isinstance(term, URIRef) and parse_thing_iri(server.base, str(term)):
                queue.append(str(term))
    minted = {
        str(s)
        for s in server.dataset.graph.subjects()
        if isinstance(s, URIRef) and parse_thing_iri(server.base, str(s))
    }
    assert minted <= seen


# -- crawler files ---------------------------------------------------------------------------


def test_robots_txt_points_to_the_sitemap(server: Server) -> None:
    response = get(server, "/robots.txt")
    assert response.headers["Content-Type"].startswith("text/plain")
    assert f"Sitemap: {server.url('/sitemap.xml')}" in response.text.splitlines()


@pytest.mark.slow  # crawls the whole site
def test_the_sitemap_is_valid_and_every_page_in_it_answers_html(
    server: Server, real_clients
) -> None:
    response = get(server, "/sitemap.xml")
    assert response.headers["Content-Type"].split(";")[0] in ("application/xml", "text/xml")
    root = etree.fromstring(response.content)
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    assert schema.validate(root), schema.error_log
    locations = [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]
    assert server.url("/") in locations and server.url(DOC) in locations
    session = requests.Session()
    for location in locations:
        page = session.get(location, headers={"Accept": real_clients["googlebot"].accept})
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")


def test_void_is_turtle_by_default_and_counts_the_dump(server: Server) -> None:
    response = bare_get(server, "/.well-known/void")
    assert response.headers["Content-Type"].split(";")[0] == "text/turtle"
    assert "accept" in vary(response)
    void = Graph().parse(data=response.text, format="turtle")
    node = void_dataset_iri(server.base)
    dumps = {str(d) for d in void.objects(node, VOID.dataDump)}
    assert dumps == {server.url(d.path) for d in DUMPS}
    triples = void.value(node, VOID.triples).toPython()
    assert triples == len(server.dataset.graph)
    endpoint = void.value(node, VOID.sparqlEndpoint)
    if server.name == "nginx":
        assert endpoint is None  # the static build has no SPARQL endpoint
    else:
        assert str(endpoint) == server.url("/sparql")


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.key)
def test_void_negotiates_among_the_rdf_formats(server: Server, fmt) -> None:
    response = get(server, "/.well-known/void", fmt.media_type)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == fmt.media_type


def test_void_refuses_html_only_clients(server: Server) -> None:
    response = get(server, "/.well-known/void", "text/html")
    assert response.status_code == 406
    assert "accept" in vary(response)


@pytest.fixture(scope="module")
def served_graph_digest(server: Server) -> int:
    """The digest of the graph ``server`` serves that rdflib's ``isomorphic`` compares (blank
    nodes canonicalized): made once for all its dumps, not again for each (0.4 s a time)."""
    return to_isomorphic(server.dataset.graph).internal_hash()


@pytest.mark.slow
@pytest.mark.parametrize("dump", DUMPS, ids=lambda d: d.name)
def test_dumps_are_gzip_files_parsing_to_the_served_graph(
    server: Server, dump, served_graph_digest: int
) -> None:
    response = requests.get(
        server.url(dump.path), headers={"Accept-Encoding": "gzip"}, timeout=30, stream=True
    )
    raw = response.raw.read()
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == "application/gzip"
    assert "Content-Encoding" not in response.headers
    graph = Graph().parse(data=gzip.decompress(raw), format=dump.format.rdflib_name)
    assert len(graph) == len(server.dataset.graph)
    assert to_isomorphic(graph).internal_hash() == served_graph_digest  # as isomorphic() does


# -- links ----------------------------------------------------------------------------------


def link_targets(response: requests.Response) -> set[str]:
    """Every URL a page points at: href, src and form actions, and its Link headers."""
    targets: set[str] = set()
    if response.headers.get("Content-Type", "").startswith("text/html"):
        root = lxml.html.document_fromstring(response.content)
        found = root.xpath("//@href | //@src | //form/@action")
        targets |= {t for t in found if not t.startswith("#")}  # the page itself: no new link
    targets |= {link["url"] for link in response.links.values()}
    return {urljoin(response.url, t).split("#")[0] for t in targets}


def answers(browser: requests.Session, url: str) -> int:
    """The status a browser ends on: a 303 is followed once, to a 2xx."""
    response = browser.get(url, allow_redirects=False, timeout=10)
    if response.status_code == 303:
        response = browser.get(urljoin(url, response.headers["Location"]), timeout=10)
    return response.status_code


@pytest.mark.slow
def test_no_page_links_to_anything_that_does_not_answer(server: Server, real_clients) -> None:
    """A link checker: every link of every page (and every Link header) on our site answers."""
    session = requests.Session()
    session.headers["Accept"] = real_clients["firefox"].accept  # a browser
    sitemap = etree.fromstring(get(server, "/sitemap.xml").content)
    pages = {u.findtext(f"{SITEMAP}loc") for u in sitemap.iter(f"{SITEMAP}url")}
    pages |= {server.url("/"), server.url("/doc/nowhere"), server.url(VOCABULARY_PATH)}
    status: dict[str, int] = {}
    for page in sorted(pages):
        response = session.get(page, timeout=10)
        for target in link_targets(response):
            if target.startswith(server.base + "/") and target not in status:
                status[target] = answers(session, target)
    dead = {url: code for url, code in status.items() if not 200 <= code < 300}
    assert not dead, dead
    assert len(status) > len(pages)  # the pages link to each other and to their variants
    assert server.url("/static/ldcv.css") in status
    assert (server.url("/sparql") in status) == (server.name != "nginx")


# -- SPARQL: the same answers from every store ---------------------------------------------

EXAMPLES = sorted((ROOT / "ldcv" / "sparql" / "queries").glob("*.rq"))
RESULTS_JSON = "application/sparql-results+json"


def sparql(server: Server, query: str, accept: str = RESULTS_JSON) -> requests.Response:
    if server.name == "nginx":
        pytest.skip("the static build has no SPARQL endpoint (the README says so)")
    return requests.post(
        server.url("/sparql"), data={"query": query}, headers={"Accept": accept}, timeout=30
    )


def solutions(data: bytes) -> list[tuple]:
    """The rows of SPARQL JSON results, in order, blank nodes all alike."""
    import json

    rows = []
    for binding in json.loads(data)["results"]["bindings"]:
        cells = []
        for name, term in binding.items():
            value = "_" if term["type"] == "bnode" else term["value"]
            cells.append((name, term["type"], value, term.get("datatype"), term.get("xml:lang")))
        rows.append(tuple(sorted(cells)))
    return rows


def expected_answer(dataset: Dataset, query: str) -> bytes:
    """What pyoxigraph answers over the dataset's whole graph, in memory: the reference."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(dataset.graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    result = store.query(query)
    if isinstance(result, ox.QuerySolutions):
        return result.serialize(format=ox.QueryResultsFormat.JSON)
    return result.serialize(format=ox.RdfFormat.N_TRIPLES)


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_the_example_queries_answer_as_over_the_graph_itself(server: Server, example) -> None:
    query = example.read_text(encoding="utf-8")
    answer = sparql(server, query, f"{RESULTS_JSON}, application/n-triples;q=0.9")

    assert answer.status_code == 200, answer.text
    expected = expected_answer(server.dataset, query)
    if answer.headers["Content-Type"].startswith(RESULTS_JSON):
        got, wanted = solutions(answer.content), solutions(expected)
        # Virtuoso orders strings sharing a long prefix otherwise (the README lists it).
        ordered = "ORDER BY" in query and server.name != "virtuoso"
        assert got == wanted if ordered else sorted(got) == sorted(wanted)
    else:
        described = Graph().parse(data=answer.content, format="nt")
        reference = Graph().parse(data=expected, format="nt")
        if server.name == "virtuoso":  # its DESCRIBE differs (the README says how)
            plain = {t for t in described if not any(isinstance(x, BNode) for x in t)}
            subjects = set(reference.subjects())
            assert plain and plain <= set(server.dataset.graph)
            assert all(s in subjects or o in subjects for s, _, o in plain)
        else:
            assert isomorphic(described, reference)


def test_sparql_reads_the_cv_graphs_and_never_the_stores_own(server: Server) -> None:
    own = "FILTER(STRSTARTS(STR(?g), 'urn:ldcv'))"
    leaked = sparql(server, f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {own} }} LIMIT 1")
    named = "SELECT * FROM <urn:ldcv:store> FROM NAMED <urn:ldcv:store:merge> WHERE "
    named += "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } LIMIT 1"

    assert leaked.status_code == 200 and solutions(leaked.content) == []
    assert solutions(sparql(server, named).content) == []


def test_sparql_refuses_service_and_updates(server: Server) -> None:
    service = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert sparql(server, service).status_code == 403
    assert sparql(server, "DROP ALL").status_code == 400
    assert sparql(server, "ASK { ?s ?p ?o }").json()["boolean"] is True
