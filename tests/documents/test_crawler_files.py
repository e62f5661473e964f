"""Crawler files as library functions and as the Flask blueprint: robots, sitemap, VoID, dumps."""

from __future__ import annotations

import gzip
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from ldcv.documents.crawler_files import (
    DEFAULT_LICENSE,
    DUMPS,
    Sitemap,
    dump_bytes,
    memory_facts,
    robots_txt,
    sitemap_files,
    sitemap_paths,
    sitemap_xml,
    vocabularies,
    void_dataset_iri,
    void_graph,
    void_title,
)
from ldcv.documents.selection import build_documents
from ldcv.documents.snapshot_crawler_files import SnapshotCrawlerFiles
from ldcv.pipeline import Dataset
from ldcv.rdf.vocabulary import DCTERMS, SDO, VOID
from ldcv.server import create_app

SITEMAP_XSD = Path(__file__).resolve().parents[1] / "conformance" / "sitemap.xsd"
VOID_VOCABULARY = Path(__file__).resolve().parents[1] / "vocab" / "void.ttl"
BASE = "http://cv.example.org"  # site_dataset's
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def client(site_dataset: Dataset):
    app = create_app({"LDCV_DATASET": site_dataset, "LDCV_PRERENDER": False})
    return app.test_client()


def test_robots_txt_names_the_sitemap_by_absolute_url() -> None:
    lines = robots_txt("https://cv.example.org/").decode().splitlines()
    assert "Sitemap: https://cv.example.org/sitemap.xml" in lines
    assert lines[0] == "User-agent: *"


def test_sitemap_is_valid_against_the_sitemaps_org_schema(site_dataset: Dataset) -> None:
    paths = sitemap_paths(build_documents(site_dataset))
    document = etree.fromstring(sitemap_xml(BASE, paths, site_dataset.modified))
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    assert schema.validate(document), schema.error_log


def test_sitemap_lists_the_home_page_and_every_document_with_lastmod(site_dataset: Dataset) -> None:
    documents = build_documents(site_dataset)
    modified = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
    root = etree.fromstring(sitemap_xml(BASE, sitemap_paths(documents), modified))
    locations = [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]
    assert locations == [BASE + "/", *sorted(BASE + p for p in documents)]
    stamps = {u.findtext(f"{SITEMAP}lastmod") for u in root.iter(f"{SITEMAP}url")}
    assert stamps == {"2024-05-17T09:30:00+00:00"}


def test_sitemap_escapes_urls_for_xml() -> None:
    root = etree.fromstring(sitemap_xml("http://h", ["/a?b=1&c=2"], datetime.now(UTC)))
    assert root.findtext(f"{SITEMAP}url/{SITEMAP}loc") == "http://h/a?b=1&c=2"


def test_a_sitemap_of_as_many_pages_as_the_limit_is_one_urlset() -> None:
    paths = sitemap_paths(f"/doc/person/p{i}" for i in range(4))
    sitemap = Sitemap(BASE, paths, datetime(2024, 5, 17, tzinfo=UTC), limit=5)
    assert sitemap.files == ["/sitemap.xml"]
    assert sitemap.render("/sitemap.xml") == sitemap_xml(BASE, paths, sitemap.lastmod)
    with pytest.raises(KeyError):
        sitemap.render("/sitemap-1.xml")


@pytest.mark.parametrize("pages", [1, 5, 6, 10, 11])
def test_streamed_sitemap_files_are_the_bytes_the_sitemap_renders(pages: int) -> None:
    paths = sitemap_paths(f"/doc/person/p{i:02}" for i in range(pages - 1))
    sitemap = Sitemap(BASE, paths, datetime(2024, 5, 17, 9, 30, tzinfo=UTC), limit=5)
    streamed = list(sitemap_files(BASE, iter(paths), sitemap.lastmod, limit=5))
    assert [path for path, _ in streamed] == [*sitemap.files[1:], "/sitemap.xml"]  # index last
    assert all(body == sitemap.render(path) for path, body in streamed)


def test_past_the_limit_the_sitemap_is_an_index_of_parts_that_list_every_page_once() -> None:
    paths = sitemap_paths(f"/doc/person/p{i:02}" for i in range(11))
    modified = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
    sitemap = Sitemap(BASE, paths, modified, limit=5)
    assert sitemap.files == ["/sitemap.xml", "/sitemap-1.xml", "/sitemap-2.xml", "/sitemap-3.xml"]
    index = etree.fromstring(sitemap.render("/sitemap.xml"))
    assert index.tag == f"{SITEMAP}sitemapindex"
    entries = list(index.iter(f"{SITEMAP}sitemap"))
    assert [e.findtext(f"{SITEMAP}loc") for e in entries] == [BASE + f for f in sitemap.files[1:]]
    assert {e.findtext(f"{SITEMAP}lastmod") for e in entries} == {"2024-05-17T09:30:00+00:00"}
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    listed = []
    for part in sitemap.files[1:]:
        root = etree.fromstring(sitemap.render(part))
        assert schema.validate(root), schema.error_log
        locations = [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]
        assert 0 < len(locations) <= 5
        listed += locations
    assert listed == [BASE + p for p in paths]
    for missing in ("/sitemap-0.xml", "/sitemap-4.xml", "/sitemap-01.xml"):
        with pytest.raises(KeyError):
            sitemap.render(missing)


@pytest.mark.parametrize(
    ("names", "title"),
    [
        ((), "CVs"),
        (("Grace Hopper",), "Curriculum vitae of Grace Hopper"),
        (("A", "B", "C"), "Curriculum vitae of A, B, C"),
        (("A", "B", "C", "D"), "CVs of 4 people"),
        (tuple(f"P{i}" for i in range(1000)), "CVs of 1,000 people"),
    ],
)
def test_the_void_title_names_up_to_three_owners_and_counts_more(names, title) -> None:
    assert void_title(names) == title


def test_void_describes_the_dataset_with_every_required_property(site_dataset: Dataset) -> None:
    void = void_graph(site_dataset, sparql_endpoint=BASE + "/sparql")
    node = void_dataset_iri(BASE)
    assert (node, RDF.type, VOID.Dataset) in void
    assert void.value(node, VOID.sparqlEndpoint) == URIRef(BASE + "/sparql")
    assert set(void.objects(node, VOID.dataDump)) == {URIRef(BASE + d.path) for d in DUMPS}
    assert void.value(node, VOID.uriSpace) == Literal(BASE + "/id/")
    assert void.value(node, VOID.exampleResource) == URIRef(BASE + "/id/person/grace-hopper")
    assert void.value(node, VOID.triples).toPython() == len(site_dataset.graph)
    assert void.value(node, DCTERMS.license) == URIRef(DEFAULT_LICENSE)
    modified = void.value(node, DCTERMS.modified).toPython()
    assert modified == site_dataset.modified.replace(microsecond=0)


def test_void_names_the_namespace_of_every_predicate_and_class(site_dataset: Dataset) -> None:
    named = {str(v) for v in void_graph(site_dataset).objects(None, VOID.vocabulary)}
    terms = set(site_dataset.graph.predicates()) | set(site_dataset.graph.objects(None, RDF.type))
    for term in terms:
        assert any(str(term).startswith(ns) for ns in named), term
    assert str(SDO) in named


def test_void_uses_only_terms_the_void_vocabulary_defines(site_dataset: Dataset) -> None:
    defined = set(Graph().parse(VOID_VOCABULARY, format="turtle").subjects())
    void = void_graph(site_dataset)
    used = {p for p in void.predicates() if str(p).startswith(str(VOID))}
    used |= {o for o in void.objects(None, RDF.type) if str(o).startswith(str(VOID))}
    assert used and used <= defined, used - defined


def test_void_omits_the_sparql_endpoint_where_none_is_served(site_dataset: Dataset) -> None:
    void = void_graph(site_dataset, sparql_endpoint=None)
    assert void.value(void_dataset_iri(BASE), VOID.sparqlEndpoint) is None


def test_void_names_an_external_sparql_endpoint(site_dataset: Dataset) -> None:
    void = void_graph(site_dataset, sparql_endpoint="https://query.example.net/sparql")
    endpoint = void.value(void_dataset_iri(BASE), VOID.sparqlEndpoint)
    assert endpoint == URIRef("https://query.example.net/sparql")


def test_the_license_comes_from_the_environment(
    site_dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LDCV_LICENSE", "https://creativecommons.org/publicdomain/zero/1.0/")
    license = void_graph(site_dataset).value(void_dataset_iri(BASE), DCTERMS.license)
    assert license == URIRef("https://creativecommons.org/publicdomain/zero/1.0/")


def test_vocabularies_split_unknown_namespaces_at_the_last_slash_or_hash() -> None:
    graph = Graph()
    graph.add((URIRef("http://x/s"), URIRef("http://example.net/terms#p"), Literal(1)))
    graph.add((URIRef("http://x/s"), RDF.type, URIRef("http://example.com/ns/Thing")))
    found = {str(v) for v in vocabularies(graph)}
    assert found == {"http://example.net/terms#", "http://example.com/ns/", str(RDF)}


@pytest.mark.parametrize("dump", DUMPS, ids=lambda d: d.name)
def test_each_dump_parses_to_exactly_the_graph(site_dataset: Dataset, dump) -> None:
    data = gzip.decompress(dump_bytes(site_dataset.graph, dump))
    parsed = Graph().parse(data=data, format=dump.format.rdflib_name)
    assert isomorphic(parsed, site_dataset.graph)


def test_a_dump_is_byte_for_byte_reproducible_across_parses(make_site_dataset) -> None:
    # Each parse labels the author list's blank nodes afresh.
    first, second = make_site_dataset(BASE).graph, make_site_dataset(BASE).graph
    for dump in DUMPS:
        assert dump_bytes(first, dump) == dump_bytes(second, dump), dump.name


def test_blank_node_labels_inside_literals_are_left_alone() -> None:
    graph = Graph()
    graph.add((URIRef("http://x/s"), URIRef("http://x/p"), Literal("see _:b0 .")))
    nt = next(d for d in DUMPS if d.format.key == "nt")
    data = gzip.decompress(dump_bytes(graph, nt))
    assert isomorphic(Graph().parse(data=data, format="nt"), graph)


# -- from a store snapshot ------------------------------------------------------------------


@pytest.mark.slow
def test_a_snapshot_counts_and_names_what_the_dataset_in_memory_does(
    snapshot_files, seed_dataset: Dataset
) -> None:
    assert snapshot_files.facts() == memory_facts(seed_dataset)


def test_a_snapshot_void_is_the_void_of_the_dataset_in_memory_byte_for_byte(
    snapshot_files, seed_dataset: Dataset
) -> None:
    from ldcv.rdf.formats import BY_KEY, serialize

    endpoint = BASE + "/sparql"
    memory = void_graph(seed_dataset, sparql_endpoint=endpoint)
    stored = void_graph(seed_dataset, sparql_endpoint=endpoint, facts=snapshot_files.facts())
    for key in ("nt", "turtle", "xml"):
        assert serialize(stored, BY_KEY[key]) == serialize(memory, BY_KEY[key]), key


@pytest.mark.slow
@pytest.mark.parametrize("dump", DUMPS, ids=lambda d: d.name)
def test_a_snapshot_dump_is_a_gzip_file_on_disk_parsing_to_the_dataset(
    snapshot_files, seed_dataset: Dataset, seed_store_copy, dump
) -> None:
    path = snapshot_files.dump(dump)
    generation = seed_store_copy.generation()
    assert path == seed_store_copy.path / "crawler" / str(generation) / dump.name
    data = gzip.decompress(path.read_bytes())
    parsed = Graph().parse(data=data, format=dump.format.rdflib_name)
    assert isomorphic(parsed, seed_dataset.graph)
    assert snapshot_files.dump(dump) == path and path.stat().st_mtime_ns == (
        snapshot_files.dump(dump).stat().st_mtime_ns
    )  # made once


def test_void_counts_the_triples_of_the_snapshot_dump(snapshot_files) -> None:
    nt = next(d for d in DUMPS if d.format.key == "nt")
    lines = gzip.decompress(snapshot_files.dump(nt).read_bytes()).splitlines()
    assert len(lines) == len(set(lines)) == snapshot_files.facts().triples


def test_a_snapshot_dump_is_the_same_bytes_each_time_it_is_made(
    snapshot_files, seed_store_copy, tmp_path: Path
) -> None:
    with seed_store_copy.open_snapshot() as snapshot:
        elsewhere = SnapshotCrawlerFiles(
            snapshot.store, snapshot.records, snapshot.generation, tmp_path / "other", BASE
        )
        for dump in DUMPS:
            assert elsewhere.dump(dump).read_bytes() == snapshot_files.dump(dump).read_bytes()


def test_a_snapshot_sitemap_is_written_whole_with_its_parts(
    snapshot_files, seed_dataset: Dataset
) -> None:
    paths = sitemap_paths(build_documents(seed_dataset))
    sitemap = Sitemap(BASE, paths, seed_dataset.modified, limit=100)
    asked = []

    def listed() -> Sitemap:
        asked.append(1)
        return sitemap

    assert sitemap.parts == -(-len(paths) // 100) > 1
    for served in reversed(sitemap.files):  # a crawler may ask for a part first
        found = snapshot_files.sitemap_file(served, listed)
        assert found is not None and found.read_bytes() == sitemap.render(served), served
    assert asked == [1]  # listed once, for every file
    assert snapshot_files.sitemap_file(f"/sitemap-{sitemap.parts + 1}.xml", listed) is None
    assert snapshot_files.sitemap_file("/robots.txt", listed) is None


# -- the blueprint --------------------------------------------------------------------------


def test_served_robots_and_sitemap(client) -> None:
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots.mimetype == "text/plain"
    assert f"Sitemap: {BASE}/sitemap.xml" in robots.text
    sitemap = client.get("/sitemap.xml")
    assert sitemap.mimetype == "application/xml"
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    assert schema.validate(etree.fromstring(sitemap.data))


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/rdf+xml"),
    ],
)
def test_served_void_is_negotiated_among_rdf_formats(client, accept, media_type) -> None:
    response = client.get("/.well-known/void", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers.get("Vary", "")


def test_served_void_answers_406_to_html_only(client) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert "Accept" in response.headers["Vary"]


def test_served_void_counts_the_served_graph(client, site_dataset: Dataset) -> None:
    void = Graph().parse(data=client.get("/.well-known/void.ttl").data, format="turtle")
    assert void.value(void_dataset_iri(BASE), VOID.triples).toPython() == len(site_dataset.graph)


@pytest.mark.parametrize("dump", DUMPS, ids=lambda d: d.name)
def test_served_dumps_are_gzip_files_without_content_encoding(client, site_dataset, dump) -> None:
    response = client.get(dump.path, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.mimetype == "application/gzip"
    assert "Content-Encoding" not in response.headers
    parsed = Graph().parse(data=gzip.decompress(response.data), format=dump.format.rdflib_name)
    assert isomorphic(parsed, site_dataset.graph)
    again = client.get(dump.path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_an_unknown_dump_is_404(client) -> None:
    assert client.get("/dumps/dataset.rdf.gz").status_code == 404


def test_two_apps_in_one_process_each_keep_their_own_crawler_files(make_site_dataset) -> None:
    apps = [
        create_app({"LDCV_DATASET": make_site_dataset(base), "LDCV_PRERENDER": False})
        for base in ("http://one.example.org", "http://two.example.org")
    ]
    first = [app.test_client().get("/robots.txt").text for app in apps]
    kept = [app.extensions["ldcv.crawler_files"] for app in apps]
    again = [app.test_client().get("/robots.txt").text for app in apps]
    assert again == first
    assert "Sitemap: http://one.example.org/sitemap.xml" in first[0]
    assert "Sitemap: http://two.example.org/sitemap.xml" in first[1]
    # Serving one app leaves the other's files alone: each is made once, on first use.
    assert all(app.extensions["ldcv.crawler_files"] is kept[i] for i, app in enumerate(apps))
    assert kept[0] is not kept[1]


@pytest.mark.slow
def test_void_serializes_to_the_same_bytes_in_every_process() -> None:
    # ETags come from the bytes: two workers (other hash seeds) must agree.
    import subprocess
    import sys

    script = (
        "import sys; from ldcv.pipeline import prepare;"
        "from ldcv.documents.crawler_files import void_graph;"
        "from ldcv.rdf.formats import BY_KEY, serialize;"
        "g = void_graph(prepare(['data'], 'http://example.org'));"
        "sys.stdout.buffer.write(serialize(g, BY_KEY['nt']) + serialize(g, BY_KEY['xml']))"
    )
    root = Path(__file__).resolve().parents[2]
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
        for seed in ("1", "2")
    ]
    assert outputs[0] and outputs[0] == outputs[1]
