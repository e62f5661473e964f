"""Citation keys: letters where a first author's works share a stem, found cheaply."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from ldcv.bibliography import keys
from ldcv.bibliography.keys import citation_key
from ldcv.rdf.vocabulary import RDF, SDO

BASE = "https://example.org/id/"
AUTHOR = URIRef(BASE + "person/ada-lovelace")


def _works(graph: Graph, year: int, titles: list[str]) -> list[URIRef]:
    made = []
    for number, title in enumerate(titles):
        work = URIRef(f"{BASE}publication/lovelace-{year}-{number}")
        graph.add((work, RDF.type, SDO.ScholarlyArticle))
        graph.add((work, SDO.name, Literal(title)))
        graph.add((work, SDO.datePublished, Literal(str(year))))
        graph.add((work, SDO.author, AUTHOR))
        made.append(work)
    return made


@pytest.fixture
def prolific() -> tuple[Graph, list[URIRef]]:
    """An author with two works of 1843 that share a stem, and thirty of other years."""
    graph = Graph()
    graph.add((AUTHOR, RDF.type, SDO.Person))
    graph.add((AUTHOR, SDO.familyName, Literal("Lovelace")))
    rivals = _works(graph, 1843, ["Notes on the Engine", "Notes on the analytical engine"])
    for year in range(1820, 1850):
        if year != 1843:
            _works(graph, year, [f"Notes on topic {year}"])
    return graph, rivals


def test_works_sharing_a_stem_get_letters_in_the_order_of_their_iris(prolific) -> None:
    graph, (first, second) = prolific
    assert citation_key(graph, first) == "lovelace1843notesa"
    assert citation_key(graph, second) == "lovelace1843notesb"


def test_a_key_asks_what_kind_of_work_only_of_its_authors_works_of_that_year(
    prolific, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph, (first, _) = prolific
    asked: list[URIRef] = []
    kind_of = keys.work_kind

    def counting_kind(graph: Graph, work: URIRef) -> str | None:
        asked.append(work)
        return kind_of(graph, work)

    monkeypatch.setattr(keys, "work_kind", counting_kind)
    citation_key(graph, first)
    # On a store every question is a lookup: thirty works of other years are not asked.
    assert sorted(asked) == sorted(prolific[1])
