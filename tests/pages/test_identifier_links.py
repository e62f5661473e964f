"""Identifiers on the pages: ORCID, ROR, Wikidata, DOI, arXiv and ISBN as links and meta tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldcv.documents.selection import Document, build_documents
from ldcv.pages.identifier_links import IdentifierLink, identifier_links
from ldcv.pages.render import render_document
from ldcv.pages.view import Node, Page
from ldcv.pipeline import Dataset, prepare
from ldcv.rdf.iris import thing_iri

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BASE = "http://cv.example.org"
HOSTILE = '0000"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def identified(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, dict[str, Document]]:
    """The loader's identifiers fixture, prepared and split into documents."""
    folder = tmp_path_factory.mktemp("identifiers")
    (folder / "cv.yaml").write_text(
        (FIXTURES / "load-identifiers.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    dataset = prepare([folder], BASE)
    return dataset, build_documents(dataset)


@pytest.fixture(scope="module")
def page_of(identified, parse_html):
    dataset, documents = identified

    def render(kind: str, slug: str):
        page = render_document(documents[f"/doc/{kind}/{slug}"], dataset, documents)
        return page, parse_html(page)

    return render


def node(dataset: Dataset, kind: str, slug: str) -> Node:
    graph = dataset.graph
    page = Page(graph=graph, dataset_graph=graph, base_uri=BASE, subjects={})
    return Node(thing_iri(BASE, kind, slug), page)


def test_identifier_links_follow_the_scheme_table(identified) -> None:
    dataset, _ = identified
    assert identifier_links(node(dataset, "organization", "lbnl")) == [
        IdentifierLink(
            "ROR", "02jbv0t02", "https://ror.org/02jbv0t02", "https://ror.org/02jbv0t02"
        ),
        IdentifierLink(
            "Wikidata",
            "Q1133630",
            "https://www.wikidata.org/wiki/Q1133630",
            "http://www.wikidata.org/entity/Q1133630",
        ),
    ]
    (isbn,) = [
        i for i in identifier_links(node(dataset, "publication", "notes")) if i.scheme == "ISBN"
    ]
    assert (isbn.value, isbn.url, isbn.same_as) == ("9780306406157", None, None)


def test_a_person_page_links_their_orcid(page_of) -> None:
    _, root = page_of("person", "charles-babbage")
    (link,) = root.xpath('//header//p[@class="ids"]//a')
    assert link.get("href") == "https://orcid.org/0000-0002-1694-233X"
    assert link.text_content() == "0000-0002-1694-233X"
    assert "ORCID" in root.xpath('//header//p[@class="ids"]')[0].text_content()


def test_an_organisation_page_links_its_ror_id_and_wikidata_item(page_of) -> None:
    _, root = page_of("organization", "lbnl")
    hrefs = root.xpath('//header//p[@class="ids"]//a/@href')
    assert hrefs == ["https://ror.org/02jbv0t02", "https://www.wikidata.org/wiki/Q1133630"]


def test_the_profile_lists_the_owners_orcid_once_as_rel_me(page_of) -> None:
    _, root = page_of("person", "ada-lovelace")
    links = root.xpath('//ul[@class="profiles"]//a[@rel="me"]')
    orcid = [a for a in links if "orcid.org" in a.get("href")]
    assert [a.get("href") for a in orcid] == ["https://orcid.org/0000-0002-1825-0097"]
    assert orcid[0].text_content() == "ORCID 0000-0002-1825-0097"


def test_a_publication_page_shows_doi_and_isbn_and_tags_them(page_of, meta_of) -> None:
    page, root = page_of("publication", "notes")
    links = root.xpath('//header//p[@class="links"]')[0]
    assert "https://doi.org/10.5555/Notes.1843" in links.xpath(".//a/@href")
    assert links.xpath('.//span[@class="isbn"]')[0].text_content() == "ISBN 9780306406157"
    assert meta_of(page, "citation_doi") == ["10.5555/Notes.1843"]
    assert meta_of(page, "citation_isbn") == ["9780306406157"]


def test_an_isbn_10_and_a_versioned_arxiv_id_reach_the_tags(page_of, meta_of) -> None:
    page, _ = page_of("publication", "tables")
    assert meta_of(page, "citation_isbn") == ["080442957X"]
    assert meta_of(page, "citation_doi") == []
    page, root = page_of("publication", "engines")
    assert meta_of(page, "citation_arxiv_id") == ["1501.00001v2"]
    assert meta_of(page, "citation_isbn") == []
    assert "https://arxiv.org/abs/1501.00001v2" in root.xpath('//p[@class="links"]//a/@href')


def test_an_identifier_from_the_graph_stays_text(make_site_dataset, parse_html) -> None:
    # The loader refuses such a value; a graph from elsewhere (a store) may still hold one.
    extra = f"""
<id/person/grace-hopper> schema:identifier <id/identifier/orcid-hostile> .
<id/identifier/orcid-hostile> a schema:PropertyValue ;
    schema:propertyID "ORCID" ; schema:value {_turtle_string(HOSTILE)} .
"""
    dataset = make_site_dataset(extra=extra)
    documents = build_documents(dataset)
    page = render_document(documents["/doc/person/grace-hopper"], dataset, documents)
    root = parse_html(page)
    assert not root.xpath("//img") and not root.xpath("//@*[starts-with(name(), 'on')]")
    (item,) = [
        li for li in root.xpath('//ul[@class="profiles"]/li') if "ORCID" in li.text_content()
    ]
    assert item.text_content() == f"ORCID {HOSTILE}"


def _turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
