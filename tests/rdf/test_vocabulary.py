"""Every term the mapping uses exists; our own vocabulary is complete and anchored in schema.org."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as rdflib_namespace

from ldcv.model import CV
from ldcv.rdf.mapping import map_cv
from ldcv.rdf.vocabulary import (
    DCTERMS,
    LDCV,
    OWL,
    PREFIXES,
    RDF,
    RDFS,
    SDO,
    bind_prefixes,
    new_graph,
    own_vocabulary,
)

VOCAB = Path(__file__).resolve().parents[1] / "vocab"
VOCABULARY_FILES = ["schemaorg-30.0-http.ttl", "foaf.ttl", "bibo.ttl", "void.ttl", "sd.ttl"]
# Closed term lists rdflib generates from the official RDF, RDFS, OWL, XSD and DCTERMS files.
# (Kept in a list, not module names: pytest's collection trips over the closed XSD namespace.)
DEFINED_NAMESPACES = [
    getattr(rdflib_namespace, name) for name in ("RDF", "RDFS", "OWL", "XSD", "DCTERMS")
]
ONTOLOGY = URIRef(str(LDCV).rstrip("#"))
SCHEMA_DATATYPES = {SDO.Text, SDO.URL, SDO.Date, SDO.Number, SDO.Boolean}

# Own terms with no schema.org super-term: each comment in vocab.ttl says why none fits.
NO_SCHEMA_SUPER_TERM = {
    LDCV.birthFamilyName,
    LDCV.grade,
    LDCV.proficiencyLevel,
    LDCV.received,
    LDCV.awardedFor,
    LDCV.awardedBy,
    LDCV.rank,
}


@pytest.fixture(scope="module")
def vocabularies() -> Graph:
    """The real vocabulary files (schema.org 30.0, FOAF, BIBO, VoID, SD) and ours, merged."""
    graph = Graph()
    for name in VOCABULARY_FILES:
        graph.parse(VOCAB / name, format="turtle")
    graph += own_vocabulary()
    return graph


@pytest.fixture(scope="module")
def schema_org() -> Graph:
    return Graph().parse(VOCAB / "schemaorg-30.0-http.ttl", format="turtle")


@pytest.fixture(scope="module")
def own() -> Graph:
    return own_vocabulary()


def used_terms(graph: Graph) -> set[URIRef]:
    """Every property, class and datatype the graph uses."""
    terms: set[URIRef] = set(graph.predicates())
    terms |= {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}
    terms |= {o for o in graph.objects(None, SDO.additionalType) if isinstance(o, URIRef)}
    terms |= {o.datatype for o in graph.objects() if isinstance(o, Literal) and o.datatype}
    return terms


def unknown_terms(graph: Graph, vocabularies: Graph) -> set[URIRef]:
    """The terms ``graph`` uses that no vocabulary defines."""

    def defined(term: URIRef) -> bool:
        if (term, RDF.type, None) in vocabularies:
            return True
        return any(term.startswith(str(ns)) and term in ns for ns in DEFINED_NAMESPACES)

    return {term for term in used_terms(graph) if not defined(term)}


def own_terms(own: Graph) -> set[URIRef]:
    return {s for s in own.subjects(RDF.type, None) if str(s).startswith(str(LDCV))}


# -- the checker --------------------------------------------------------------


@pytest.mark.slow
def test_checker_rejects_invented_and_misspelt_terms(vocabularies: Graph) -> None:
    graph = new_graph()
    person = URIRef("http://example.org/id/person/x")
    graph.add((person, RDF.type, SDO.Person))
    graph.add((person, SDO.name, Literal("X")))
    graph.add((person, RDF.type, SDO.Scientist))  # no such class in schema.org 30.0
    graph.add((person, SDO.favouriteTheorem, Literal("Noether")))
    graph.add((person, URIRef("https://schema.org/name"), Literal("X")))  # https, not http
    graph.add((person, LDCV.shoeSize, Literal("42")))
    graph.add(
        (
            person,
            DCTERMS.date,
            Literal("2020", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYears")),
        )
    )
    assert unknown_terms(graph, vocabularies) == {
        SDO.Scientist,
        SDO.favouriteTheorem,
        URIRef("https://schema.org/name"),
        LDCV.shoeSize,
        URIRef("http://www.w3.org/2001/XMLSchema#gYears"),
    }


# -- the mapping's terms exist ------------------------------------------------


@pytest.mark.slow
def test_every_term_of_the_sample_graph_exists(sample_cv: CV, vocabularies: Graph) -> None:
    graph = map_cv(sample_cv, "http://example.org")
    assert unknown_terms(graph, vocabularies) == set()


def test_every_term_of_the_seed_graph_exists(seed_graph: Graph, vocabularies: Graph) -> None:
    assert unknown_terms(seed_graph, vocabularies) == set()


def test_every_own_term_is_used_by_the_mapping(make_sample_cv, own: Graph) -> None:
    graph = map_cv(make_sample_cv(private=frozenset()), "http://example.org")
    assert own_terms(own) - used_terms(graph) == set()


# -- our own vocabulary -------------------------------------------------------


def test_own_vocabulary_is_an_ontology_named_after_its_namespace(own: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in own
    assert str(LDCV) == f"{ONTOLOGY}#"
    assert len(own_terms(own)) >= 10


def test_every_own_term_has_label_comment_and_defining_vocabulary(own: Graph) -> None:
    for term in own_terms(own):
        label = own.value(term, RDFS.label)
        comment = own.value(term, RDFS.comment)
        assert label is not None and label.language == "en", term
        assert comment is not None and len(comment) > 20, term
        assert own.value(term, RDFS.isDefinedBy) == ONTOLOGY, term


@pytest.mark.slow
def test_own_super_terms_are_real_schema_org_terms_of_the_right_kind(
    own: Graph, schema_org: Graph
) -> None:
    for term in own_terms(own):
        for relation, kind in ((RDFS.subPropertyOf, RDF.Property), (RDFS.subClassOf, RDFS.Class)):
            for parent in own.objects(term, relation):
                assert str(parent).startswith(str(SDO)), (term, parent)
                assert (parent, RDF.type, kind) in schema_org, (term, parent)


def test_only_the_documented_gaps_lack_a_schema_org_super_term(own: Graph) -> None:
    without = {
        term
        for term in own_terms(own)
        if own.value(term, RDFS.subPropertyOf) is None and own.value(term, RDFS.subClassOf) is None
    }
    assert without == NO_SCHEMA_SUPER_TERM


@pytest.mark.slow
def test_every_own_property_declares_domain_and_range_that_exist(
    own: Graph, schema_org: Graph
) -> None:
    classes = set(schema_org.subjects(RDF.type, RDFS.Class)) | own_terms(own)
    properties = [t for t in own_terms(own) if (t, RDF.type, RDF.Property) in own]
    assert properties
    for prop in properties:
        domains = set(own.objects(prop, SDO.domainIncludes))
        ranges = set(own.objects(prop, SDO.rangeIncludes))
        assert domains and ranges, prop
        assert domains <= classes, prop
        assert ranges <= classes | SCHEMA_DATATYPES, prop


# -- prefixes -----------------------------------------------------------------


def test_schema_prefix_is_http_schema_org_even_on_a_default_rdflib_graph() -> None:
    graph = bind_prefixes(Graph())  # rdflib binds schema: to https://schema.org/ by default
    assert dict(graph.namespaces())["schema"] == URIRef("http://schema.org/")
    assert PREFIXES["schema"] == SDO
    assert str(SDO) == "http://schema.org/"


def test_new_graph_binds_only_our_prefixes() -> None:
    bound = {prefix for prefix, _ in new_graph().namespaces()}
    assert set(PREFIXES) <= bound
    assert "brick" not in bound
