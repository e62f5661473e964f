"""Terms cross between rdflib and pyoxigraph unchanged."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ldcv.store.terms import Translations, to_oxigraph, to_rdflib

TERMS = [
    URIRef("https://example.org/id/person/ä"),
    BNode("n0123abcd"),
    Literal("plain"),
    Literal("Grüße", lang="de"),
    Literal("2021-07", datatype=XSD.gYearMonth),
    Literal("1.50", datatype=XSD.decimal, normalize=False),
    Literal("42", datatype=XSD.integer),
]


@pytest.mark.parametrize("term", TERMS)
def test_a_term_comes_back_as_it_went(term):
    back = to_rdflib(to_oxigraph(term))

    assert type(back) is type(term)
    assert back == term
    assert str(back) == str(term)
    assert getattr(back, "datatype", None) == getattr(term, "datatype", None)
    assert getattr(back, "language", None) == getattr(term, "language", None)


def test_the_seed_graph_crosses_unchanged(seed_dataset):
    for triple in seed_dataset.graph:
        for term in triple:
            back = to_rdflib(to_oxigraph(term))
            assert (back, str(back)) == (term, str(term))


@pytest.mark.parametrize("term", TERMS)
def test_remembered_translations_are_the_translations(term):
    translations = Translations()
    for _ in range(2):  # the second time from memory
        there = translations.to_oxigraph(term)
        back = translations.to_rdflib(there)
        assert there == to_oxigraph(term)
        assert type(back) is type(term)
        assert back == term
        assert getattr(back, "datatype", None) == getattr(term, "datatype", None)


def test_translations_remember_at_most_what_they_may_keep():
    translations = Translations(kept=3)
    iris = [URIRef(f"https://example.org/id/thing/{n}") for n in range(10)]
    for iri in iris:
        assert translations.to_rdflib(translations.to_oxigraph(iri)) == iri
        assert len(translations._to_oxigraph) <= 3
        assert len(translations._to_rdflib) <= 3
