"""The mapping from CV models to RDF: IRIs, lists, dates, privacy, round trips."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic, to_isomorphic

from ldcv.errors import InputError
from ldcv.model import CV, Author, PartialDate, Publication, SkillGroup
from ldcv.rdf.iris import document_iri, parse_thing_iri, thing_iri
from ldcv.rdf.mapping import BYLINE_SEPARATOR, map_cv, map_cvs, skill_slug, source_index
from ldcv.rdf.vocabulary import BIBO, DCTERMS, FOAF, LDCV, RDF, SDO

# A plain Namespace: pytest's collection trips over rdflib's closed XSD DefinedNamespace.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
BASE = "http://example.org"
SEED_BASE = "http://example.org"  # the seed_graph fixture's
FORMATS = ["turtle", "json-ld", "nt", "xml"]
TESTS = Path(__file__).resolve().parents[1]
VOCAB = TESTS / "vocab"
SEED_YAML = TESTS.parent / "data" / "sebastian-lapuschkin.yaml"
# The sample CV's private data (the sample_cv fixture's): no serialization may hold them.
SAMPLE_TELEPHONE = "+49 (30) 555-0199"
SAMPLE_STREET = "Einsteinufer 37"
SAMPLE_BIRTH_DATE = "1984-02-29"


def iri(kind: str, slug: str) -> URIRef:
    return thing_iri(BASE, kind, slug)


@pytest.fixture(scope="module")
def sample_graph(sample_cv: CV) -> Graph:
    return map_cv(sample_cv, BASE)


@pytest.fixture(scope="module")
def schema_org_context() -> dict:
    return json.loads((VOCAB / "schemaorg-30.0-context.jsonld").read_text())["@context"]


@pytest.fixture(params=["sample_graph", "seed_graph"])
def mapped_graph(request: pytest.FixtureRequest) -> Graph:
    return request.getfixturevalue(request.param)


# -- serializations -----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_through_every_format_is_isomorphic(mapped_graph: Graph, fmt: str) -> None:
    data = mapped_graph.serialize(format=fmt)
    assert isomorphic(Graph().parse(data=data, format=fmt), mapped_graph)


@pytest.mark.slow
def test_json_ld_compacted_with_schema_org_context_expands_offline_to_the_turtle_triples(
    mapped_graph: Graph, schema_org_context: dict
) -> None:
    document = json.loads(mapped_graph.serialize(format="json-ld", context=schema_org_context))
    # Compacted for real: schema.org terms as short names, the graph as @graph.
    assert "@graph" in document
    keys = {key for node in document["@graph"] for key in node}
    assert {"name", "author", "isPartOf"} <= keys
    # Full IRIs only where a term's datatype coercion (startDate: Date) does not fit the
    # literal's own datatype (xsd:gYear): compacting them would change the triples.
    expanded_keys = {key for key in keys if key.startswith("http://schema.org/")}
    coerced = {
        f"http://schema.org/{term}"
        for term, definition in schema_org_context.items()
        if isinstance(definition, dict) and definition.get("@type") not in (None, "@id")
    }
    assert expanded_keys <= coerced
    # Published with "@context": "https://schema.org"; expand with the local copy instead.
    assert document.pop("@context") == schema_org_context
    expanded = Graph().parse(
        data=json.dumps(document), format="json-ld", context=schema_org_context
    )
    from_turtle = Graph().parse(data=mapped_graph.serialize(format="turtle"), format="turtle")
    assert isomorphic(expanded, from_turtle)


def test_serialization_is_the_same_on_every_run(sample_cv: CV) -> None:
    first = map_cv(sample_cv, BASE).serialize(format="nt")
    second = map_cv(sample_cv, BASE).serialize(format="nt")
    assert sorted(first.splitlines()) == sorted(second.splitlines())


def test_turtle_binds_schema_org_over_http_not_https(sample_graph: Graph) -> None:
    turtle = sample_graph.serialize(format="turtle")
    assert "@prefix schema: <http://schema.org/> ." in turtle
    assert "https://schema.org/" not in turtle


# -- shape of the graph --------------------------------------------------------


def test_the_only_blank_nodes_are_author_list_cells(mapped_graph: Graph) -> None:
    list_predicates = {RDF.first, RDF.rest}
    for s, p, o in mapped_graph:
        if isinstance(s, BNode):
            assert p in list_predicates, (s, p, o)
        if isinstance(o, BNode):
            assert p in {RDF.rest, BIBO.authorList}, (s, p, o)
    heads = set(mapped_graph.objects(None, BIBO.authorList))
    assert heads and all(isinstance(head, BNode) for head in heads)


def test_links_between_nodes_are_iris_not_strings(mapped_graph: Graph) -> None:
    for s, p, o in mapped_graph:
        if isinstance(o, Literal):
            assert not str(o).startswith(("http://", "https://")), (s, p, o)


def test_every_minted_iri_is_flat_and_parses_back(mapped_graph: Graph) -> None:
    subjects = {s for s in mapped_graph.subjects() if isinstance(s, URIRef) and s.startswith(BASE)}
    objects = {o for o in mapped_graph.objects() if isinstance(o, URIRef) and o.startswith(BASE)}
    assert objects <= subjects  # every IRI we link to is described
    for node in subjects:
        if "/doc/" in node:
            assert (node, RDF.type, FOAF.PersonalProfileDocument) in mapped_graph
            continue
        parsed = parse_thing_iri(BASE, node)
        assert parsed, node
        assert node == thing_iri(BASE, *parsed)


def test_author_list_follows_the_byline_order(mapped_graph: Graph) -> None:
    bylines = 0
    for pub in mapped_graph.subjects(BIBO.authorList, None):
        head = mapped_graph.value(pub, BIBO.authorList)
        authors = list(Collection(mapped_graph, head))
        assert set(authors) == set(mapped_graph.objects(pub, SDO.author))
        bylines += 1
    assert bylines == len(set(mapped_graph.subjects(RDF.type, SDO.ScholarlyArticle))) + len(
        set(mapped_graph.subjects(RDF.type, SDO.Chapter))
    )


def test_author_list_of_a_sample_paper_is_in_cv_order(sample_graph: Graph) -> None:
    head = sample_graph.value(iri("publication", "example-2017-deep"), BIBO.authorList)
    assert list(Collection(sample_graph, head)) == [
        iri("person", "grace-hopper"),
        iri("person", "ada-example"),
        iri("person", "turing-a"),
    ]


@pytest.mark.parametrize(
    ("subject", "predicate", "lexical", "datatype"),
    [
        (iri("role", "ada-example-hhi-head"), SDO.startDate, "2021-01", XSD.gYearMonth),
        (iri("role", "ada-example-tu-phd"), SDO.endDate, "2018", XSD.gYear),
        (iri("publication", "example-2017-deep"), SDO.datePublished, "2017", XSD.gYear),
        (iri("patent", "ep-3271863"), DCTERMS.issued, "2021-07-28", XSD.date),
        (iri("award", "ada-example-best-paper-2020"), DCTERMS.date, "2020", XSD.gYear),
    ],
)
def test_dates_carry_the_datatype_of_their_precision(
    sample_graph: Graph, subject: URIRef, predicate: URIRef, lexical: str, datatype: URIRef
) -> None:
    assert list(sample_graph.objects(subject, predicate)) == [Literal(lexical, datatype=datatype)]


def test_an_ongoing_position_has_no_end_date(sample_graph: Graph) -> None:
    role = iri("role", "ada-example-hhi-head")
    assert (None, SDO.worksFor, role) in sample_graph
    assert sample_graph.value(role, SDO.endDate) is None


# -- privacy -------------------------------------------------------------------

PRIVATE_TEXTS = {
    "telephone": ["555-0199"],
    "address": ["Einsteinufer", "10587"],
    "birth_date": [SAMPLE_BIRTH_DATE],
    "email": ["ada@example.net"],
    "birth_name": ["Ada Born"],
    "orcid": ["0000-0002-1825-0097"],
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_private_fields_appear_in_no_serialization(fmt: str, make_sample_cv) -> None:
    cv = make_sample_cv(private=frozenset(PRIVATE_TEXTS))
    data = map_cv(cv, BASE).serialize(format=fmt, encoding="utf-8")
    for field_name, texts in PRIVATE_TEXTS.items():
        for text in texts:
            assert text.encode() not in data, (field_name, text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_published_fields_appear_in_every_serialization(fmt: str, make_sample_cv) -> None:
    cv = make_sample_cv(private=frozenset())
    data = map_cv(cv, BASE).serialize(format=fmt, encoding="utf-8")
    for texts in PRIVATE_TEXTS.values():
        for text in texts:
            assert text.encode() in data, text


def test_phone_street_and_birth_date_are_private_by_default(sample_graph: Graph) -> None:
    owner = iri("person", "ada-example")
    for predicate in (SDO.telephone, SDO.address, SDO.birthDate):
        assert sample_graph.value(owner, predicate) is None
    literals = {str(o) for o in sample_graph.objects() if isinstance(o, Literal)}
    assert not {SAMPLE_TELEPHONE, SAMPLE_STREET, SAMPLE_BIRTH_DATE} & literals
    assert not list(sample_graph.subjects(RDF.type, SDO.PostalAddress)) or all(
        sample_graph.value(a, SDO.streetAddress) is None
        for a in sample_graph.subjects(RDF.type, SDO.PostalAddress)
    )


def test_published_contact_data_takes_its_proper_form(make_sample_cv) -> None:
    graph = map_cv(make_sample_cv(private=frozenset()), BASE)
    owner = iri("person", "ada-example")
    assert graph.value(owner, SDO.email) == Literal("mailto:ada@example.net")
    assert graph.value(owner, FOAF.mbox) == URIRef("mailto:ada@example.net")
    assert graph.value(owner, SDO.birthDate) == Literal(SAMPLE_BIRTH_DATE, datatype=XSD.date)
    address = graph.value(owner, SDO.address)
    assert isinstance(address, URIRef)
    assert (address, RDF.type, SDO.PostalAddress) in graph
    assert graph.value(address, SDO.streetAddress) == Literal(SAMPLE_STREET)


# -- identity and documents ----------------------------------------------------


def test_the_owner_has_one_iri_under_both_names(sample_graph: Graph) -> None:
    owner = iri("person", "ada-example")
    as_born = iri("publication", "born-2015-pixels")
    as_now = iri("publication", "example-2016-conf")
    assert (as_born, SDO.author, owner) in sample_graph
    assert (as_now, SDO.author, owner) in sample_graph
    people_named_born = set(sample_graph.subjects(SDO.familyName, Literal("Born")))
    assert people_named_born == set()
    assert set(sample_graph.objects(owner, LDCV.bylineName)) == {
        Literal("Example A"),
        Literal("Born A"),
    }


def test_a_coauthor_known_by_byline_only_gets_a_person_node(sample_graph: Graph) -> None:
    newman = iri("person", "newman-q")
    assert (newman, RDF.type, SDO.Person) in sample_graph
    assert sample_graph.value(newman, SDO.familyName) == Literal("Newman")
    assert (iri("person", "ada-example"), FOAF.knows, newman) in sample_graph
    assert (newman, FOAF.made, iri("publication", "example-2016-conf")) in sample_graph


def test_the_profile_document_describes_the_owner(sample_graph: Graph) -> None:
    doc = document_iri(BASE, "person", "ada-example")
    owner = iri("person", "ada-example")
    assert {o for o in sample_graph.objects(doc, RDF.type)} == {
        FOAF.PersonalProfileDocument,
        SDO.ProfilePage,
    }
    assert sample_graph.value(doc, FOAF.primaryTopic) == owner
    assert sample_graph.value(doc, SDO.mainEntity) == owner
    assert sample_graph.value(doc, FOAF.maker) == owner
    # Only the owner has a profile document.
    assert len(set(sample_graph.subjects(RDF.type, SDO.ProfilePage))) == 1


def test_two_cvs_share_venues_and_people_but_not_roles(make_sample_cv) -> None:
    cvs = [make_sample_cv(), make_sample_cv(owner_key="bea-example")]
    graph = map_cvs(cvs, BASE)
    assert len(set(graph.subjects(RDF.type, SDO.Periodical))) == 2  # two journals
    assert (iri("role", "bea-example-hhi-head"), RDF.type, SDO.EmployeeRole) in graph
    assert (iri("role", "ada-example-hhi-head"), RDF.type, SDO.EmployeeRole) in graph
    lists = list(graph.objects(iri("publication", "example-2017-deep"), BIBO.authorList))
    assert len(lists) == 1


def test_one_periodical_volume_and_issue_per_journal(sample_graph: Graph) -> None:
    article = iri("publication", "example-2017-deep")
    issue = sample_graph.value(article, SDO.isPartOf)
    assert (issue, RDF.type, SDO.PublicationIssue) in sample_graph
    volume = sample_graph.value(issue, SDO.isPartOf)
    assert sample_graph.value(volume, SDO.volumeNumber) == Literal("65")
    journal = sample_graph.value(volume, SDO.isPartOf)
    assert sample_graph.value(journal, SDO.name) == Literal("Pattern Recognition")
    assert (journal, RDF.type, SDO.Periodical) in sample_graph


def test_preprints_carry_status_identifier_and_derived_links(sample_graph: Graph) -> None:
    arxiv = iri("publication", "example-2021-arxiv")
    biorxiv = iri("publication", "example-2021-biorxiv")
    assert sample_graph.value(arxiv, SDO.creativeWorkStatus) == Literal("Preprint")
    assert sample_graph.value(arxiv, SDO.sameAs) == URIRef("https://arxiv.org/abs/2109.04236")
    assert sample_graph.value(biorxiv, SDO.sameAs) == URIRef(
        "https://doi.org/10.1101/2021.06.25.449906"
    )
    identifier = sample_graph.value(arxiv, SDO.identifier)
    assert isinstance(identifier, URIRef)
    assert sample_graph.value(identifier, SDO.propertyID) == Literal("arXiv")
    assert sample_graph.value(identifier, SDO.value) == Literal("2109.04236")


def identifiers_of(graph: Graph, thing: URIRef) -> dict[str, str]:
    """The PropertyValues identifying ``thing``: propertyID → value."""
    found = {}
    for node in graph.objects(thing, SDO.identifier):
        found[str(graph.value(node, SDO.propertyID))] = str(graph.value(node, SDO.value))
    return found


@pytest.mark.parametrize(
    ("kind", "slug", "scheme", "value", "same_as"),
    [
        ("person", "ada-example", "ORCID", "0000-0002-1825-0097",
         "https://orcid.org/0000-0002-1825-0097"),
        ("person", "grace-hopper", "ORCID", "0000-0002-1694-233X",
         "https://orcid.org/0000-0002-1694-233X"),
        ("organization", "hhi", "ROR", "05xmpn344", "https://ror.org/05xmpn344"),
        ("organization", "hhi", "Wikidata", "Q4115189", "http://www.wikidata.org/entity/Q4115189"),
        ("publication", "example-2017-deep", "DOI", "10.1016/j.patcog.2016.11.008",
         "https://doi.org/10.1016/j.patcog.2016.11.008"),
        ("publication", "example-2021-arxiv", "arXiv", "2109.04236",
         "https://arxiv.org/abs/2109.04236"),
        ("publication", "example-2021-biorxiv", "bioRxiv", "2021.06.25.449906",
         "https://doi.org/10.1101/2021.06.25.449906"),
    ],
)  # fmt: skip
def test_an_identifier_is_a_property_value_and_its_resolvable_iri(
    sample_graph: Graph, kind: str, slug: str, scheme: str, value: str, same_as: str
) -> None:
    thing = iri(kind, slug)
    assert identifiers_of(sample_graph, thing)[scheme] == value
    assert URIRef(same_as) in set(sample_graph.objects(thing, SDO.sameAs))


def test_an_isbn_is_the_works_bibo_isbn_and_its_books_schema_isbn(sample_graph: Graph) -> None:
    chapter = iri("publication", "example-2019-chapter")
    assert identifiers_of(sample_graph, chapter)["ISBN"] == "9780306406157"
    assert sample_graph.value(chapter, BIBO.isbn13) == Literal("9780306406157")
    assert sample_graph.value(chapter, BIBO.isbn10) is None
    book = sample_graph.value(chapter, SDO.isPartOf)
    assert sample_graph.value(book, SDO.isbn) == Literal("9780306406157")
    # An ISBN resolves nowhere every reader agrees on: no schema:sameAs for it.
    assert not [o for o in sample_graph.objects(chapter, SDO.sameAs) if "isbn" in str(o).lower()]


def test_an_isbn_10_is_bibo_isbn10(sample_cv: CV) -> None:
    chapter = replace(sample_cv.publications[4], isbn="080442957X")
    graph = map_cv(replace(sample_cv, publications=(chapter,)), BASE)
    work = iri("publication", chapter.key)
    assert graph.value(work, BIBO.isbn10) == Literal("080442957X")
    assert graph.value(work, BIBO.isbn13) is None


def test_a_private_orcid_is_neither_identifier_nor_same_as(make_sample_cv) -> None:
    graph = map_cv(make_sample_cv(private=frozenset({"orcid"})), BASE)
    owner = iri("person", "ada-example")
    assert "ORCID" not in identifiers_of(graph, owner)
    assert not [o for o in graph.objects(owner, SDO.sameAs) if "orcid.org" in str(o)]


def test_patent_grants_form_one_family(sample_graph: Graph) -> None:
    family = iri("patent-family", "relevance-scores")
    grants = set(sample_graph.objects(family, SDO.hasPart))
    assert grants == {iri("patent", "ep-3271863"), iri("patent", "jp-6725547")}
    ep = iri("patent", "ep-3271863")
    assert (ep, RDF.type, BIBO.Patent) in sample_graph
    assert sample_graph.value(ep, SDO.isPartOf) == family
    number = sample_graph.value(ep, SDO.identifier)
    assert sample_graph.value(number, SDO.propertyID) == Literal("EP")
    assert sample_graph.value(number, SDO.value) == Literal("3271863")


def test_awards_are_text_on_person_and_work_and_a_node_for_queries(sample_graph: Graph) -> None:
    owner = iri("person", "ada-example")
    paper = iri("publication", "example-2017-deep")
    receipt = iri("award", "ada-example-best-paper-2020")
    assert Literal("Best Paper Award") in set(sample_graph.objects(owner, SDO.award))
    assert Literal("Best Paper Award") in set(sample_graph.objects(paper, SDO.award))
    assert sample_graph.value(receipt, LDCV.awardedFor) == paper
    assert sample_graph.value(receipt, LDCV.recipient) == owner
    assert sample_graph.value(receipt, SDO.description).language == "de"


def test_a_thesis_grade_maps_to_the_thesis_and_a_degree_grade_to_the_credential(
    sample_cv: CV, sample_graph: Graph
) -> None:
    credential = iri("credential", "ada-example-tu-phd")
    thesis = iri("thesis", "ada-example-tu-phd-thesis")
    # The sample grades the degree: the grade is the credential's, not its thesis's.
    assert sample_graph.value(credential, LDCV.grade) == Literal("1.0 / A")
    assert sample_graph.value(thesis, LDCV.grade) is None
    phd = sample_cv.education[0]
    assert phd.thesis is not None
    graded = replace(phd, grade=None, thesis=replace(phd.thesis, grade="1.3"))
    graph = map_cv(replace(sample_cv, education=(graded, *sample_cv.education[1:])), BASE)
    assert list(graph.objects(thesis, LDCV.grade)) == [Literal("1.3")]
    assert graph.value(credential, LDCV.grade) is None


def test_clashing_keys_are_reported_with_file_and_line(sample_cv: CV) -> None:
    # A project membership role whose slug equals a position's: both want /id/role/….
    clash = replace(sample_cv.projects[0], key="hhi-head")
    position = replace(sample_cv.positions[0], key="hhi-head-member")
    cv = replace(sample_cv, projects=(clash,), positions=(position,))
    with pytest.raises(InputError) as caught:
        map_cv(cv, BASE)
    assert "data/sample.yaml:145" in str(caught.value)
    assert "/id/role/ada-example-hhi-head-member" in str(caught.value)


def test_source_index_names_the_entry_behind_every_minted_subject(sample_cv: CV) -> None:
    graph = map_cv(sample_cv, BASE)
    index = source_index([sample_cv], BASE)
    minted = {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(BASE)}
    assert minted <= set(index)
    assert index[iri("role", "ada-example-tu-assistant")].line == 76
    assert index[iri("thesis", "ada-example-tu-phd-thesis")].line == 95
    assert index[iri("periodical", "pattern-recognition")].line == 160


def test_a_publication_without_authors_has_no_author_list(sample_cv: CV) -> None:
    lonely = Publication(
        key="nobody-2020", kind="preprint", title="Nobody", authors=(), year=PartialDate(2020)
    )
    graph = map_cv(replace(sample_cv, publications=(lonely,)), BASE)
    assert graph.value(iri("publication", "nobody-2020"), BIBO.authorList) is None


def test_mapping_does_not_depend_on_base_trailing_slash(sample_cv: CV) -> None:
    with_slash = to_isomorphic(map_cv(sample_cv, BASE + "/"))
    assert with_slash == to_isomorphic(map_cv(sample_cv, BASE))


# -- the seed --------------------------------------------------------------------


def _count(graph: Graph, rdf_type: URIRef) -> int:
    return len(set(graph.subjects(RDF.type, rdf_type)))


def test_seed_counts(seed_graph: Graph) -> None:
    works = Counter()
    for pub in graph_publications(seed_graph):
        if (pub, SDO.creativeWorkStatus, Literal("Preprint")) in seed_graph:
            works["preprint"] += 1
        elif (pub, RDF.type, SDO.Chapter) in seed_graph:
            works["chapter"] += 1
        elif (seed_graph.value(pub, SDO.isPartOf), RDF.type, BIBO.Proceedings) in seed_graph:
            works["proceedings"] += 1
        else:
            works["journal"] += 1
    assert works == {"journal": 15, "proceedings": 14, "chapter": 3, "preprint": 7}
    assert _count(seed_graph, SDO.EmployeeRole) == 6
    assert _count(seed_graph, SDO.EducationalOccupationalCredential) == 4
    assert _count(seed_graph, SDO.Thesis) == 3
    assert _count(seed_graph, LDCV.AwardReceipt) == 5
    assert _count(seed_graph, BIBO.Patent) == 5
    assert _count(seed_graph, SDO.ResearchProject) == 3
    assert _count(seed_graph, SDO.Language) == 2
    assert _count(seed_graph, SDO.ProfilePage) == 1


def graph_publications(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, None) if "/id/publication/" in s}


def test_seed_sample_facts(seed_graph: Graph) -> None:
    def seed_iri(kind: str, slug: str) -> URIRef:
        return thing_iri(SEED_BASE, kind, slug)

    owner = seed_iri("person", "sebastian-lapuschkin")
    mueller = seed_iri("person", "klaus-robert-mueller")
    assert {str(o) for o in seed_graph.objects(mueller, LDCV.bylineName)} >= {
        "Müller K-R",
        "Müller K",
    }
    assert seed_graph.value(owner, SDO.alternateName) == Literal("Sebastian Bach")
    assert seed_graph.value(owner, SDO.telephone) is None
    assert seed_graph.value(owner, SDO.birthDate) is None
    # The 2015 LRP paper, written "Bach S", is the owner's.
    bach_2015 = seed_iri("publication", "bach-2015-on-pixel-wise-explanations")
    byline = list(Collection(seed_graph, seed_graph.value(bach_2015, BIBO.authorList)))
    assert byline[0] == owner
    ep = seed_iri("patent", "ep-3271863")
    assert seed_graph.value(ep, DCTERMS.issued) == Literal("2021-07-28", datatype=XSD.date)
    head_of_xai = [
        role
        for role in seed_graph.objects(owner, SDO.worksFor)
        if seed_graph.value(role, SDO.roleName) == Literal("Head of XAI Group")
    ]
    assert len(head_of_xai) == 1
    assert seed_graph.value(head_of_xai[0], SDO.startDate) == Literal(
        "2021-01", datatype=XSD.gYearMonth
    )
    assert seed_graph.value(head_of_xai[0], SDO.endDate) is None
    medal = Literal("Pattern Recognition Best Paper Award and Pattern Recognition Medal")
    awarded = set(seed_graph.subjects(SDO.award, medal))
    assert owner in awarded
    assert any(
        seed_graph.value(work, SDO.name).startswith("Explaining NonLinear Classification")
        for work in awarded - {owner}
    )


def test_seed_people_have_one_iri_each(seed_cv: CV, seed_graph: Graph) -> None:
    written_by_key: dict[str, set[str]] = {}
    for pub in seed_cv.publications:
        for author in pub.authors:
            written_by_key.setdefault(author.person, set()).add(author.written)
    assert {"Bach S", "Lapuschkin S"} <= written_by_key["sebastian-lapuschkin"]
    people = set(seed_graph.subjects(RDF.type, SDO.Person))
    assert {thing_iri(SEED_BASE, "person", key) for key in written_by_key} <= people


def test_an_author_missing_from_people_still_maps(sample_cv: CV) -> None:
    pub = replace(
        sample_cv.publications[0], authors=(Author("Ghost G", "ghost-g"),), key="ghost-2020"
    )
    graph = map_cv(replace(sample_cv, publications=(pub,), awards=()), BASE)
    assert graph.value(iri("person", "ghost-g"), SDO.name) == Literal("Ghost G")


# -- the seed says what the CV says, in its words (issue 14) ------------------------


def seed_iri(kind: str, key: str) -> URIRef:
    """The IRI of one of the seed owner's entries (roles, credentials, theses, awards …)."""
    return thing_iri(SEED_BASE, kind, f"sebastian-lapuschkin-{key}")


def test_the_phd_distinction_is_published_in_the_cvs_words(seed_graph: Graph) -> None:
    # cv.md: **PhD in Machine Learning** (with distinction / “summa cum laude”)
    assert list(seed_graph.objects(seed_iri("credential", "tu-berlin-phd"), SDO.award)) == [
        Literal("with distinction / “summa cum laude”")
    ]


def test_the_msc_and_bsc_grades_are_their_theses_not_their_degrees(seed_graph: Graph) -> None:
    # cv.md: *Thesis:* “…” (Grade: 1.0 / A), on the MSc and on the BSc thesis line
    theses = [
        seed_iri("thesis", f"{degree}-thesis") for degree in ("tu-berlin-msc", "tu-berlin-bsc")
    ]
    for thesis in theses:
        assert list(seed_graph.objects(thesis, LDCV.grade)) == [Literal("1.0 / A")], thesis
    # graded are these two theses and nothing else: no degree, not the PhD thesis
    assert set(seed_graph.subjects(LDCV.grade, None)) == set(theses)


def test_the_linkedin_profile_is_the_address_the_cv_prints(seed_graph: Graph) -> None:
    # cv.md: linkedin.com/in/sebastian-lapuschkin — a scheme is needed, a "www." is not there
    owner = thing_iri(SEED_BASE, "person", "sebastian-lapuschkin")
    linkedin = URIRef("https://linkedin.com/in/sebastian-lapuschkin")
    assert linkedin in set(seed_graph.objects(owner, SDO.sameAs))
    assert seed_graph.value(seed_iri("account", "linkedin"), FOAF.page) == linkedin
    assert [o for o in seed_graph.objects() if "www.linkedin.com" in str(o)] == []


def test_awards_name_an_awarding_body_only_where_the_cv_does(seed_graph: Graph) -> None:
    # cv.md names no body for "Freunde des HHI (2019)" nor for "ERCIM (2019, finalist)".
    assert list(seed_graph.subject_objects(LDCV.awardedBy)) == []
    ercim = seed_iri("award", "ercim-cor-baayen-2019")
    assert seed_graph.value(ercim, SDO.name) == Literal("ERCIM")
    assert seed_graph.value(ercim, SDO.description) == Literal(
        "Cor Baayen Young Researcher Award", lang="en"
    )
    assert seed_graph.value(ercim, LDCV.rank) == Literal("finalist")
    hhi = seed_iri("award", "freunde-des-hhi-2019")
    assert seed_graph.value(hhi, SDO.name) == Literal("Freunde des HHI")


# -- skills ------------------------------------------------------------------------


# The CV's one "Technical" paragraph (cv.md, Skills), with the LaTeX logo written as text.
TECHNICAL_SENTENCE = (
    "Extensive experience in software development using various languages, tools and "
    "environments: (e.g. python, Linux, bash, git, subversion, Slurm, Sun Grid Engine, "
    "Matlab, HTML, C#, C++, C, Java, lua, SQL, ...) Proficiency in scientific working and "
    "writing (e.g. LaTeX, Inkscape, ...), the development and application of machine "
    "learning methods (e.g. SVMs, DNNs, preprocessing pipelines, embeddings, clustering, "
    "...), in various application domains (text, audio, video, images, time series and "
    "biomechanical data, ...)."
)
TECHNICAL_ITEMS = [
    *("python", "Linux", "bash", "git", "subversion", "Slurm", "Sun Grid Engine", "Matlab"),
    *("HTML", "C#", "C++", "C", "Java", "lua", "SQL", "LaTeX", "Inkscape"),
    *("SVMs", "DNNs", "preprocessing pipelines", "embeddings", "clustering"),
    *("text", "audio", "video", "images", "time series and biomechanical data"),
]


def test_the_skills_are_the_cvs_one_technical_group_in_its_words(
    seed_cv: CV, seed_graph: Graph
) -> None:
    owner = thing_iri(SEED_BASE, "person", "sebastian-lapuschkin")
    groups = list(seed_graph.objects(owner, LDCV.skillGroup))
    assert groups == list(seed_graph.subjects(RDF.type, SDO.DefinedTermSet))
    (technical,) = groups  # no heading the CV does not print
    assert technical == thing_iri(SEED_BASE, "skill-set", "sebastian-lapuschkin-technical")
    assert list(seed_graph.objects(technical, SDO.name)) == [Literal("Technical")]
    assert list(seed_graph.objects(technical, SDO.description)) == [Literal(TECHNICAL_SENTENCE)]
    assert seed_graph.value(technical, SDO.position) == Literal(1)
    assert [item for group in seed_cv.skills for item in group.items] == TECHNICAL_ITEMS
    names = {
        str(seed_graph.value(t, SDO.name))
        for t in seed_graph.objects(technical, SDO.hasDefinedTerm)
    }
    assert names == set(TECHNICAL_ITEMS)


def test_the_owner_knows_about_skill_terms_that_name_their_group(seed_graph: Graph) -> None:
    owner = thing_iri(SEED_BASE, "person", "sebastian-lapuschkin")
    skills = set(seed_graph.objects(owner, SDO.knowsAbout))
    assert len(skills) == len(TECHNICAL_ITEMS)
    for skill in skills:
        assert (skill, RDF.type, SDO.DefinedTerm) in seed_graph
        (group,) = seed_graph.objects(skill, SDO.inDefinedTermSet)
        assert (group, SDO.hasDefinedTerm, skill) in seed_graph
    assert thing_iri(SEED_BASE, "skill", "c-plus-plus") in skills


@pytest.mark.parametrize(
    ("name", "slug"),
    [("C", "c"), ("C++", "c-plus-plus"), ("C#", "c-sharp"), ("Sun Grid Engine", "sun-grid-engine")],
)
def test_skill_slugs_keep_symbols_that_tell_languages_apart(name: str, slug: str) -> None:
    assert skill_slug(name) == slug


def test_two_cvs_share_a_skill_term_but_not_their_groups(make_sample_cv) -> None:
    ada = make_sample_cv()
    bea = make_sample_cv(owner_key="bea-example")
    bea = replace(bea, skills=(SkillGroup(key="tools", category="Tools", items=("Python",)),))
    graph = map_cvs([ada, bea], BASE)
    python = iri("skill", "python")
    assert set(graph.objects(python, SDO.inDefinedTermSet)) == {
        iri("skill-set", "ada-example-technical"),
        iri("skill-set", "bea-example-tools"),
    }
    assert list(graph.objects(python, SDO.name)) == [Literal("python")]
    assert list(graph.objects(python, SDO.alternateName)) == [Literal("Python")]
    assert set(graph.subjects(SDO.knowsAbout, python)) == {
        iri("person", "ada-example"),
        iri("person", "bea-example"),
    }


def test_a_skill_without_letters_or_digits_is_reported(sample_cv: CV) -> None:
    group = SkillGroup(key="odd", category="Odd", items=("?!",), source=sample_cv.source)
    with pytest.raises(InputError) as caught:
        map_cv(replace(sample_cv, skills=(group,)), BASE)
    message = str(caught.value)
    assert "data/sample.yaml:1" in message and "skills.items" in message and "'?!'" in message


# -- byline spellings per work -------------------------------------------------------


def test_every_work_keeps_its_byline_as_printed_in_author_list_order(
    seed_cv: CV, seed_graph: Graph
) -> None:
    for pub in seed_cv.publications:
        work = thing_iri(SEED_BASE, "publication", pub.key)
        byline = str(seed_graph.value(work, LDCV.byline))
        names = byline.split(BYLINE_SEPARATOR)
        assert names == [a.written for a in pub.authors]
        listed = list(Collection(seed_graph, seed_graph.value(work, BIBO.authorList)))
        assert len(names) == len(listed)


def test_the_owner_is_bach_s_on_papers_printed_under_his_birth_name(seed_graph: Graph) -> None:
    owner = thing_iri(SEED_BASE, "person", "sebastian-lapuschkin")
    bach = thing_iri(SEED_BASE, "publication", "bach-2015-on-pixel-wise-explanations")
    later = thing_iri(SEED_BASE, "publication", "lapuschkin-2019-unmasking-clever-hans-predictors")
    for work, printed in ((bach, "Bach S"), (later, "Lapuschkin S")):
        names = str(seed_graph.value(work, LDCV.byline)).split(BYLINE_SEPARATOR)
        listed = list(Collection(seed_graph, seed_graph.value(work, BIBO.authorList)))
        assert names[listed.index(owner)] == printed


# -- fidelity: everything the YAML says reaches the graph -----------------------------


# Values that name another entry by its key: they become links between nodes, not text.
REFERENCE_FIELDS = {
    "organizations[].parent",
    "positions[].organization",
    "positions[].supervisors[]",
    "education[].organization",
    "education[].thesis.supervisors[]",
    "awards[].for",
}
# (Author spellings name people too, but are also text: each must be in ldcv:byline.)
# Every other scalar must appear in a literal, except these, each for the reason given.
NOT_IN_A_LITERAL = {
    "organizations[].kind": "a choice carried by the rdf:type (schema:ResearchOrganization …)",
    "publications[].kind": "carried by the rdf:types (schema:ScholarlyArticle or schema:Chapter, "
    "bibo:AcademicArticle or bibo:Manuscript) and the venue (a bibo:Journal or bibo:Proceedings); "
    "the CV lists conference and workshop papers as one section, so the graph does too",
    "person.private[]": "names of fields kept private, not data",
    "person.public[]": "names of fields published, not data",
}
# Values of a field that mean the absence of a triple.
ABSENT_VALUES = {
    ("positions[].end", "present"): "an ongoing position has no schema:endDate",
    ("education[].end", "present"): "ongoing studies have no schema:endDate",
    ("projects[].end", "present"): "an ongoing membership has no schema:endDate",
}
# Fields whose value is the language tag of a literal (the award's description), not text.
LANGUAGE_TAG_FIELDS = {"awards[].description_language"}


def yaml_scalars(path) -> Iterator[tuple[str, int, str]]:
    """Every scalar of a YAML file except keys: (field path, 1-based line, value as written)."""
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)

    def walk(node: yaml.Node, at: str) -> Iterator[tuple[str, int, str]]:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value != "key":  # a slug that ends an IRI
                    yield from walk(value, f"{at}.{key.value}" if at else key.value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from walk(item, f"{at}[]")
        elif node.value != "":
            yield at, node.start_mark.line + 1, node.value

    yield from walk(root, "")


def missing_from_graph(path, graph: Graph, private: frozenset[str]) -> list[str]:
    """The YAML's scalars that appear in no literal (IRI, language tag) of ``graph``."""
    literals = [o for o in graph.objects() if isinstance(o, Literal)]
    text = "\x00".join(" ".join(str(o).split()) for o in literals)
    iris = {str(o) for o in graph.objects() if isinstance(o, URIRef)}
    languages = {o.language for o in literals if o.language}
    missing = []
    for field_path, line, value in yaml_scalars(path):
        owner_field = field_path.removeprefix("person.").split(".")[0].split("[")[0]
        if field_path.startswith("person.") and owner_field in private:
            continue
        if field_path in REFERENCE_FIELDS:
            continue
        if field_path in NOT_IN_A_LITERAL or (field_path, value) in ABSENT_VALUES:
            continue
        if field_path in LANGUAGE_TAG_FIELDS:
            found = value in languages
        elif value.startswith(("http://", "https://")):
            found = value in iris
        else:
            words = re.escape(" ".join(value.split()))
            found = re.search(rf"(?<!\w){words}(?!\w)", text) is not None
        if not found:
            missing.append(f"{path.name}:{line} {field_path}: {value!r}")
    return missing


def test_every_public_value_of_the_seed_yaml_reaches_the_graph(
    seed_cv: CV, seed_graph: Graph
) -> None:
    assert missing_from_graph(SEED_YAML, seed_graph, seed_cv.owner.private) == []


def test_the_fidelity_check_reports_a_dropped_field(seed_cv: CV, seed_graph: Graph) -> None:
    damaged = Graph()
    damaged += seed_graph
    for group in seed_graph.subjects(RDF.type, SDO.DefinedTermSet):
        damaged.remove((group, SDO.description, None))
    missing = missing_from_graph(SEED_YAML, damaged, seed_cv.owner.private)
    assert len(missing) == len(seed_cv.skills)
    assert all(" skills[].summary: " in entry for entry in missing), missing
    summary_line = next(v for v in yaml_scalars(SEED_YAML) if v[0] == "skills[].summary")[1]
    assert missing[0].startswith(f"sebastian-lapuschkin.yaml:{summary_line} ")


def test_the_fidelity_check_skips_only_private_fields_and_listed_exceptions(
    seed_cv: CV,
) -> None:
    skipped = {
        field_path
        for field_path, _line, value in yaml_scalars(SEED_YAML)
        if field_path in NOT_IN_A_LITERAL or (field_path, value) in ABSENT_VALUES
    }
    # Every exception the seed exercises is one the tables above list with a reason.
    assert skipped <= set(NOT_IN_A_LITERAL) | {p for p, _ in ABSENT_VALUES}
    assert {"organizations[].kind", "publications[].kind", "positions[].end"} <= skipped
    private_fields = {
        f.removeprefix("person.").split(".")[0]
        for f, _line, _value in yaml_scalars(SEED_YAML)
        if f.startswith("person.")
    } & seed_cv.owner.private
    assert private_fields == {"telephone", "address", "birth_date"}


def test_private_seed_values_reach_no_literal(seed_graph: Graph) -> None:
    text = "\x00".join(str(o) for o in seed_graph.objects() if isinstance(o, Literal))
    for field_path, _line, value in yaml_scalars(SEED_YAML):
        if field_path in ("person.telephone", "person.birth_date", "person.address.street"):
            assert value not in text, field_path


def test_paragraphs_of_positions_and_education_reach_their_own_role(
    seed_cv: CV, seed_graph: Graph
) -> None:
    def role_text(key: str) -> str:
        role = thing_iri(SEED_BASE, "role", f"sebastian-lapuschkin-{key}")
        return " ".join(str(seed_graph.value(role, SDO.description) or "").split())

    for position in seed_cv.positions:
        text = role_text(position.key)
        for paragraph in (*position.description, *position.tasks, *position.other_work):
            assert " ".join(paragraph.split()) in text, (position.key, paragraph)
        if position.research_focus:
            assert " ".join(position.research_focus.split()) in text
    for study in seed_cv.education:
        text = role_text(study.key)
        for paragraph in study.description:
            assert " ".join(paragraph.split()) in text, (study.key, paragraph)
    phd = role_text("tu-berlin-research-associate")
    assert "Supervision by Prof. Dr. Klaus-Robert Müller and Prof. Dr. Alexander Binder." in phd
    assert "Additional supervision by Dr. Wojciech Samek." in role_text("hhi-research-associate")
