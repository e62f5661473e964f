"""The catalog of a store (``ldcv.documents.store_catalog``): the in-memory bytes, on demand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ldcv.documents.catalog import Catalog
from ldcv.documents.store_catalog import RecordedOwners, record_owners, store_catalog
from ldcv.documents.store_index import StoreIndex
from ldcv.rdf.formats import BIBLIOGRAPHIC_FORMATS, BY_KEY, FORMATS
from ldcv.rdf.vocabulary import VOCABULARY_PATH

OWNER_DOC = "/doc/person/sebastian-lapuschkin"


def catalog_of(store, memory: Catalog, **options) -> Catalog:
    dataset = memory.dataset
    return store_catalog(
        store,
        dataset.base_uri,
        modified=dataset.modified,
        sparql_endpoint=memory.sparql_endpoint,
        **options,
    )


def assert_same_representations(memory: Catalog, stored: Catalog, paths) -> None:
    for path in paths:
        for fmt in FORMATS:
            expected = memory.resources[path].representation(fmt)
            served = stored.resources[path].representation(fmt)
            assert served.identity == expected.identity, (path, fmt.key)  # bytes and ETag
            assert served.gzip == expected.gzip, (path, fmt.key)
            assert served.location == expected.location, (path, fmt.key)


def one_of_each_kind(catalog: Catalog) -> list[str]:
    first: dict[str, str] = {}
    for path, document in catalog.documents.items():
        first.setdefault(document.kind, path)
    return sorted(first.values())


def test_the_store_catalog_lists_the_same_documents_and_owners(seed_store, seed_memory_catalog):
    stored = catalog_of(seed_store, seed_memory_catalog)
    assert list(stored.documents) == list(seed_memory_catalog.documents)
    assert stored.owners == seed_memory_catalog.owners
    assert stored.modified == seed_memory_catalog.modified


@pytest.mark.slow
def test_a_document_of_each_kind_has_the_in_memory_bytes_in_every_format(
    seed_store, seed_memory_catalog
):
    stored = catalog_of(seed_store, seed_memory_catalog)
    paths = one_of_each_kind(seed_memory_catalog)
    assert len(paths) > 10  # person, publication, organization, role, credential, …
    assert_same_representations(seed_memory_catalog, stored, ["/", VOCABULARY_PATH, *paths])


@pytest.mark.slow
def test_every_seed_document_has_the_in_memory_bytes_in_every_format(
    seed_store, seed_memory_catalog
):
    stored = catalog_of(seed_store, seed_memory_catalog)
    paths = ["/", VOCABULARY_PATH, *seed_memory_catalog.documents]
    assert_same_representations(seed_memory_catalog, stored, paths)


def test_every_document_of_two_overlapping_cvs_has_the_in_memory_bytes_in_every_format(
    overlapping_cv_store, overlapping_cv_memory_catalog
):
    memory = overlapping_cv_memory_catalog
    stored = catalog_of(overlapping_cv_store, memory)
    assert list(stored.documents) == list(memory.documents)
    assert len(stored.owners) == 2  # the home page is an index of people
    assert_same_representations(memory, stored, ["/", VOCABULARY_PATH, *memory.documents])


def test_the_home_page_of_one_cv_is_its_owners_document(seed_store, seed_memory_catalog):
    stored = catalog_of(seed_store, seed_memory_catalog)
    assert stored.resources["/"] is stored.resources[OWNER_DOC]
    page = stored.resources["/"].representation(BY_KEY["html"]).identity.body.decode()
    assert "<title>Sebastian Lapuschkin" in page  # the site is named after its owner


def test_the_cache_stays_within_its_bound_after_rendering_many_documents(
    seed_store, seed_memory_catalog
):
    stored = catalog_of(seed_store, seed_memory_catalog, cache_mb=0.25)
    cache = stored.resources.cache  # type: ignore[attr-defined]
    paths = [p for p in seed_memory_catalog.documents if p != OWNER_DOC][:80]
    for path in paths:
        for fmt in (BY_KEY["turtle"], BY_KEY["nt"]):
            stored.resources[path].representation(fmt)
        assert cache.weight <= cache.limit == 0.25 * 1024 * 1024
    assert 0 < len(cache) < len(paths)  # the first were evicted …
    first = stored.resources[paths[0]]  # … and come back, made again, with the same bytes
    turtle = BY_KEY["turtle"]
    assert first.representation(turtle) == seed_memory_catalog.resources[paths[0]].representation(
        turtle
    )


def test_a_missing_path_is_a_miss_without_listing_the_store(
    seed_store, seed_memory_catalog, monkeypatch
):
    stored = catalog_of(seed_store, seed_memory_catalog)

    def no_scan(self):
        raise AssertionError("a lookup listed every subject")

    monkeypatch.setattr(StoreIndex, "minted_subjects", no_scan)
    for path in (
        "/doc/person/nobody-at-all",
        "/doc/person",
        "/doc/person/sebastian-lapuschkin/more",
        "/doc/person/Not A Slug",
        "/id/person/sebastian-lapuschkin",
        "/elsewhere",
    ):
        assert stored.resources.get(path) is None, path
        assert path not in stored.resources, path
        assert path not in stored.documents, path
        with pytest.raises(KeyError):
            stored.resources[path]
        with pytest.raises(KeyError):
            stored.documents[path]
    assert OWNER_DOC in stored.documents
    assert stored.resources.get("/doc/organization/fraunhofer-hhi") is not None


def test_the_server_answers_from_a_store_catalog(seed_store, seed_memory_catalog, make_fixture_app):
    from ldcv.server import install_catalog

    memory = seed_memory_catalog
    app = make_fixture_app(memory.dataset.base_uri, "cv", LDCV_PRERENDER=False)
    install_catalog(app, catalog_of(seed_store, memory))
    client = app.test_client()

    response = client.get(OWNER_DOC, headers={"Accept": "text/turtle"})
    expected = memory.resources[OWNER_DOC].representation(BY_KEY["turtle"]).identity
    assert (response.status_code, response.data, response.headers["ETag"]) == (
        200,
        expected.body,
        expected.etag,
    )
    assert client.get("/id/person/sebastian-lapuschkin").status_code == 303
    assert client.get("/id/person/nobody-at-all").status_code == 404
    assert client.get("/doc/person/nobody-at-all.ttl").status_code == 404
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
    assert client.get(VOCABULARY_PATH + ".ttl").status_code == 200


@pytest.mark.slow
def test_a_stores_works_and_people_give_the_same_bibliographies(seed_store, seed_memory_catalog):
    stored = catalog_of(seed_store, seed_memory_catalog)
    work = "/doc/publication/lapuschkin-2019-unmasking-clever-hans-predictors"
    for path in (OWNER_DOC, work, "/doc/person/klaus-robert-mueller"):
        for fmt in BIBLIOGRAPHIC_FORMATS:
            expected = seed_memory_catalog.resources[path].representation(fmt)
            served = stored.resources[path].representation(fmt)
            assert served.identity == expected.identity, (path, fmt.key)
            assert len(served.identity.body) > 100
    ieee = stored.resources[work].styled(BY_KEY["citation"], "ieee", "en-US")
    assert ieee.identity.body.startswith(b"[1]S. Lapuschkin")


def test_a_stores_work_page_is_made_with_its_cite_block(seed_store, seed_memory_catalog):
    stored = catalog_of(seed_store, seed_memory_catalog)
    work = "/doc/publication/bach-2015-on-pixel-wise-explanations"
    page = stored.resources[work].representation(BY_KEY["html"]).identity.body.decode()
    assert '<section class="cite"' in page and "Bach, S., Binder, A." in page


def test_a_store_catalog_compiles_the_page_templates_before_the_first_page(
    seed_store, seed_memory_catalog, monkeypatch: pytest.MonkeyPatch
):
    from ldcv.pages import render

    render._ENV.cache.clear()  # as in a new worker: whatever other tests rendered is gone
    stored = catalog_of(seed_store, seed_memory_catalog)

    def no_template_read(environment, name):  # the request would pay for it
        raise AssertionError(f"{name} was read and compiled in a request")

    monkeypatch.setattr(render._ENV.loader, "get_source", no_template_read)
    for path in one_of_each_kind(seed_memory_catalog):
        assert stored.resources[path].representation(BY_KEY["html"]).identity.body


@pytest.mark.parametrize("key", ["html", "json-ld"])
def test_a_store_catalog_reads_the_json_ld_context_once_before_the_first_page(
    seed_store, seed_memory_catalog, monkeypatch: pytest.MonkeyPatch, key: str
):
    from ldcv.rdf import jsonld

    stored = catalog_of(seed_store, seed_memory_catalog)

    def no_context_read():  # 50 ms that the request would pay for
        raise AssertionError("the schema.org context was read in a request")

    monkeypatch.setattr(jsonld, "schema_context", no_context_read)
    paths = [*one_of_each_kind(seed_memory_catalog), VOCABULARY_PATH]
    for path in paths:
        assert stored.resources[path].representation(BY_KEY[key]).identity.body
    assert stored.resources["/"].representation(BY_KEY[key]).identity.body


def test_the_owners_the_records_name_are_those_the_profile_pages_are_about(
    overlapping_store: Any,
) -> None:
    with overlapping_store.open_snapshot() as snapshot:
        base = "https://example.org"
        from_graph = store_catalog(snapshot.store, base, modified=datetime.now(UTC))
        recorded = record_owners(snapshot.records, base)
        assert len(recorded) == 2
        assert recorded == from_graph.dataset.owners
        assert record_owners(snapshot.records, "https://elsewhere.example") == ()
        given = store_catalog(snapshot.store, base, modified=datetime.now(UTC), owners=recorded)
        assert given.owners == from_graph.owners
        assert isinstance(given.dataset, RecordedOwners)  # no profile page was read for them


def test_the_people_index_pages_are_in_the_bound_and_come_back_with_the_same_bytes(
    overlapping_cv_store, overlapping_cv_memory_catalog
):
    memory = overlapping_cv_memory_catalog
    stored = catalog_of(overlapping_cv_store, memory, cache_mb=0.05)
    cache = stored.resources.cache  # type: ignore[attr-defined]
    pages = list(stored.pages)
    assert pages and all(p in stored.resources for p in pages)
    assert set(pages) <= set(stored.resources)  # listed, as before
    html = BY_KEY["html"]
    first = stored.resources[pages[0]]
    expected = first.representation(html)
    assert pages[0] in cache  # weighed in the bound, not kept for good
    for path in memory.documents:
        stored.resources[path].representation(html)
        assert cache.weight <= cache.limit
    assert pages[0] not in cache  # evicted by the documents …
    again = stored.resources[pages[0]]
    assert again is not first  # … made again, with the same bytes
    assert again.representation(html) == expected == memory.resources[pages[0]].representation(html)


def test_documents_get_fresh_shared_prefixes_past_a_bound_with_the_same_bytes(
    seed_store, seed_memory_catalog, monkeypatch
):
    from ldcv.documents import store_index

    # rdflib remembers every IRI a manager abbreviated: a bound on the triples it served.
    monkeypatch.setattr(store_index, "NAMESPACES_TRIPLES", 200)
    stored = catalog_of(seed_store, seed_memory_catalog, cache_mb=0)
    index = stored.documents.index  # type: ignore[attr-defined]
    managers = []
    paths = [p for p in seed_memory_catalog.documents if p != OWNER_DOC][:40]
    turtle = BY_KEY["turtle"]
    for path in paths:
        served = stored.resources[path].representation(turtle)
        assert served == seed_memory_catalog.resources[path].representation(turtle), path
        managers.append(index._namespaces)
    assert len({id(m) for m in managers}) > 1  # replaced along the way


def test_a_kept_resource_weighs_at_least_its_link_headers_and_variant_urls(
    seed_store, seed_memory_catalog
):
    import sys

    from ldcv.documents.store_catalog import RESOURCE_OVERHEAD

    def size(mapping: dict) -> int:  # the dict and its strings, as Python holds them
        return sys.getsizeof(mapping) + sum(sys.getsizeof(v) for v in mapping.values())

    stored = catalog_of(seed_store, seed_memory_catalog)
    for path in one_of_each_kind(seed_memory_catalog):
        resource = stored.resources[path]
        assert size(resource.links) + size(resource.variant_urls) <= RESOURCE_OVERHEAD, path
