"""The CV's sections: what the profile and the other pages list, and in which order."""

from __future__ import annotations

from collections import Counter

import pytest

from ldcv.pages.cv_sections import is_patent, is_publication, patents, positions, publications_of
from ldcv.rdf.iris import thing_iri

BASE = "http://cv.example.org"  # seed_dataset's
OWNER = "sebastian-lapuschkin"
PROFILE = f"/doc/person/{OWNER}"


# -- on the pages ------------------------------------------------------------------------


def test_profile_shows_every_section_of_the_cv(
    seed_dataset, seed_pages: dict[str, str], parse_html
) -> None:
    (cv,) = seed_dataset.cvs
    root = parse_html(seed_pages[PROFILE])
    sections = [h.text_content() for h in root.xpath("//main//h2")]
    assert sections == [
        "About",
        "Experience",
        "Education",
        "Skills",
        "Awards",
        "Patents",
        "Projects",
        "Publications",
    ]
    text = root.text_content()
    assert root.xpath("//h1")[0].text_content().split() == ["Dr.", "Sebastian", "Lapuschkin"]
    for position in cv.positions:
        assert position.title in text
    for education in cv.education:
        assert education.degree in text
        if education.thesis:
            assert education.thesis.title in text
    for award in cv.awards:
        assert award.name in text
    for grant in (g for family in cv.patents for g in family.grants):
        assert f"{grant.office} {grant.number}" in text
    for project in cv.projects:
        assert project.name in text
    for language in cv.languages:
        assert language.name in text and language.level in text
    titles = [a.text_content() for a in root.xpath("//li[@class='work']/p[@class='title']/a")]
    assert sorted(titles) == sorted(p.title for p in cv.publications)


def test_profile_groups_publications_by_kind(
    seed_dataset, seed_pages: dict[str, str], parse_html
) -> None:
    (cv,) = seed_dataset.cvs
    root = parse_html(seed_pages[PROFILE])
    heading_of = {
        "journal-article": "Journal articles",
        "conference-paper": "Conference and workshop papers",
        "workshop-paper": "Conference and workshop papers",
        "book-chapter": "Book chapters",
        "preprint": "Preprints",
    }
    expected = Counter(heading_of[p.kind] for p in cv.publications)
    found = Counter()
    for ol in root.xpath("//ol[@class='works']"):
        # each list is named by its type's heading and its year's sub-head
        type_id, _year_id = ol.get("aria-labelledby").split()
        heading = root.xpath(f"//h3[@id='{type_id}']")[0].text_content()
        found[heading] += len(ol.xpath("./li"))
    assert found == expected


def test_profile_shows_skill_groups_in_cv_order_with_summary_and_items(
    seed_dataset, seed_documents, seed_pages: dict[str, str], parse_html
) -> None:
    (cv,) = seed_dataset.cvs
    skills = parse_html(seed_pages[PROFILE]).xpath("//section[@aria-labelledby='skills']/dl")[0]
    headings = [dt.text_content() for dt in skills.xpath("./dt")]
    assert headings == [group.category for group in cv.skills] + ["Languages"]
    for group, dd in zip(cv.skills, skills.xpath("./dd"), strict=False):
        assert dd.xpath("./p[@class='summary']")[0].text_content() == group.summary
        items = [li.text_content() for li in dd.xpath("./ul[@class='tags']/li")]
        assert sorted(items) == sorted(group.items)
        for href in dd.xpath(".//a/@href"):
            assert href in seed_documents, href
    assert skills.xpath("./dt/a/@href")[0] == f"/doc/skill-set/{OWNER}-{cv.skills[0].key}"


def test_profile_prints_each_grade_on_the_thesis_line_as_the_cv_does(
    seed_dataset, seed_pages: dict[str, str], parse_html
) -> None:
    (cv,) = seed_dataset.cvs
    education = parse_html(seed_pages[PROFILE]).xpath("//section[@aria-labelledby='education']")[0]
    thesis_lines = {
        p.xpath("./a")[0].text_content(): " ".join(p.text_content().split())
        for p in education.xpath(".//p[em='Thesis:']")
    }
    graded = [s.thesis for s in cv.education if s.thesis and s.thesis.grade]
    assert len(graded) == 2  # the MSc and BSc theses: "(Grade: 1.0 / A)" in cv.md
    for thesis in (s.thesis for s in cv.education if s.thesis):
        line = thesis_lines[thesis.title]
        if thesis.grade:
            assert f"“{thesis.title}” (Grade: {thesis.grade})" in line
        else:
            assert "Grade" not in line
    assert "Grade: " not in " ".join(
        p.text_content() for p in education.xpath(".//p[@class='small']")
    )  # no degree is graded


def test_publication_links_to_authors_who_link_to_their_other_publications(
    seed_dataset, seed_pages, parse_html
) -> None:
    (cv,) = seed_dataset.cvs
    pub = next(p for p in cv.publications if p.key.startswith("anders-2021-finding"))
    root = parse_html(seed_pages[f"/doc/publication/{pub.key}"])
    authors = root.xpath("//section[h2='Authors']//li/a/@href")
    assert authors == [f"/doc/person/{a.person}" for a in pub.authors]
    coauthor = pub.authors[0].person
    theirs = parse_html(seed_pages[f"/doc/person/{coauthor}"]).xpath(
        "//li[@class='work']//p[@class='title']/a/@href"
    )
    expected = {
        f"/doc/publication/{p.key}"
        for p in cv.publications
        if any(a.person == coauthor for a in p.authors)
    }
    assert set(theirs) == expected and f"/doc/publication/{pub.key}" in theirs


def test_organization_page_lists_the_positions_held_there(
    seed_dataset, seed_pages, parse_html
) -> None:
    (cv,) = seed_dataset.cvs
    for org in cv.organizations:
        root = parse_html(seed_pages[f"/doc/organization/{org.key}"])
        assert root.xpath("//h1")[0].text_content() == org.name
        held = [a.text_content() for a in root.xpath("//section[h2='Positions']//h3/a")]
        assert sorted(held) == sorted(p.title for p in cv.positions if p.organization == org.key)


# -- on the seed graph ----------------------------------------------------------------------


def test_publications_of_the_owner_are_their_works_newest_first_without_patents(
    seed_dataset, seed_node
) -> None:
    (cv,) = seed_dataset.cvs
    owner = seed_node(thing_iri(BASE, "person", OWNER))
    works = publications_of(owner)
    assert {w.iri for w in works} == {
        thing_iri(BASE, "publication", p.key) for p in cv.publications
    }
    assert all(is_publication(w) for w in works)
    years = [str(w.get("datePublished"))[:4] for w in works]
    assert years == sorted(years, reverse=True)


def test_patents_lists_every_grant_by_family_and_none_as_a_publication(
    seed_dataset, seed_node
) -> None:
    (cv,) = seed_dataset.cvs
    owner = seed_node(thing_iri(BASE, "person", OWNER))
    families = patents(owner)
    grants = [grant for _family, grants in families for grant in grants]
    assert len(grants) == sum(len(family.grants) for family in cv.patents) > 0
    assert len(families) == len(cv.patents)
    assert all(is_patent(g) and not is_publication(g) for g in grants)
    assert not any(is_patent(w) for w in publications_of(owner))


def test_positions_are_grouped_by_organization_latest_first(seed_dataset, seed_node) -> None:
    (cv,) = seed_dataset.cvs
    owner = seed_node(thing_iri(BASE, "person", OWNER))
    groups = positions(owner)
    assert sum(len(roles) for _org, roles in groups) == len(cv.positions)
    for _org, roles in groups:
        starts = [r.start_key for r in roles]
        assert starts == sorted(starts, reverse=True)
    latest = [roles[0].start_key for _org, roles in groups]
    assert latest == sorted(latest, reverse=True)


# -- on a remote store: a long list of works read together ---------------------------------

REMOTE_BASE = "http://cv.example.org"
PROLIFIC = "/doc/person/prolific"
WORKS_LISTED = 150  # a page of 100, and a second page


def _works_dataset():
    """A coauthor on ``WORKS_LISTED`` works, each with an author list and a venue chain."""
    from datetime import UTC, datetime

    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import XSD

    from ldcv.pipeline import Dataset
    from ldcv.rdf.vocabulary import BIBO, LDCV, RDF, SDO

    graph = Graph()
    coauthor = URIRef(REMOTE_BASE + "/id/person/prolific")
    graph.add((coauthor, RDF.type, SDO.Person))
    graph.add((coauthor, SDO.name, Literal("Pat Prolific")))
    for n in range(WORKS_LISTED):
        work = URIRef(f"{REMOTE_BASE}/id/publication/work-{n:03d}")
        other = URIRef(f"{REMOTE_BASE}/id/person/other-{n % 9}")
        issue = URIRef(f"{REMOTE_BASE}/id/issue/journal-{n % 30}-1")
        volume = URIRef(f"{REMOTE_BASE}/id/volume/journal-{n % 30}")
        journal = URIRef(f"{REMOTE_BASE}/id/periodical/journal")
        graph.add((work, RDF.type, SDO.ScholarlyArticle))
        graph.add((work, SDO.name, Literal(f"Work {n}")))
        graph.add((work, SDO.datePublished, Literal(str(1870 + n), datatype=XSD.gYear)))
        graph.add((work, SDO.author, coauthor))
        graph.add((work, SDO.author, other))
        graph.add((work, LDCV.byline, Literal(f"Prolific P, Other{n % 9} O")))
        first, second = BNode(f"w{n:03d}c0"), BNode(f"w{n:03d}c1")
        graph.add((work, BIBO.authorList, first))
        graph.add((first, RDF.first, coauthor))
        graph.add((first, RDF.rest, second))
        graph.add((second, RDF.first, other))
        graph.add((second, RDF.rest, RDF.nil))
        graph.add((other, RDF.type, SDO.Person))
        graph.add((other, SDO.name, Literal(f"Olga Other{n % 9}")))
        graph.add((work, SDO.isPartOf, issue))
        graph.add((issue, RDF.type, SDO.PublicationIssue))
        graph.add((issue, SDO.issueNumber, Literal("1")))
        graph.add((issue, SDO.isPartOf, volume))
        graph.add((volume, RDF.type, SDO.PublicationVolume))
        graph.add((volume, SDO.volumeNumber, Literal(str(n % 30))))
        graph.add((volume, SDO.isPartOf, journal))
        graph.add((journal, RDF.type, SDO.Periodical))
        graph.add((journal, SDO.name, Literal("The Journal")))
    modified = datetime(2024, 1, 1, tzinfo=UTC)
    return Dataset(cvs=(), graph=graph, base_uri=REMOTE_BASE, modified=modified)


@pytest.mark.slow  # starts `oxigraph serve`
def test_a_long_list_of_works_reads_their_bylines_and_venues_in_a_few_requests(
    sparql_engines, counting_client
) -> None:
    from ldcv.documents.catalog import build_catalog
    from ldcv.documents.store_catalog import store_catalog
    from ldcv.rdf.formats import FORMATS
    from ldcv.store.remote_reads import MERGE_GRAPH, RemoteQuads
    from ldcv.store.remote_terms import to_remote
    from ldcv.store.terms import to_oxigraph

    dataset = _works_dataset()
    body = "\n".join(
        " ".join(str(to_remote(to_oxigraph(term))) for term in triple) + " ."
        for triple in dataset.graph
    )
    in_memory = build_catalog(dataset, prerender=False)
    html = next(f for f in FORMATS if not f.is_rdf)
    with sparql_engines.oxigraph() as engine:
        client = counting_client(engine.query_url, engine.update_url)
        client.update(f"INSERT DATA {{ GRAPH <{MERGE_GRAPH}> {{ {body} }} }}")
        remote = store_catalog(RemoteQuads(client), REMOTE_BASE, modified=dataset.modified)
        for path in (PROLIFIC, f"{PROLIFIC}/page/2", "/doc/publication/work-042"):
            before = client.queries
            ours = remote.resources[path].representation(html).identity.body
            asked = client.queries - before
            assert ours == in_memory.resources[path].representation(html).identity.body
            # Work by work, each work's author list and venue chain cost 2-4 requests.
            assert asked <= 30, path
            turtle = remote.resources[path].representation(FORMATS[0]).identity.body
            assert turtle == in_memory.resources[path].representation(FORMATS[0]).identity.body
