"""How works are cited: bylines, venues and the Highwire tags, on the pages and directly."""

from __future__ import annotations

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from ldcv.pages.citations import (
    citation,
    citation_author,
    citation_date,
    highwire_tags,
    printed_authors,
    publication_group,
)
from ldcv.pages.view import Node, Page
from ldcv.rdf.iris import thing_iri
from ldcv.rdf.vocabulary import BIBO, LDCV, SDO

BASE = "http://cv.example.org"  # seed_dataset's
PROFILE = "/doc/person/sebastian-lapuschkin"


# -- on the pages ------------------------------------------------------------------------


def test_profile_bylines_keep_order_and_highlight_the_owner(
    seed_dataset, seed_pages: dict[str, str], parse_html
) -> None:
    (cv,) = seed_dataset.cvs
    root = parse_html(seed_pages[PROFILE])
    by_title = {
        li.xpath("./p[@class='title']/a")[0].text_content(): li
        for li in root.xpath("//li[@class='work']")
    }
    for pub in cv.publications:
        byline = by_title[pub.title].xpath(".//span[@class='byline']")[0]
        links = byline.xpath("./a | ./strong/a")
        assert len(links) == len(pub.authors), pub.key
        owner_at = [i for i, a in enumerate(pub.authors) if a.person == cv.owner.key]
        highlighted = [i for i, a in enumerate(links) if a.getparent().tag == "strong"]
        assert highlighted == owner_at, pub.key
        # Each name as the CV prints it on that paper: "Bach S" on the early ones.
        assert [a.text_content() for a in links] == [a.written for a in pub.authors], pub.key


def test_publication_pages_carry_highwire_tags_in_byline_order(
    seed_dataset, seed_pages, meta_of
) -> None:
    (cv,) = seed_dataset.cvs
    for pub in cv.publications:
        page = seed_pages[f"/doc/publication/{pub.key}"]
        assert meta_of(page, "citation_title") == [pub.title]
        # Each author as this paper's byline prints them, "Family, Initials": Scholar
        # matches the tags against the printed byline ("Raberger AM" stays "Raberger, AM").
        expected = [", ".join(author.written.split(" ", 1)) for author in pub.authors]
        assert meta_of(page, "citation_author") == expected, pub.key
        date = pub.year.isoformat().replace("-", "/")
        assert meta_of(page, "citation_publication_date") == [date]
        venue_tag = {
            "journal-article": "citation_journal_title",
            "conference-paper": "citation_conference_title",
            "workshop-paper": "citation_conference_title",
            "book-chapter": "citation_inbook_title",
        }.get(pub.kind)
        if venue_tag:
            assert meta_of(page, venue_tag) == [
                pub.journal or pub.proceedings or pub.book or f"{pub.series} {pub.volume}"
            ], pub.key
        assert meta_of(page, "citation_volume") == ([pub.volume] if pub.volume else [])
        assert meta_of(page, "citation_issue") == ([pub.issue] if pub.issue else [])
        assert meta_of(page, "citation_firstpage") == ([pub.page_start] if pub.page_start else [])
        assert meta_of(page, "citation_lastpage") == ([pub.page_end] if pub.page_end else [])
        arxiv = [pub.identifier] if pub.repository == "arxiv" else []
        assert meta_of(page, "citation_arxiv_id") == arxiv, pub.key
        if pub.publisher:
            assert meta_of(page, "citation_publisher") == [pub.publisher]


def test_publication_pages_carry_exactly_the_highwire_tags_of_their_work(
    seed_dataset, seed_pages, seed_node, parse_html
) -> None:
    (cv,) = seed_dataset.cvs
    for pub in cv.publications:
        page = seed_pages[f"/doc/publication/{pub.key}"]
        tags = highwire_tags(seed_node(thing_iri(BASE, "publication", pub.key)))
        on_page = [
            (m.get("name"), m.get("content"))
            for m in parse_html(page).xpath('//meta[starts-with(@name, "citation_")]')
        ]
        assert on_page == tags, pub.key


def test_highwire_authors_name_the_owner_as_each_paper_prints_him(
    seed_dataset, seed_pages, meta_of
) -> None:
    (cv,) = seed_dataset.cvs
    owner = cv.owner
    birth_name_papers = 0
    for pub in cv.publications:
        (printed,) = (a.written for a in pub.authors if a.person == owner.key)
        tags = meta_of(seed_pages[f"/doc/publication/{pub.key}"], "citation_author")
        assert f"{owner.family_name}, {owner.given_name}" not in tags, pub.key  # never printed
        if printed == "Bach S":
            birth_name_papers += 1
            assert "Bach, S" in tags and "Lapuschkin, S" not in tags, pub.key
        else:
            assert "Lapuschkin, S" in tags and "Bach, S" not in tags, pub.key
    assert birth_name_papers == 6  # the 2014–2016 papers printed under the birth name
    bach_2015 = meta_of(
        seed_pages["/doc/publication/bach-2015-on-pixel-wise-explanations"], "citation_author"
    )
    assert bach_2015[0] == "Bach, S"


# -- on hand-built graphs -----------------------------------------------------------------


PAPER = URIRef("http://example.org/id/publication/paper")
PEOPLE = [URIRef(f"http://example.org/id/person/{key}") for key in ("muller", "nobody")]


def paper(*triples: tuple) -> Node:
    """A paper by Klaus-Robert Müller and a person known only by name, plus ``triples``."""
    graph = Graph()
    muller, nobody = PEOPLE
    graph.add((muller, SDO.familyName, Literal("Müller")))
    graph.add((muller, SDO.givenName, Literal("Klaus-Robert")))
    graph.add((nobody, SDO.name, Literal("A. Nobody")))
    head = BNode()
    Collection(graph, head, PEOPLE)
    graph.add((PAPER, BIBO.authorList, head))
    graph.add((PAPER, SDO.name, Literal("A paper")))
    for subject, predicate, value in triples:
        graph.add((subject, predicate, value))
    return Node(PAPER, Page(graph=graph, dataset_graph=graph, base_uri=BASE, subjects={}))


def test_printed_authors_keep_the_byline_as_the_work_prints_it() -> None:
    work = paper((PAPER, LDCV.byline, Literal("Mueller KR, Nobody A")))
    assert [(a.iri, name) for a, name in printed_authors(work)] == list(
        zip(PEOPLE, ["Mueller KR", "Nobody A"], strict=True)
    )


def test_printed_authors_fall_back_to_usual_names_when_the_byline_does_not_line_up() -> None:
    work = paper((PAPER, LDCV.byline, Literal("Mueller KR")))
    assert [name for _a, name in printed_authors(work)] == ["Müller K-R", "A. Nobody"]


def test_citation_author_writes_the_printed_name_family_comma_initials() -> None:
    assert citation_author("Bach S") == "Bach, S"
    assert citation_author("Müller K-R") == "Müller, K-R"
    assert citation_author("Anders C J") == "Anders, C J"
    assert citation_author("A. Nobody") == "A. Nobody"  # no byline: kept as printed


def test_highwire_authors_follow_the_printed_byline_not_the_fuller_name() -> None:
    printed = paper((PAPER, LDCV.byline, Literal("Mueller KR, Nobody A")))
    authors = [value for name, value in highwire_tags(printed) if name == "citation_author"]
    assert authors == ["Mueller, KR", "Nobody, A"]
    # Without a printed byline, each person's usual byline name; never the given name.
    usual = [value for name, value in highwire_tags(paper()) if name == "citation_author"]
    assert usual == ["Müller, K-R", "A. Nobody"]


@pytest.mark.parametrize(
    ("triples", "group"),
    [
        ([(PAPER, SDO.creativeWorkStatus, Literal("Preprint"))], "preprint"),
        ([(PAPER, RDF.type, SDO.Chapter)], "chapter"),
        (
            [
                (PAPER, SDO.isPartOf, URIRef("urn:x:j")),
                (URIRef("urn:x:j"), RDF.type, SDO.Periodical),
            ],
            "journal",
        ),
        (
            [(PAPER, SDO.isPartOf, URIRef("urn:x:e")), (URIRef("urn:x:e"), RDF.type, SDO.Event)],
            "conference",
        ),
        ([], "other"),
    ],
)
def test_publication_group_follows_status_type_and_venue(triples, group) -> None:
    assert publication_group(paper(*triples)) == group


def test_citation_reads_the_volume_and_issue_from_the_venue_chain() -> None:
    issue, volume, journal = (URIRef(f"urn:x:{n}") for n in ("issue", "volume", "journal"))
    work = paper(
        (PAPER, SDO.isPartOf, issue),
        (issue, RDF.type, SDO.PublicationIssue),
        (issue, SDO.issueNumber, Literal("4")),
        (issue, SDO.isPartOf, volume),
        (volume, RDF.type, SDO.PublicationVolume),
        (volume, SDO.volumeNumber, Literal("12")),
        (volume, SDO.isPartOf, journal),
        (journal, RDF.type, SDO.Periodical),
        (journal, SDO.name, Literal("Journal of Tests")),
        (PAPER, SDO.pageStart, Literal("7")),
        (PAPER, SDO.datePublished, Literal("2021-07")),
        (PAPER, BIBO.doi, Literal("10.1/x")),
    )
    cite = citation(work)
    assert (cite.venue.label, cite.venue_kind) == ("Journal of Tests", "journal")
    assert (cite.volume, cite.issue, cite.first_page, cite.last_page) == ("12", "4", "7", None)
    assert cite.links == (("DOI", "https://doi.org/10.1/x"),)
    assert ("citation_publication_date", "2021/07") in highwire_tags(work)
    assert ("citation_journal_title", "Journal of Tests") in highwire_tags(work)


def test_citation_date_uses_slashes_at_the_dates_precision() -> None:
    assert citation_date("2021") == "2021"
    assert citation_date("2021-07-28") == "2021/07/28"
    assert citation_date(None) is None
