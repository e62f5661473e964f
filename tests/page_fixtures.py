"""The seed CV rendered to HTML once per test run, and how tests read the pages back.

Both are cached, so the test modules that read the pages share one rendering; call
them from the module's fixtures.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import lxml.html
import pytest
from rdflib import URIRef

from ldcv.documents.selection import Document, build_documents
from ldcv.pages.render import render_document
from ldcv.pages.view import Node, Page
from ldcv.pipeline import Dataset, prepare

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://cv.example.org"
OWNER = "sebastian-lapuschkin"
PROFILE = f"/doc/person/{OWNER}"


@cache
def seed_site() -> tuple[Dataset, dict[str, Document]]:
    """The seed dataset and its documents by path, prepared once per test run."""
    dataset = prepare([ROOT / "data"], BASE)
    return dataset, build_documents(dataset)


@cache
def seed_pages() -> dict[str, str]:
    """Every seed document rendered as the server renders it, by path, once per test run."""
    dataset, documents = seed_site()
    return {
        path: render_document(doc, dataset, documents, sparql_endpoint=BASE + "/sparql")
        for path, doc in documents.items()
    }


def seed_node(iri: URIRef) -> Node:
    """A resource of the seed dataset, seen as the templates see it."""
    dataset, _documents = seed_site()
    page = Page(graph=dataset.graph, dataset_graph=dataset.graph, base_uri=BASE, subjects={})
    return Node(iri, page)


def tree(page: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page)


def meta(page: str, name: str) -> list[str]:
    """The contents of the page's ``<meta name=…>`` tags of that name, in order."""
    return tree(page).xpath(f'//meta[@name="{name}"]/@content')


@pytest.fixture
def seed() -> tuple[Dataset, dict[str, Document]]:
    """The seed dataset and its documents."""
    return seed_site()


@pytest.fixture
def pages() -> dict[str, str]:
    """Every seed document rendered, by path."""
    return seed_pages()
