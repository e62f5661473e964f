"""Terms cross between rdflib and pyoxigraph unchanged."""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ldcv.store.terms import to_oxigraph, to_rdflib


@pytest.mark.parametrize(
    "term",
    [
        URIRef("https://example.org/id/person/ä"),
        BNode("n0123abcd"),
        Literal("plain"),
        Literal("Grüße", lang="de"),
        Literal("2021-07", datatype=XSD.gYearMonth),
        Literal("1.50", datatype=XSD.decimal, normalize=False),
        Literal("42", datatype=XSD.integer),
    ],
)
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
