"""The documents of a store's dataset by path, each made when it is first asked for.

``StoreDocuments`` is the store's counterpart of ``Documents``: a mapping path →
``Document`` that knows a path from its IRI (``/doc/{kind}/{slug}`` describes
``{base}/id/{kind}/{slug}``) and asks the store only whether that subject exists. It
keeps the recently used documents (and their graphs) up to a count; a whole-site
consumer (the sitemap, a static build) iterates every path, which the store lists,
sorted, on demand. Nothing holds one entry per path of the dataset.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from typing import Any

from rdflib import URIRef

from ldcv.documents.bounded import BoundedCache
from ldcv.documents.paging import PAGE_SIZE
from ldcv.documents.selection import Document, page_document, page_path, split_page
from ldcv.documents.store_index import OneDocument, StoreIndex
from ldcv.rdf.iris import document_path, parse_thing_iri

DOCUMENTS_KEPT = 64  # documents with their graphs, for the next format asked of them
LINKS_KEPT = 20_000  # subjects known to have (or not) a document: the links of recent pages
# What pages share (a work's citation, byline, details). A citation holds resources of the
# page that made it, and so that page: a few hundred entries keep a few dozen pages.
SHARED_KEPT = 500


class StoreDocuments(Mapping[str, Document]):
    """The documents of the things a store's dataset mints under ``index.base``, by path."""

    def __init__(self, index: StoreIndex, kept: int = DOCUMENTS_KEPT) -> None:
        self.index = index
        self._documents: BoundedCache[str, Document] = BoundedCache(kept)
        self._page_index: tuple[SubjectPaths, BoundedCache[Any, Any]] | None = None
        self._lock = threading.Lock()

    def subject_of(self, path: str) -> URIRef | None:
        """The IRI that the document at ``path`` would describe, if ``path`` is a document's."""
        if not isinstance(path, str) or not path.startswith("/doc/"):
            return None
        iri = f"{self.index.base}/id/{path[len('/doc/') :]}"
        parsed = parse_thing_iri(self.index.base, iri)
        if parsed is None or document_path(*parsed) != path:
            return None
        return URIRef(iri)

    def __getitem__(self, path: str) -> Document:
        found = self._documents.get(path)
        if found is not None:
            return found
        whole, page = split_page(path) if isinstance(path, str) else (path, 1)
        subject = self.subject_of(whole)
        if subject is None or not self.index.is_subject(subject):
            raise KeyError(path)
        if page > 1:
            iri = URIRef(self.index.base + whole)
            if page > OneDocument(self.index).incoming_pages(subject, iri):
                raise KeyError(path)
        _, kind, slug = whole.split("/", 3)[1:]
        document = page_document(self.index, subject, kind, slug, page)
        return self._documents.put(path, document)

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        if path in self._documents:
            return True
        if split_page(path)[1] > 1:
            try:
                self[path]
            except KeyError:
                return False
            return True
        subject = self.subject_of(path)
        return subject is not None and self.index.is_subject(subject)

    def __iter__(self) -> Iterator[str]:
        """Every document's path, sorted (as the subjects it describes sort), pages included."""
        base = self.index.base
        paged = self.index.linked_more_than(PAGE_SIZE)
        for subject in self.index.minted_subjects():
            path = document_path(*parse_thing_iri(base, subject))  # type: ignore[misc]
            yield path
            if subject in paged:
                pages = OneDocument(self.index).incoming_pages(subject, URIRef(base + path))
                for page in range(2, pages + 1):
                    yield page_path(path, page)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def fingerprint(self) -> str | None:
        """Unknown here: a digest of the dataset would read all of it."""
        return None

    def page_index(self) -> tuple[SubjectPaths, BoundedCache[Any, Any]]:
        """Each subject's document path, and a memo shared by the pages of these documents.

        Both answer from the store and keep only what recent pages asked.
        """
        made = self._page_index
        if made is None:
            with self._lock:
                if self._page_index is None:
                    self._page_index = (SubjectPaths(self.index), BoundedCache(SHARED_KEPT))
                made = self._page_index
        return made


class SubjectPaths(Mapping[URIRef, str]):
    """Subject IRI → the path of its document, for the things minted in a store's dataset."""

    def __init__(self, index: StoreIndex, kept: int = LINKS_KEPT) -> None:
        self.index = index
        self._known: BoundedCache[URIRef, str | None] = BoundedCache(kept)

    def get(self, iri: object, default: Any = None) -> Any:
        if not isinstance(iri, URIRef):
            return default
        found = self._known.get(iri, False)
        if found is False:
            found = None
            parsed = parse_thing_iri(self.index.base, str(iri))
            if parsed is not None and self.index.is_subject(iri):
                found = document_path(*parsed)
            self._known.put(iri, found)
        return default if found is None else found

    def __getitem__(self, iri: URIRef) -> str:
        found = self.get(iri)
        if found is None:
            raise KeyError(iri)
        return found

    def __contains__(self, iri: object) -> bool:
        return self.get(iri) is not None

    def __iter__(self) -> Iterator[URIRef]:
        return self.index.minted_subjects()

    def __len__(self) -> int:
        return sum(1 for _ in self)
