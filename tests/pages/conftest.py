"""Fixtures of the page tests: the seed's pages rendered once per run, and how to read them back.

The seed's dataset and documents (``seed_dataset``, ``seed_documents``) are in
``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import pytest
from rdflib import URIRef

from ldcv.documents.selection import Document
from ldcv.pages.render import render_document
from ldcv.pages.view import Node, Page
from ldcv.pipeline import Dataset
from ldcv.rdf.jsonld import JsonLdContext, compact_jsonld


@pytest.fixture(scope="session")
def seed_pages(seed_dataset: Dataset, seed_documents: dict[str, Document]) -> dict[str, str]:
    """Every seed document rendered as the server renders it (with its SPARQL endpoint), by path.

    As a catalog does, the schema.org context is read once and each document compacted with
    it (read again for each page, the context was four fifths of the rendering).
    """
    endpoint = seed_dataset.base_uri + "/sparql"
    context = JsonLdContext.read()
    return {
        path: render_document(
            document,
            seed_dataset,
            seed_documents,
            compact_jsonld(document.graph, context),
            sparql_endpoint=endpoint,
        )
        for path, document in seed_documents.items()
    }


@pytest.fixture(scope="session")
def seed_node(seed_dataset: Dataset) -> Callable[[URIRef], Node]:
    """``seed_node(iri)``: a resource of the seed dataset, seen as the templates see it."""
    graph, base = seed_dataset.graph, seed_dataset.base_uri

    def node(iri: URIRef) -> Node:
        return Node(iri, Page(graph=graph, dataset_graph=graph, base_uri=base, subjects={}))

    return node


def _parse_html(page: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page)


def _meta_of(page: str, name: str) -> list[str]:
    return _parse_html(page).xpath(f'//meta[@name="{name}"]/@content')


@pytest.fixture(scope="session")
def parse_html() -> Callable[[str], lxml.html.HtmlElement]:
    """``parse_html(page)``: the page's element tree, as lxml reads it."""
    return _parse_html


@pytest.fixture(scope="session")
def meta_of() -> Callable[[str, str], list[str]]:
    """``meta_of(page, name)``: the contents of the page's ``<meta name=…>`` tags, in order."""
    return _meta_of
