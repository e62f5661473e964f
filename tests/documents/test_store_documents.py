"""A store's documents by path, made when asked for (``ldcv.documents.store_documents``)."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from ldcv.documents.store_documents import StoreDocuments
from ldcv.documents.store_index import StoreIndex
from ldcv.store.rdflib_view import UnionView

OWNER_DOC = "/doc/person/sebastian-lapuschkin"


@pytest.fixture
def documents(seed_store, seed_dataset) -> StoreDocuments:
    return StoreDocuments(StoreIndex(UnionView(seed_store), seed_dataset.base_uri), kept=4)


def test_every_path_is_listed_in_the_in_memory_order(documents, seed_documents):
    assert list(documents) == list(seed_documents)
    assert len(documents) == len(seed_documents)


def test_a_document_is_made_when_asked_for_as_in_memory(documents, seed_documents):
    for path in (OWNER_DOC, "/doc/role/sebastian-lapuschkin-hhi-head-xai"):
        made, expected = documents[path], seed_documents[path]
        assert (made.path, made.kind, made.slug, made.subject, made.title) == (
            expected.path,
            expected.kind,
            expected.slug,
            expected.subject,
            expected.title,
        )
        assert set(made.graph) == set(expected.graph)


def test_a_missing_or_malformed_path_is_a_miss_without_listing(documents, monkeypatch):
    def no_scan(self):
        raise AssertionError("a lookup listed every subject")

    monkeypatch.setattr(StoreIndex, "minted_subjects", no_scan)
    for path in ("/doc/person/nobody", "/doc/person", "/doc/x/y/z", "/doc/Person/X", "/", 7):
        assert path not in documents
        with pytest.raises(KeyError):
            documents[path]  # type: ignore[index]
    assert OWNER_DOC in documents


def test_only_the_most_recently_used_documents_are_kept(documents, seed_documents):
    first = documents[OWNER_DOC]
    assert documents[OWNER_DOC] is first  # kept
    for path in list(seed_documents)[:10]:
        documents[path]
    again = documents[OWNER_DOC]
    assert again is not first  # evicted, and made anew …
    assert (again.subject, again.title) == (first.subject, first.title)  # … the same


def test_pages_find_each_subjects_document_by_its_iri(documents, seed_dataset):
    paths, shared = documents.page_index()
    base = seed_dataset.base_uri
    owner = URIRef(f"{base}/id/person/sebastian-lapuschkin")
    assert paths[owner] == OWNER_DOC and owner in paths
    assert paths.get(URIRef(f"{base}/id/person/nobody")) is None
    assert URIRef("https://orcid.org/0000-0002-0000-0000") not in paths
    assert documents.page_index()[1] is shared  # one memo for all the pages
    assert shared.limit > 0  # and a bounded one
