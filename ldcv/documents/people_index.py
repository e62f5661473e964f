"""The index of the people whose CVs a dataset holds: sorted two ways, in pages.

Each order has its pages at paths that work as static files too:
``/people/by-name``, ``/people/by-name/2``, … and ``/people/by-publications``, …;
the home page of several CVs is the first page by name. In RDF each page is a
``schema:CollectionPage`` about the people on it; when there is more than one page it
is also a ``hydra:PartialCollectionView`` with ``hydra:first``/``previous``/``next``/
``last`` links (``ldcv.documents.paging``), the same links the HTML gives as
``rel="prev"``/``rel="next"``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef

from ldcv.documents.paging import PAGE_SIZE, add_page_links
from ldcv.rdf.vocabulary import FOAF, RDF, SDO, new_graph

PEOPLE_PATH = "/people"
PEOPLE_INDEX_FILE = "people-index.json"  # the rows, kept beside a store snapshot
ORDERS: tuple[str, ...] = ("name", "publications")


@dataclass(frozen=True)
class Owner:
    """One person of the index: what a row shows and what it is sorted by."""

    iri: URIRef
    name: str
    publications: int


@dataclass(frozen=True)
class PeoplePage:
    """One page of the index in one order."""

    order: str
    number: int
    pages: int
    total: int
    people: tuple[Owner, ...]

    @property
    def path(self) -> str:
        return people_path(self.order, self.number)

    def path_of(self, number: int) -> str | None:
        """The path of page ``number`` in this order (``None``: there is no such page)."""
        return people_path(self.order, number) if 1 <= number <= self.pages else None


def people_path(order: str, number: int = 1) -> str:
    """Where page ``number`` of the index sorted by ``order`` is served."""
    path = f"{PEOPLE_PATH}/by-{order}"
    return path if number == 1 else f"{path}/{number}"


def parse_people_path(path: str) -> tuple[str, int] | None:
    """The order and page number of a path of the index (``None``: not one)."""
    if not path.startswith(PEOPLE_PATH + "/by-"):
        return None
    order, _, number = path[len(PEOPLE_PATH) + len("/by-") :].partition("/")
    if order not in ORDERS:
        return None
    if not number:
        return order, 1
    if not number.isdigit() or number.startswith("0") or number == "1":
        return None  # page 1 has one path only
    return order, int(number)


class PeopleIndex:
    """The owners of a dataset with their publication counts, read once when first asked.

    ``kept(make)``, if given, returns the bytes ``make()`` gives, made once for the
    data by whichever process asks first and kept on disk (a store snapshot's folder):
    reading every owner's works of a large dataset (5 s at 10,000 CVs) is then done
    once, not in every server process and after every restart.
    """

    def __init__(
        self,
        graph: Graph,
        owners: Sequence[URIRef],
        page_size: int = PAGE_SIZE,
        *,
        kept: Callable[[Callable[[], bytes]], bytes] | None = None,
    ) -> None:
        self.graph = graph
        self.owners = tuple(owners)
        self.page_size = page_size
        self.kept = kept
        self._sorted: dict[str, tuple[Owner, ...]] | None = None
        self._lock = threading.Lock()

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.owners) // self.page_size))

    def page(self, order: str, number: int) -> PeoplePage | None:
        """Page ``number`` of the index sorted by ``order`` (``None``: no such page)."""
        if order not in ORDERS or not 1 <= number <= self.pages:
            return None
        people = self._orders()[order]
        start = (number - 1) * self.page_size
        return PeoplePage(
            order, number, self.pages, len(people), people[start : start + self.page_size]
        )

    def paths(self) -> list[str]:
        """Every page's path, in every order."""
        return [people_path(o, n) for o in ORDERS for n in range(1, self.pages + 1)]

    def _orders(self) -> dict[str, tuple[Owner, ...]]:
        with self._lock:
            if self._sorted is None:
                owners = self._rows()
                by_name = sorted(owners, key=lambda o: (o.name.casefold(), str(o.iri)))
                self._sorted = {
                    "name": tuple(by_name),
                    "publications": tuple(
                        sorted(by_name, key=lambda o: -o.publications)  # stable: then by name
                    ),
                }
            return self._sorted

    def _rows(self) -> list[Owner]:
        """Each owner's row, in the order of ``owners``: read from the data, or kept."""
        if self.kept is None:
            return [self.row_of(iri) for iri in self.owners]
        text = self.kept(lambda: rows_json([self.row_of(iri) for iri in self.owners]))
        return [Owner(URIRef(iri), name, count) for iri, name, count in json.loads(text)]

    def row_of(self, iri: URIRef) -> Owner:
        """The row of owner ``iri``, read from the data."""
        names = sorted(str(n) for n in self.graph.objects(iri, SDO.name))
        works = set(self.graph.subjects(SDO.author, iri))
        return Owner(iri, names[0] if names else str(iri).rsplit("/", 1)[-1], len(works))


def rows_json(owners: Sequence[Owner]) -> bytes:
    """The rows of the index as JSON text: ``[iri, name, publications]`` each."""
    rows = [[str(o.iri), o.name, o.publications] for o in owners]
    return json.dumps(rows, ensure_ascii=False, indent=0).encode("utf-8")


def updated_rows_json(
    previous: bytes, owners: Sequence[URIRef], touched: Collection[str], index: PeopleIndex
) -> bytes:
    """``rows_json`` of ``owners`` from the ``previous`` rows, each of the ``touched`` IRIs
    (or new) read again through ``index``: the others' names and works did not change."""
    kept = {iri: Owner(URIRef(iri), name, count) for iri, name, count in json.loads(previous)}
    rows = [
        index.row_of(iri) if str(iri) in touched or str(iri) not in kept else kept[str(iri)]
        for iri in owners
    ]
    return rows_json(rows)


def people_page_graph(graph: Graph, base: str, page: PeoplePage, path: str) -> Graph:
    """One page of the index as RDF: a collection page about its people, with its links."""
    home = URIRef(base + path)
    found = new_graph()
    found.add((home, RDF.type, SDO.CollectionPage))
    found.add((home, RDF.type, FOAF.Document))
    for owner in page.people:
        found.add((home, SDO.about, owner.iri))
        found.add((home, FOAF.topic, owner.iri))
        for predicate in (RDF.type, SDO.name, FOAF.name):
            for value in graph.objects(owner.iri, predicate):
                found.add((owner.iri, predicate, value))
    if page.pages > 1:
        add_page_links(found, home, base, page.path_of, page.number, page.pages)
    return found
