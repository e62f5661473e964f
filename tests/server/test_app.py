"""The app factory (``ldcv.server.create_app``): configuration, start-up, what a request does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from ldcv.errors import InputError
from ldcv.rdf.formats import FORMATS
from ldcv.server import create_app

OWNER_DOC = "/doc/person/ada-lovelace"
DATA = Path(__file__).resolve().parents[2] / "data"


def test_configuration_comes_from_defaults_then_environment_then_argument(
    monkeypatch, make_fixture_dataset
):
    monkeypatch.setenv("LDCV_MAX_AGE", "60")
    monkeypatch.setenv("LDCV_HOST", "0.0.0.0")
    dataset = make_fixture_dataset("http://cv.example.org")
    app = create_app({"LDCV_DATASET": dataset, "LDCV_HOST": "127.0.0.2"})
    assert app.config["LDCV_MAX_AGE"] == 60  # environment over the default of 300
    assert app.config["LDCV_HOST"] == "127.0.0.2"  # argument over environment
    response = app.test_client().get(OWNER_DOC)
    assert response.headers["Cache-Control"] == "public, max-age=60"


@pytest.mark.slow
def test_environment_names_the_data_and_the_base(monkeypatch, tmp_path):
    shutil.copy(next(DATA.glob("*.yaml")), tmp_path / "cv.yaml")
    monkeypatch.setenv("LDCV_DATA", f"{tmp_path / 'cv.yaml'}")
    monkeypatch.setenv("LDCV_BASE_URI", "https://cv.example.net/")
    monkeypatch.setenv("LDCV_PRERENDER", "false")  # rendering every document: not asked here
    app = create_app()
    dataset = app.extensions["ldcv"]
    assert dataset.base_uri == "https://cv.example.net"
    response = app.test_client().get(f"/id/person/{dataset.cvs[0].owner.key}")
    assert response.headers["Location"].startswith("https://cv.example.net/doc/person/")


def test_the_app_holds_every_setting_typed(monkeypatch, make_fixture_dataset):
    # The reading rules themselves are tested in tests/test_config.py.
    monkeypatch.setenv("LDCV_SPARQL_TIMEOUT", "2.5")
    monkeypatch.setenv("LDCV_SPARQL_WORKERS", "3")
    monkeypatch.setenv("LDCV_LICENSE", "https://creativecommons.org/publicdomain/zero/1.0/")
    dataset = make_fixture_dataset("http://cv.example.org")
    app = create_app({"LDCV_DATASET": dataset, "TESTING": True})
    assert app.config["LDCV_SPARQL_TIMEOUT"] == 2.5
    assert app.config["LDCV_SPARQL_WORKERS"] == 3
    assert app.config["LDCV_SPARQL_MAX_ROWS"] == 10_000
    assert app.config["LDCV_LICENSE"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert app.config["TESTING"] is True  # Flask's own settings pass through


def test_a_bad_environment_value_stops_start_up_naming_the_variable(
    monkeypatch, make_fixture_dataset
):
    monkeypatch.setenv("LDCV_MAX_AGE", "five")
    with pytest.raises(ValueError, match="LDCV_MAX_AGE"):
        create_app({"LDCV_DATASET": make_fixture_dataset("http://cv.example.org")})


def test_invalid_cv_stops_start_up_with_the_report(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("person:\n  name: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        create_app({"LDCV_DATA": [str(bad)], "LDCV_BASE_URI": "http://cv.example.org"})
    assert "bad.yaml" in str(caught.value)


def test_app_holds_the_dataset_for_other_blueprints(make_fixture_dataset):
    dataset = make_fixture_dataset("http://cv.example.org")
    app = create_app({"LDCV_DATASET": dataset})
    assert app.extensions["ldcv"] is dataset


def test_no_request_serializes_or_renders(monkeypatch, make_fixture_app):
    app = make_fixture_app("http://cv.example.org")

    def refuse(*args, **kwargs):
        raise AssertionError("a request serialized a graph")

    import ldcv.documents.catalog
    import ldcv.pages.render
    import ldcv.rdf.formats

    monkeypatch.setattr(Graph, "serialize", refuse)
    monkeypatch.setattr(ldcv.rdf.formats, "compact_jsonld", refuse)
    monkeypatch.setattr(ldcv.documents.catalog, "serialize", refuse)
    monkeypatch.setattr(ldcv.pages.render, "render_document", refuse)
    monkeypatch.setattr(ldcv.pages.render, "render_index", refuse)
    client = app.test_client()
    catalog = app.extensions["ldcv.catalog"]
    for path in [*catalog.documents, "/", "/vocab"]:
        for fmt in FORMATS:
            assert client.get(path, headers={"Accept": fmt.media_type}).status_code == 200


@pytest.mark.slow  # indexes generated CVs
def test_a_store_app_keeps_the_people_index_for_every_process_of_the_snapshot(
    tmp_path, make_store_app
):
    from ldcv.generator import write_cvs
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.index import index_paths

    write_cvs(3, tmp_path / "data", seed=3)
    store = StoreDirectory(tmp_path / "store")
    index_paths([tmp_path / "data"], store, "https://cv.example.org", jobs=1)
    html = {"Accept": "text/html"}
    first = make_store_app(store).test_client().get("/", headers=html)
    assert first.status_code == 200 and b"/people/by-publications" in first.data
    kept = store.path / "crawler" / str(store.generation()) / "people-index.json"
    assert kept.is_file()
    # What another process finds: the rows it serves are the kept ones.
    rows = json.loads(kept.read_text(encoding="utf-8"))
    kept.write_text(json.dumps([[iri, name, 9000 + n] for iri, name, n in rows]))
    second = make_store_app(store).test_client().get("/", headers=html).text
    assert len(rows) == 3
    assert all(f'<td class="count">{9000 + n}</td>' in second for _, _, n in rows)


def test_a_store_app_returns_freed_memory_at_the_interval_set(make_store_app, seed_store_copy):
    app = make_store_app(seed_store_copy, LDCV_MALLOC_TRIM_INTERVAL=2.5)
    releaser = app.extensions["ldcv.malloc_trim"]
    assert releaser.interval == 2.5
    assert releaser._thread.is_alive()


def test_a_store_app_past_its_store_cache_bound_reopens_the_snapshot_and_answers_alike(
    make_store_app, seed_store_copy, wait_until
):
    app = make_store_app(seed_store_copy, LDCV_STORE_CACHE_MB=16)
    store = app.extensions["ldcv.snapshot"].store
    client = app.test_client()
    html = {"Accept": "text/html"}
    before = client.get("/", headers=html)
    handle = store.handle
    held = bytearray(48 * 1024 * 1024)
    for page in range(0, len(held), 4096):  # written: resident, as caches would be
        held[page] = 1
    # The app's thread looks each second.
    assert wait_until(lambda: store.handle is not handle, seconds=10)
    assert store.reopened >= 1
    after = client.get("/", headers=html)
    assert after.status_code == 200 and after.data == before.data
    assert after.headers["ETag"] == before.headers["ETag"]
    del held


def test_a_store_app_at_the_worker_bound_reopens_the_snapshot_without_growing(
    make_store_app, seed_store_copy, wait_until
):
    # A bound of growth it never reaches; granian's bound (1 MiB) it holds from the start.
    app = make_store_app(seed_store_copy, LDCV_STORE_CACHE_MB=100_000, LDCV_WORKER_MAX_MB=1)
    bound = app.extensions["ldcv.store_cache_bound"]
    store = app.extensions["ldcv.snapshot"].store
    handle = store.handle
    assert bound.ceiling_mib == 1
    assert wait_until(lambda: store.handle is not handle, seconds=10)
    assert app.test_client().get("/", headers={"Accept": "text/html"}).status_code == 200


def test_a_store_cache_bound_of_zero_never_reopens(make_store_app, seed_store_copy):
    app = make_store_app(seed_store_copy, LDCV_STORE_CACHE_MB=0)
    assert "ldcv.store_cache_bound" not in app.extensions


def test_a_trim_interval_of_zero_starts_no_release(make_store_app, seed_store_copy):
    app = make_store_app(seed_store_copy, LDCV_MALLOC_TRIM_INTERVAL=0)
    assert "ldcv.malloc_trim" not in app.extensions


def _whole_dataset_pages(client) -> dict[str, bytes]:
    """The pages that read the whole dataset, as a crawler asks for them, by path."""
    html, turtle = {"Accept": "text/html"}, {"Accept": "text/turtle"}
    found = {path: client.get(path, headers=html) for path in ("/", "/people/by-publications")}
    found["/.well-known/void"] = client.get("/.well-known/void", headers=turtle)
    found["/sitemap.xml"] = client.get("/sitemap.xml")
    for number in range(1, 1 + found["/sitemap.xml"].text.count("<sitemap>")):
        found[f"/sitemap-{number}.xml"] = client.get(f"/sitemap-{number}.xml")
    assert all(response.status_code == 200 for response in found.values()), found
    return {path: response.data for path, response in found.items()}


@pytest.mark.slow  # indexes generated CVs three times; children make the files
def test_a_new_generations_whole_dataset_files_are_made_ahead_as_a_fresh_store_makes_them(
    tmp_path, make_store_app, monkeypatch
):
    from ldcv.documents import people_index, snapshot_crawler_files, snapshot_sitemap
    from ldcv.generator import write_cvs
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.index import index_paths

    base, limit = "https://cv.example.org", 40  # several sitemap parts
    write_cvs(5, tmp_path / "pool", seed=3)
    data = tmp_path / "data"
    data.mkdir()
    pool = sorted((tmp_path / "pool").iterdir())
    for path in pool[:4]:
        shutil.copy2(path, data / path.name)
    served = StoreDirectory(tmp_path / "served")
    assert not index_paths([data], served, base, jobs=1).failed
    app = make_store_app(served, LDCV_PREPARE_FILES=True, SITEMAP_LIMIT=limit)
    app.extensions["ldcv.ahead"].join(timeout=300)

    # A CV added, one removed, one edited; the server follows the new generation.
    shutil.copy2(pool[4], data / pool[4].name)
    (data / pool[0].name).unlink()
    edited = data / pool[1].name
    text = edited.read_text(encoding="utf-8")
    award = text.index("\n    name: ", text.index("\nawards:"))  # the owner's own
    edited.write_text(text[:award] + "\n    name: Renamed" + text[award + 11 :], encoding="utf-8")
    report = index_paths([data], served, base, jobs=1)
    assert not report.failed and report.generation == 2
    assert app.extensions["ldcv.follower"].check()
    app.extensions["ldcv.ahead"].join(timeout=300)
    prepared = served.path / "crawler" / "2"
    assert (prepared / ".prepared").is_file() and (prepared / "people-index.json").is_file()

    fresh = StoreDirectory(tmp_path / "fresh")  # the same data indexed from nothing
    assert not index_paths([data], fresh, base, jobs=1).failed
    expected = _whole_dataset_pages(make_store_app(fresh, SITEMAP_LIMIT=limit).test_client())

    def made_here(*args: object) -> None:
        raise AssertionError("a request made a whole-dataset file")

    monkeypatch.setattr(snapshot_sitemap, "_run_child", made_here)
    monkeypatch.setattr(people_index.PeopleIndex, "row_of", made_here)
    monkeypatch.setattr(snapshot_crawler_files.SnapshotCrawlerFiles, "_write_counts", made_here)
    assert _whole_dataset_pages(app.test_client()) == expected
    assert expected["/sitemap.xml"].count(b"<sitemap>") > 1


def test_a_store_app_told_not_to_prepare_files_leaves_them_to_requests(
    make_store_app, seed_store_copy
):
    app = make_store_app(seed_store_copy, LDCV_PREPARE_FILES=False)
    assert "ldcv.ahead" not in app.extensions
    assert not (seed_store_copy.path / "crawler").exists()


# -- the heaviest documents rendered ahead, served from disk -----------------------------------

AHEAD_BASE = "https://cv.example.org"
AHEAD_THRESHOLD = 40  # a few dozen documents of six generated CVs


def _ahead_store(tmp_path):
    """Six generated CVs indexed into a store; their data folder and the store."""
    from ldcv.generator import write_cvs
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.index import index_paths

    data = tmp_path / "data"
    write_cvs(6, data, seed=5)
    served = StoreDirectory(tmp_path / "store")
    assert not index_paths([data], served, AHEAD_BASE, jobs=1).failed
    return data, served


def _made_ahead_app(make_store_app, served):
    app = make_store_app(served, LDCV_PREPARE_FILES=True, LDCV_AHEAD_TRIPLES=AHEAD_THRESHOLD)
    for thread in ("ldcv.ahead", "ldcv.ahead_documents"):
        app.extensions[thread].join(timeout=300)
    return app


def _manifest(served, generation):
    from ldcv.documents.ahead_files import MANIFEST, ahead_files, read_manifest

    made = ahead_files(served.path, generation).folder / MANIFEST
    return dict(read_manifest(made.read_bytes()))


def _raw_get(live, path, **headers):
    """GET ``path``: status, headers but Date, and the bytes as sent (gzip not undone)."""
    import requests

    response = requests.get(live.url(path), headers=headers, stream=True, timeout=30)
    body = response.raw.read(decode_content=False)
    sent = {k: v for k, v in response.headers.items() if k.lower() != "date"}
    return response.status_code, sent, body


@pytest.mark.slow  # renders generated CVs' documents; two servers over real HTTP
def test_a_document_made_ahead_is_served_with_the_bytes_and_headers_of_one_rendered_on_request(
    six_generated_store_copy, make_store_app, start_server, small_pages, monkeypatch
):
    from ldcv.documents.ahead_files import MANIFEST, AheadDocuments, ahead_files
    from ldcv.documents.catalog import document_kind
    from ldcv.documents.documents_ahead import make_documents
    from ldcv.rdf.formats import formats_for

    # small_pages: the documents are made here, as the child makes them, and both servers
    # read the same pages.
    served = six_generated_store_copy  # six generated CVs indexed under AHEAD_BASE
    with served.open_snapshot() as snapshot:
        ahead_files(served.path, 1).made(
            MANIFEST,
            lambda manifest: make_documents(
                snapshot.store, served.path, 1, AHEAD_BASE, AHEAD_THRESHOLD,
                snapshot.records, manifest,
            ),
        )  # fmt: skip
    ahead_app = make_store_app(served, LDCV_AHEAD_TRIPLES=AHEAD_THRESHOLD)  # reads them
    made = _manifest(served, 1)
    paths = [p for p in sorted(made) if "/page/" not in p][:4]
    paths += [p for p in sorted(made) if "/page/" in p][:1]
    assert len(paths) == 5, "no paged document was made ahead"

    read = AheadDocuments.representation
    from_disk = []

    def counted(self, path, fmt, location):  # counts what came from disk, changes nothing
        found = read(self, path, fmt, location)
        from_disk.append(found is not None)
        return found

    monkeypatch.setattr(AheadDocuments, "representation", counted)
    with (
        start_server.app(lambda base: ahead_app) as ahead,
        start_server.app(lambda base: make_store_app(served, LDCV_AHEAD_TRIPLES=0)) as rendered,
    ):
        asked = 0
        for path in paths:
            for fmt in formats_for(document_kind(path)):
                for encoding in ("identity", "gzip"):
                    url = f"{path}.{fmt.suffix}"
                    expected = _raw_get(rendered, url, **{"Accept-Encoding": encoding})
                    assert expected[0] == 200
                    assert _raw_get(ahead, url, **{"Accept-Encoding": encoding}) == expected
                    asked += 1
            negotiated = {"Accept": "text/html", "Accept-Encoding": "gzip"}
            assert _raw_get(ahead, path, **negotiated) == _raw_get(rendered, path, **negotiated)
    assert from_disk and all(from_disk)  # every format of these came from disk, once each
    assert len(from_disk) == asked // 2


@pytest.mark.slow  # indexes generated CVs twice; children render; real HTTP
def test_after_a_cv_changes_no_document_made_ahead_before_is_served(
    tmp_path, make_store_app, start_server
):
    import gzip

    from ldcv.documents.ahead_files import AheadDocuments, ahead_files
    from ldcv.store.index import index_paths

    data, served = _ahead_store(tmp_path)
    app = _made_ahead_app(make_store_app, served)
    awarded = [p for p in sorted(data.iterdir()) if "\nawards:" in p.read_text("utf-8")]
    edited = awarded[0]
    profile = f"/doc/person/{edited.stem}"  # the owner's: it lists their awards
    assert profile in _manifest(served, 1)
    html = {"Accept": "text/html"}
    with start_server.app(lambda base: app) as live:
        before = live.get(profile, **html)
        assert before.status_code == 200 and "Renamed award" not in before.text

        text = edited.read_text(encoding="utf-8")
        award = text.index("\n    name: ", text.index("\nawards:"))
        renamed = text[:award] + "\n    name: Renamed award" + text[award + 11 :]
        edited.write_text(renamed, encoding="utf-8")
        assert not index_paths([data], served, AHEAD_BASE, jobs=1).failed
        assert app.extensions["ldcv.follower"].check()
        during = live.get(profile, **html)  # the new generation's child may still be at work
        assert "Renamed award" in during.text

        for thread in ("ldcv.ahead", "ldcv.ahead_documents"):
            app.extensions[thread].join(timeout=300)
        assert profile in _manifest(served, 2)  # made again for the new generation
        made = AheadDocuments(ahead_files(served.path, 2).folder)
        kept = made.documents / f"doc~person~{edited.stem}" / "html.gz"
        assert b"Renamed award" in gzip.decompress(kept.read_bytes())
        assert live.get(profile, **html).text == during.text
