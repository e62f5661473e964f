"""The prepared dataset: whose CVs it holds, asked in one place by the catalog, pages and VoID."""

from __future__ import annotations

from dataclasses import replace

from rdflib import URIRef

from ldcv.documents.catalog import build_catalog
from ldcv.documents.crawler_files import void_graph
from ldcv.rdf.formats import BY_KEY
from ldcv.rdf.vocabulary import VOID

BASE = "http://cv.example.org"
ADA = URIRef(BASE + "/id/person/ada-lovelace")
GRACE = URIRef(BASE + "/id/person/grace-hopper")


def test_the_owners_are_the_cvs_owners_in_the_order_of_the_cvs(make_fixture_dataset):
    dataset = make_fixture_dataset(BASE, "cv", "second-cv")
    expected = tuple(URIRef(f"{BASE}/id/person/{cv.owner.key}") for cv in dataset.cvs)
    assert sorted(expected) == [ADA, GRACE]
    assert dataset.owners == expected


def test_without_cv_models_the_owners_are_the_main_entities_of_the_profile_pages(
    make_fixture_dataset,
):
    dataset = replace(make_fixture_dataset(BASE, "cv", "second-cv"), cvs=())
    assert dataset.owners == (ADA, GRACE)


def test_the_owners_as_a_set_are_made_once_for_every_page(make_fixture_dataset):
    dataset = make_fixture_dataset(BASE, "cv", "second-cv")
    assert dataset.owner_set == frozenset({ADA, GRACE})
    assert dataset.owner_set is dataset.owner_set


def test_the_catalog_the_home_page_and_void_name_the_same_owners(make_fixture_dataset):
    dataset = replace(make_fixture_dataset(BASE, "cv", "second-cv"), cvs=())
    catalog = build_catalog(dataset, prerender=False)
    assert catalog.owners == (ADA, GRACE)
    home = catalog.resources["/"].representation(BY_KEY["html"]).identity.body.decode()
    assert 'href="/doc/person/ada-lovelace"' in home
    assert 'href="/doc/person/grace-hopper"' in home
    void = void_graph(dataset, license="https://example.org/licence")
    assert set(void.objects(None, VOID.exampleResource)) == {ADA, GRACE}
