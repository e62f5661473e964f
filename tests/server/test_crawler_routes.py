"""The crawler routes (``ldcv.server.crawler_routes``): each file made on its first request,
once; a sitemap index past the limit; a store's VoID and dumps, made on disk and streamed."""

from __future__ import annotations

import gzip
import subprocess
import sys
import textwrap
import threading
from email.utils import format_datetime
from pathlib import Path

import pytest
from lxml import etree
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

import ldcv.server.crawler_routes as crawler_routes
from ldcv.documents.crawler_files import DUMPS, void_dataset_iri
from ldcv.documents.selection import build_documents
from ldcv.rdf.vocabulary import DCTERMS, VOID
from ldcv.server import create_app
from ldcv.store.disk import StoreDirectory
from ldcv.store.index import index_paths

BASE = "http://cv.example.org"  # seed_dataset's and seed_store_directory's
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITEMAP_XSD = Path(__file__).resolve().parents[1] / "conformance" / "sitemap.xsd"
NT_DUMP = next(d for d in DUMPS if d.format.key == "nt")

# Another server process making the N-Triples dump of the store in argv[1]: it says when
# it has begun, and finishes (with bytes no real dump has) when told to.
DUMP_MAKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.generation_files import GenerationFiles

    directory = StoreDirectory(Path(sys.argv[1]))

    def write(file):
        print("writing", flush=True)
        sys.stdin.readline()
        file.write(sys.argv[2].encode())

    GenerationFiles(directory.path / "crawler", directory.generation()).made(
        "dataset.nt.gz", write
    )
    """
)


def counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Count the calls of ``crawler_routes.<name>``, which go on as before."""
    calls: list[int] = []
    real = getattr(crawler_routes, name)

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(crawler_routes, name, counting)
    return calls


def sitemap_locations(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "application/xml"
    root = etree.fromstring(response.data)
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    assert root.tag == f"{SITEMAP}urlset" and schema.validate(root), schema.error_log
    return [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]


def void_of(client) -> Graph:
    return Graph().parse(data=client.get("/.well-known/void.ttl").data, format="turtle")


def test_robots_txt_makes_no_other_crawler_file(site_dataset, monkeypatch) -> None:
    calls = {name: counted(monkeypatch, name) for name in ("sitemap_paths", "void_graph")}
    calls["dump_bytes"] = counted(monkeypatch, "dump_bytes")
    client = create_app({"LDCV_DATASET": site_dataset, "LDCV_PRERENDER": False}).test_client()
    assert client.get("/robots.txt").status_code == 200
    assert calls == {"sitemap_paths": [], "void_graph": [], "dump_bytes": []}


def test_each_crawler_file_is_made_on_its_first_request_once(site_dataset, monkeypatch) -> None:
    calls = {name: counted(monkeypatch, name) for name in ("sitemap_paths", "void_graph")}
    calls["dump_bytes"] = counted(monkeypatch, "dump_bytes")
    client = create_app({"LDCV_DATASET": site_dataset, "LDCV_PRERENDER": False}).test_client()
    for _ in range(2):
        assert client.get("/.well-known/void").status_code == 200
        assert client.get("/.well-known/void.nt").status_code == 200
    assert calls == {"sitemap_paths": [], "void_graph": [1], "dump_bytes": []}
    for _ in range(2):
        assert client.get("/sitemap.xml").status_code == 200
        assert client.get(NT_DUMP.path).status_code == 200
    assert calls == {"sitemap_paths": [1], "void_graph": [1], "dump_bytes": [1]}


def test_robots_txt_of_a_store_makes_nothing_on_disk(make_store_app, seed_store_copy) -> None:
    client = make_store_app(seed_store_copy).test_client()
    assert client.get("/robots.txt").status_code == 200
    assert not (seed_store_copy.path / "crawler").exists()


@pytest.mark.parametrize("served_from", ["memory", "store"])
def test_past_the_limit_the_sitemap_is_an_index_of_its_parts(
    served_from, seed_dataset, seed_store_copy, make_store_app
) -> None:
    limit = 100
    if served_from == "memory":
        app = create_app(
            {"LDCV_DATASET": seed_dataset, "LDCV_PRERENDER": False, "SITEMAP_LIMIT": limit}
        )
    else:
        app = make_store_app(seed_store_copy, SITEMAP_LIMIT=limit)
    client = app.test_client()
    assert f"Sitemap: {BASE}/sitemap.xml" in client.get("/robots.txt").text
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index.mimetype == "application/xml"
    root = etree.fromstring(index.data)
    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = [s.findtext(f"{SITEMAP}loc") for s in root.iter(f"{SITEMAP}sitemap")]
    assert parts == [f"{BASE}/sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    listed = []
    for part in parts:
        locations = sitemap_locations(client, part.removeprefix(BASE))
        assert 0 < len(locations) <= limit
        listed += locations
    pages = ["/", *sorted(build_documents(seed_dataset))]
    assert listed == [BASE + page for page in pages]
    assert len(parts) == -(-len(pages) // limit) > 1
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_a_store_is_described_as_the_same_dataset_in_memory_is(
    make_store_app, seed_store_copy, seed_dataset
) -> None:
    store = make_store_app(seed_store_copy).test_client()
    memory = create_app({"LDCV_DATASET": seed_dataset, "LDCV_PRERENDER": False}).test_client()
    for path in ("/robots.txt", "/.well-known/void.ttl", "/.well-known/void.nt"):
        assert store.get(path).data == memory.get(path).data, path
    title = void_of(store).value(void_dataset_iri(BASE), DCTERMS.title)
    assert str(title) == "Curriculum vitae of Sebastian Lapuschkin"


@pytest.mark.slow
def test_a_store_dump_is_streamed_from_disk_and_counted_by_void(
    make_store_app, seed_store_copy, seed_dataset
) -> None:
    client = make_store_app(seed_store_copy).test_client()
    response = client.get(NT_DUMP.path, buffered=False, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/gzip"
    assert "Content-Encoding" not in response.headers
    assert response.headers["Content-Disposition"] == 'attachment; filename="dataset.nt.gz"'
    body = response.get_data()
    on_disk = seed_store_copy.path / "crawler" / str(seed_store_copy.generation()) / NT_DUMP.name
    assert body == on_disk.read_bytes()
    lines = gzip.decompress(body).splitlines()
    triples = void_of(client).value(void_dataset_iri(BASE), VOID.triples).toPython()
    assert len(lines) == triples == len(seed_dataset.graph)
    assert isomorphic(Graph().parse(data=b"\n".join(lines), format="nt"), seed_dataset.graph)


@pytest.mark.parametrize("dump", DUMPS, ids=lambda d: d.name)
def test_a_store_dump_answers_conditional_requests(
    make_store_app, seed_store_copy, seed_dataset, dump
) -> None:
    client = make_store_app(seed_store_copy).test_client()
    first = client.get(dump.path)
    assert first.status_code == 200
    assert first.headers["Last-Modified"] == format_datetime(
        seed_dataset.modified.replace(microsecond=0), usegmt=True
    )
    assert "public" in first.headers["Cache-Control"]
    again = client.get(dump.path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get(dump.path, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    head = client.head(dump.path)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == first.headers["ETag"]


@pytest.mark.slow
def test_a_new_snapshot_gets_its_own_void_and_dumps_and_the_old_ones_go(
    make_store_app, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    cv = data / "sebastian-lapuschkin.yaml"
    seed = Path(__file__).resolve().parents[2] / "data" / cv.name
    cv.write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    store = StoreDirectory(tmp_path / "store")
    index_paths([data], store, BASE, jobs=1)
    app = make_store_app(store)
    client = app.test_client()
    old = store.generation()
    assert client.get(NT_DUMP.path).status_code == 200
    text = cv.read_text(encoding="utf-8")
    cv.write_text(text.replace("name: Sebastian Lapuschkin", "name: Sebastian Renamed", 1))
    index_paths([data], store, BASE, jobs=1)
    assert app.extensions["ldcv.follower"].check() is True

    title = void_of(client).value(void_dataset_iri(BASE), DCTERMS.title)
    assert str(title) == "Curriculum vitae of Sebastian Renamed"
    dump = gzip.decompress(client.get(NT_DUMP.path).data)
    assert b'"Sebastian Renamed"' in dump
    folders = sorted(p.name for p in (store.path / "crawler").iterdir())
    assert folders == [str(store.generation())] != [str(old)]


@pytest.mark.slow
def test_a_dump_another_process_is_writing_is_waited_for_and_served(
    make_store_app, seed_store_copy
) -> None:
    sentinel = "the other process's dump"
    maker = subprocess.Popen(
        [sys.executable, "-c", DUMP_MAKER, str(seed_store_copy.path), sentinel],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert maker.stdout is not None and maker.stdout.readline() == "writing\n"
    client = make_store_app(seed_store_copy).test_client()
    answers = []
    asking = threading.Thread(target=lambda: answers.append(client.get(NT_DUMP.path)))
    asking.start()
    asking.join(timeout=0.5)
    assert asking.is_alive()  # waiting for the other process
    maker.communicate("go\n", timeout=60)
    asking.join(timeout=60)
    assert answers and answers[0].status_code == 200
    assert answers[0].data == sentinel.encode()  # its file, not one of this process's making


def test_an_unknown_sitemap_part_or_dump_is_404(make_store_app, seed_store_copy) -> None:
    client = make_store_app(seed_store_copy).test_client()
    assert client.get("/sitemap-1.xml").status_code == 404  # one file holds every page
    assert client.get("/dumps/dataset.rdf.gz").status_code == 404
    assert isinstance(void_of(client).value(void_dataset_iri(BASE), VOID.exampleResource), URIRef)
