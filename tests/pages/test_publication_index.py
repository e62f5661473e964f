"""The profile's publications by type and by year: the groups, their anchors and counts,
directly and on the rendered page (contents, headings, the list by year)."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef, namespace

from ldcv.documents.selection import build_documents
from ldcv.generator.plan import write_cvs
from ldcv.pages.citations import PUBLICATION_GROUPS
from ldcv.pages.cv_sections import publications_of
from ldcv.pages.publication_index import publication_index, year_of
from ldcv.pages.render import render_document
from ldcv.pages.view import Node, Page
from ldcv.pipeline import prepare
from ldcv.rdf.iris import thing_iri
from ldcv.rdf.vocabulary import SDO

BASE = "http://cv.example.org"  # seed_dataset's
OWNER = "sebastian-lapuschkin"
PROFILE = f"/doc/person/{OWNER}"
HEADING = dict(PUBLICATION_GROUPS)
KIND_GROUP = {
    "journal-article": "journal",
    "conference-paper": "conference",
    "workshop-paper": "conference",
    "book-chapter": "chapter",
    "preprint": "preprint",
}


def works_of(*dates: str | None) -> list[Node]:
    """Articles of one small graph, one per date (``None``: no date), in that order."""
    graph = Graph()
    iris = [URIRef(f"urn:x:work-{i}") for i in range(len(dates))]
    for iri, when in zip(iris, dates, strict=True):
        graph.add((iri, RDF.type, SDO.ScholarlyArticle))
        graph.add((iri, SDO.name, Literal(f"Work {iri}")))
        if when is not None:
            xsd = namespace.XSD  # not a module global: pytest's collection trips over it
            datatype = {4: xsd.gYear, 7: xsd.gYearMonth}.get(len(when), xsd.date)
            graph.add((iri, SDO.datePublished, Literal(when, datatype=datatype)))
    page = Page(graph=graph, dataset_graph=graph, base_uri=BASE, subjects={})
    return [Node(iri, page) for iri in iris]


@pytest.fixture(scope="module")
def seed_index(seed_dataset, seed_node):
    owner = seed_node(thing_iri(BASE, "person", OWNER))
    return publication_index(publications_of(owner))


# -- the groups ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "year"), [("2021", 2021), ("2014-10", 2014), ("2021-07-28", 2021), (None, None)]
)
def test_year_of_reads_the_year_at_any_precision(when, year) -> None:
    (work,) = works_of(when)
    assert year_of(work) == year


def test_index_groups_the_seed_by_type_in_cv_order_with_the_yaml_counts(seed_dataset, seed_index):
    (cv,) = seed_dataset.cvs
    expected = Counter(KIND_GROUP[p.kind] for p in cv.publications)
    assert [g.key for g in seed_index.by_type] == [k for k, _ in PUBLICATION_GROUPS if expected[k]]
    assert {g.key: g.count for g in seed_index.by_type} == expected
    for group in seed_index.by_type:
        assert group.heading == HEADING[group.key]
        years = [y.year for y in group.years]
        assert years == sorted(years, reverse=True), group.key


def test_index_counts_per_year_are_the_yaml_years(seed_dataset, seed_index) -> None:
    (cv,) = seed_dataset.cvs
    expected = Counter(p.year.year for p in cv.publications)
    assert seed_index.counts == dict(sorted(expected.items()))
    assert list(seed_index.counts) == sorted(expected)  # oldest first: the chart's order
    assert [g.year for g in seed_index.by_year] == sorted(expected, reverse=True)
    assert seed_index.total == len(cv.publications) and seed_index.undated == 0


def test_every_work_is_listed_once_by_type_and_once_by_year(seed_dataset, seed_index) -> None:
    (cv,) = seed_dataset.cvs
    in_types = [w for g in seed_index.by_type for y in g.years for w in y.works]
    in_years = [w for y in seed_index.by_year for w in y.works]
    assert len(in_types) == len(set(in_types)) == len(cv.publications)
    assert set(in_types) == set(in_years) and len(in_years) == len(set(in_years))
    for group in seed_index.by_type:
        for year in group.years:
            assert {year_of(w) for w in year.works} == {year.year}


def test_anchors_are_made_of_group_keys_and_years_and_are_unique(seed_index) -> None:
    anchors = [g.anchor for g in seed_index.by_type]
    anchors += [y.anchor for g in seed_index.by_type for y in g.years]
    anchors += [y.anchor for y in seed_index.by_year]
    assert len(anchors) == len(set(anchors))
    journal = seed_index.by_type[0]
    assert journal.anchor == "pubs-journal"
    assert journal.years[0].anchor == f"pubs-journal-{journal.years[0].year}"
    assert seed_index.by_year[0].anchor == f"pubs-year-{seed_index.by_year[0].year}"


def test_undated_works_come_last_and_stay_out_of_the_counts_per_year() -> None:
    works = works_of("2019-03", None, "2021", "2019")
    index = publication_index(works)
    assert [(g.label, g.count) for g in index.by_year] == [("2021", 1), ("2019", 2), ("Undated", 1)]
    assert index.by_year[-1].anchor == "pubs-year-undated"
    assert index.counts == {2019: 2, 2021: 1}
    assert (index.total, index.undated) == (4, 1)
    # the order given (newest first, as publications_of sorts) is kept within a year
    assert index.by_year[1].works == (works[0], works[3])
    (other,) = index.by_type
    assert (other.key, [y.label for y in other.years]) == ("other", ["2021", "2019", "Undated"])


def test_no_works_no_groups() -> None:
    index = publication_index([])
    assert (index.by_type, index.by_year, index.total, index.counts) == ((), (), 0, {})


# -- on the profile -----------------------------------------------------------------------


def _section(root):
    (section,) = root.xpath("//section[@aria-labelledby='publications']")
    return section


def test_every_contents_link_lands_on_a_heading_of_its_group_with_its_count(
    seed_pages, parse_html
) -> None:
    root = parse_html(seed_pages[PROFILE])
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids))  # every anchor is unique on the page
    (toc,) = _section(root).xpath(".//nav[@class='pubs-toc']")
    links = toc.xpath(".//li/a")
    assert links
    for link in links:
        (target,) = root.xpath(f"//*[@id='{link.get('href')[1:]}']")
        assert target.tag in ("h3", "h4"), link.get("href")
        count = int(link.getparent().xpath("./span[@class='toc-count']")[0].text.strip("()"))
        if target.tag == "h3":  # a type: its works are in the lists its year sub-heads name
            lists = root.xpath(f"//ol[starts-with(@aria-labelledby, '{target.get('id')} ')]")
            listed = sum(len(ol.xpath("./li")) for ol in lists)
            assert target.text_content() == link.text_content()
        else:  # a year: the brief list under it
            (ol,) = target.xpath("./following-sibling::ol[1]")
            listed = len(ol.xpath("./li"))
            assert target.text_content() == link.text_content()
        assert listed == count, link.get("href")


def test_publication_headings_form_an_outline_without_skipped_levels(
    seed_pages, parse_html
) -> None:
    section = _section(parse_html(seed_pages[PROFILE]))
    levels = [int(h.tag[1]) for h in section.xpath(".//h2 | .//h3 | .//h4")]
    assert levels[0] == 2 and levels.count(2) == 1
    assert all(b - a <= 1 for a, b in pairwise(levels)), levels
    assert section.xpath(".//h3/text()")[-1] == "All publications by year"


def test_list_by_year_names_every_work_with_its_page_in_year_order(
    seed_dataset, seed_pages, seed_documents, parse_html
) -> None:
    (cv,) = seed_dataset.cvs
    section = _section(parse_html(seed_pages[PROFILE]))
    listed = {}
    for heading in section.xpath(".//h4[starts-with(@id, 'pubs-year-')]"):
        (ol,) = heading.xpath("./following-sibling::ol[1]")
        assert ol.get("class") == "works-brief"
        for link in ol.xpath("./li/a"):
            assert link.get("href") in seed_documents
            listed[link.text_content()] = int(heading.text_content())
    assert listed == {p.title: p.year.year for p in cv.publications}


def test_no_style_attribute_or_script_a_strict_csp_would_block(seed_pages, parse_html) -> None:
    root = parse_html(seed_pages[PROFILE])
    assert not root.xpath("//@style") and not root.xpath("//style")
    assert [s.get("type") for s in root.xpath("//script")] == ["application/ld+json"]


@pytest.mark.slow  # generates, maps and validates a CV of 151 works
def test_a_generated_cv_with_many_works_gets_every_year_and_type(
    tmp_path: Path, parse_html
) -> None:
    write_cvs(1, tmp_path, seed=0, mean_publications=300)
    dataset = prepare([tmp_path], BASE)
    documents = build_documents(dataset)
    (owner,) = dataset.owners
    (path,) = [p for p, d in documents.items() if d.subject == owner and "/page/" not in p]
    root = parse_html(render_document(documents[path], dataset, documents))
    (cv,) = dataset.cvs
    years = Counter(p.year.year for p in cv.publications)
    assert len(cv.publications) > 100 and len(years) > 15
    toc_years = {
        int(a.text_content()): int(a.getparent().xpath("./span")[0].text.strip("()"))
        for a in root.xpath("//ol[@class='year-counts']/li/a")
    }
    assert toc_years == years
    assert len(root.xpath("//li[@class='work']")) == len(cv.publications)
    assert len(root.xpath("//ol[@class='works-brief']/li")) == len(cv.publications)
