"""A work, or a person's whole bibliography, in a bibliographic format: the one entry point."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rdflib import Graph, URIRef

from ldcv.bibliography.bibtex import bibtex
from ldcv.bibliography.csl import Item, csl_item, csl_json_bytes
from ldcv.bibliography.kept import Kept
from ldcv.bibliography.keys import CitationKeys, unique_keys
from ldcv.bibliography.ris import ris
from ldcv.bibliography.styles import DEFAULT_LOCALE, DEFAULT_STYLE, CitationStyles
from ldcv.bibliography.works import work_kind
from ldcv.rdf.vocabulary import FOAF, RDF, SDO

# The keys of the format table (``ldcv.rdf.formats``) this package renders.
BIBLIOGRAPHIC_FORMATS = ("bibtex", "ris", "csl-json", "citation")
# Works' items a ``Bibliographies`` keeps, weighed by their names (``item_weight``): an
# item of a few authors is some 2.7 KiB (measured at 10,000 CVs), a name some 400 bytes,
# so some 8 MiB in all.
ITEMS_KEPT = 20_000


def item_weight(work: URIRef, item: Item | None) -> int:
    """What ``item`` weighs in a ``Kept``: some 400 bytes a unit, one for each name."""
    if item is None:
        return 1
    return 4 + len(item.get("author", ())) + len(item.get("editor", ()))


def bibliography_items(graph: Graph, subject: URIRef) -> list[Item]:
    """The CSL-JSON items ``subject`` stands for: the work itself, or every work a person wrote."""
    return Bibliographies(graph).items(subject)


class Bibliographies:
    """The bibliographies of one dataset (a catalog keeps one while its data stays the same).

    Each work's item is made once, whichever bibliographies list it (a paper of six
    authors is in seven: its own and theirs), each author's works are listed once, and
    the citation styles are parsed once.
    """

    def __init__(self, graph: Graph, items_kept: int = ITEMS_KEPT) -> None:
        self.graph = graph
        self.styles = CitationStyles()
        self.keys = CitationKeys(graph, items_kept)
        self._items = Kept[URIRef, Item | None](items_kept, item_weight)

    def items(self, subject: URIRef) -> list[Item]:
        """The items of ``subject``: the work itself, or every work the person wrote."""
        graph = self.graph
        if (subject, RDF.type, SDO.Person) in graph or (subject, RDF.type, FOAF.Person) in graph:
            works = self.keys.works_of(subject)
        else:
            works = [subject] if work_kind(graph, subject) is not None else []
        found = [dict(item) for item in map(self._item, works) if item is not None]
        unique_keys(found)
        return found

    def render(
        self,
        subject: URIRef,
        fmt_key: str,
        style: str = DEFAULT_STYLE,
        locale: str = DEFAULT_LOCALE,
    ) -> bytes:
        """The bibliography of ``subject`` (a work or a person) in the format ``fmt_key``."""
        return render_items(self.items(subject), fmt_key, self.styles, style, locale)

    def _item(self, work: URIRef) -> Item | None:
        return self._items.made(work, lambda: csl_item(self.graph, work, self.keys.key(work)))


def render_items(
    items: list[Item],
    fmt_key: str,
    styles: CitationStyles,
    style: str = DEFAULT_STYLE,
    locale: str = DEFAULT_LOCALE,
) -> bytes:
    """``items`` in the format ``fmt_key`` (one of ``BIBLIOGRAPHIC_FORMATS``), as UTF-8 bytes."""
    if fmt_key == "bibtex":
        return bibtex(items).encode("utf-8")
    if fmt_key == "ris":
        return ris(items).encode("utf-8")
    if fmt_key == "csl-json":
        return csl_json_bytes(items)
    if fmt_key == "citation":
        return "".join(f"{line}\n" for line in styles.format(items, style, locale)).encode("utf-8")
    raise ValueError(f"{fmt_key!r} is not a bibliographic format")


def owners_bibliography(graph: Graph, owners: Sequence[URIRef], fmt_key: str) -> bytes:
    """Every work of ``owners`` (once each, in their order) in ``fmt_key``, default style."""
    bibliographies = Bibliographies(graph)
    items: list[Item] = []
    seen: set[str] = set()
    for owner in owners:
        for item in bibliographies.items(owner):
            if item["id"] not in seen:
                seen.add(item["id"])
                items.append(item)
    return render_items(items, fmt_key, bibliographies.styles)


def items_from_csl_json(data: bytes) -> list[Item]:
    """Read back the items of a CSL-JSON export (to format them in another style)."""
    return json.loads(data)
