"""Blank nodes written to a remote store as IRIs of ours, and read back as blank nodes."""

from __future__ import annotations

import json

import pyoxigraph as ox

from ldcv.store.remote_terms import (
    SKOLEM_PREFIX,
    from_remote,
    json_results_from_remote,
    lines_from_remote,
    lines_to_remote,
    to_remote,
)


def test_a_blank_node_goes_out_as_an_iri_and_comes_back_with_its_label() -> None:
    written = to_remote(ox.BlankNode("n3a2e79d5"))

    assert written == ox.NamedNode(SKOLEM_PREFIX + "n3a2e79d5")
    assert from_remote(written) == ox.BlankNode("n3a2e79d5")


def test_other_terms_pass_unchanged_both_ways() -> None:
    for term in (ox.NamedNode("https://example.org/a"), ox.Literal("urn:ldcv:blank:x")):
        assert to_remote(term) == term and from_remote(term) == term


def test_n_triples_from_the_store_get_their_blank_nodes_back() -> None:
    text = (
        b"<https://e.org/w> <https://e.org/list> <urn:ldcv:blank:n01> .\n"
        b'<urn:ldcv:blank:n01>\t<https://e.org/first>\t"a> <urn:ldcv:blank:n01> ." .\n'
        b"<urn:ldcv:blank:n01> <https://e.org/rest> <urn:ldcv:blank:n02>\t.\n"
    )
    parsed = list(ox.parse(lines_from_remote(text), format=ox.RdfFormat.N_TRIPLES))

    assert parsed[0].object == ox.BlankNode("n01") and parsed[1].subject == ox.BlankNode("n01")
    assert parsed[2].object == ox.BlankNode("n02")  # Virtuoso separates terms with tabs
    # A literal's text is data, not a term, even when it reads like one.
    assert parsed[1].object == ox.Literal("a> <urn:ldcv:blank:n01> .")


def test_json_results_from_the_store_get_their_blank_nodes_back() -> None:
    results = {
        "head": {"vars": ["x", "label"]},
        "results": {
            "bindings": [
                {
                    "x": {"type": "uri", "value": SKOLEM_PREFIX + "g42"},
                    "label": {"type": "literal", "value": SKOLEM_PREFIX + "g42"},
                }
            ]
        },
    }
    rows = json.loads(json_results_from_remote(json.dumps(results).encode()))

    row = rows["results"]["bindings"][0]
    assert row["x"] == {"type": "bnode", "value": "g42"}
    assert row["label"] == {"type": "literal", "value": SKOLEM_PREFIX + "g42"}


def test_answers_without_our_iris_are_returned_as_they_came() -> None:
    data = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
    assert json_results_from_remote(data) is data and lines_from_remote(data) is data


def test_n_triples_to_the_store_get_our_iris_for_blank_nodes_and_come_back_unchanged() -> None:
    text = (
        b"<https://e.org/w> <https://e.org/list> _:n01 .\n"
        b'_:n01 <https://e.org/first> "a> _:n01 ." .\n'
        b"_:n01 <https://e.org/rest> _:n02 .\n"
    )
    written = lines_to_remote(text)
    parsed = list(ox.parse(written, format=ox.RdfFormat.N_TRIPLES))

    assert parsed[0].object == ox.NamedNode(SKOLEM_PREFIX + "n01")
    assert parsed[1].subject == ox.NamedNode(SKOLEM_PREFIX + "n01")
    assert parsed[1].object == ox.Literal("a> _:n01 .")
    assert parsed[2].object == ox.NamedNode(SKOLEM_PREFIX + "n02")
    assert lines_from_remote(written) == text
