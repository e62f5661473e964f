"""The index of the people whose CVs a dataset holds: orders, counts, pages and their RDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from ldcv.documents.paging import HYDRA
from ldcv.documents.people_index import (
    PeopleIndex,
    parse_people_path,
    people_page_graph,
    people_path,
)
from ldcv.generator import write_cvs
from ldcv.pipeline import prepare
from ldcv.rdf.vocabulary import SDO

BASE = "https://cv.example.org"


def _index(tmp_path: Path, count: int, page_size: int) -> PeopleIndex:
    write_cvs(count, tmp_path, seed=3)
    dataset = prepare([tmp_path], BASE)
    return PeopleIndex(dataset.graph, sorted(dataset.owners), page_size=page_size)


def test_people_paths_name_their_order_and_page_and_page_one_has_one_path() -> None:
    assert people_path("name") == "/people/by-name"
    assert people_path("publications", 3) == "/people/by-publications/3"
    assert parse_people_path("/people/by-publications/3") == ("publications", 3)
    assert parse_people_path("/people/by-name") == ("name", 1)
    for other in ("/people/by-name/1", "/people/by-name/02", "/people/by-age", "/people/x"):
        assert parse_people_path(other) is None


@pytest.mark.slow
def test_pages_cover_every_owner_once_in_each_order(tmp_path: Path) -> None:
    index = _index(tmp_path, 7, page_size=3)
    assert index.pages == 3
    for order in ("name", "publications"):
        listed = [p for n in range(1, 4) for p in index.page(order, n).people]  # type: ignore[union-attr]
        assert sorted(o.iri for o in listed) == sorted(index.owners)
    assert index.page("name", 4) is None and index.page("age", 1) is None


@pytest.mark.slow
def test_orders_sort_by_name_and_by_publications_descending(tmp_path: Path) -> None:
    index = _index(tmp_path, 7, page_size=100)
    by_name = index.page("name", 1).people  # type: ignore[union-attr]
    assert [o.name.casefold() for o in by_name] == sorted(o.name.casefold() for o in by_name)
    counts = [o.publications for o in index.page("publications", 1).people]  # type: ignore[union-attr]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0


def test_publication_counts_are_the_works_naming_each_owner_as_author(tmp_path: Path) -> None:
    index = _index(tmp_path, 3, page_size=100)
    for owner in index.page("name", 1).people:  # type: ignore[union-attr]
        assert owner.publications == len(set(index.graph.subjects(SDO.author, owner.iri)))


def test_a_middle_page_links_to_first_previous_next_and_last_with_hydra(tmp_path: Path) -> None:
    index = _index(tmp_path, 7, page_size=3)
    page = index.page("publications", 2)
    assert page is not None
    graph = people_page_graph(index.graph, BASE, page, page.path)
    view = URIRef(BASE + "/people/by-publications/2")
    assert (view, None, HYDRA.PartialCollectionView) in graph
    links = {p: o for p, o in graph.predicate_objects(view) if str(p).startswith(str(HYDRA))}
    assert links == {
        HYDRA.first: URIRef(BASE + "/people/by-publications"),
        HYDRA.previous: URIRef(BASE + "/people/by-publications"),
        HYDRA.next: URIRef(BASE + "/people/by-publications/3"),
        HYDRA.last: URIRef(BASE + "/people/by-publications/3"),
    }
    assert set(graph.objects(view, SDO.about)) == {o.iri for o in page.people}


def test_a_single_page_has_no_paging_links(tmp_path: Path) -> None:
    index = _index(tmp_path, 3, page_size=100)
    page = index.page("name", 1)
    assert page is not None
    graph = people_page_graph(index.graph, BASE, page, "/")
    assert not any(str(p).startswith(str(HYDRA)) for p in graph.predicates())
    assert not any(str(o).startswith(str(HYDRA)) for o in graph.objects())


def test_kept_rows_are_made_once_and_read_back_by_another_index(tmp_path: Path) -> None:
    first = _index(tmp_path, 3, page_size=2)
    kept: dict[str, bytes] = {}

    def keep(make):  # type: ignore[no-untyped-def]
        if "rows" not in kept:  # as a snapshot's folder does: the first to ask makes them
            kept["rows"] = make()
        return kept["rows"]

    made = PeopleIndex(first.graph, first.owners, page_size=2, kept=keep)
    # Another process: the same owners, nothing of the data read (an empty graph).
    elsewhere = PeopleIndex(Graph(), first.owners, page_size=2, kept=keep)
    for order in ("name", "publications"):
        for number in (1, 2):
            expected = first.page(order, number)
            assert made.page(order, number) == expected == elsewhere.page(order, number)
    assert sum(o.publications for o in elsewhere.page("name", 1).people) > 0  # type: ignore[union-attr]
