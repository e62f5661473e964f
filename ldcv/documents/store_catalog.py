"""The catalog of a store's dataset: resources made on first request, kept within a bound.

``store_catalog`` gives the server (and anything else reading a ``Catalog``) the same
attributes as ``build_catalog`` — ``resources``, ``documents``, ``dataset``, ``owners``,
``modified`` — without reading the dataset into memory: a document's resource is made
when its path is first asked for, renders each format when first asked for (ETag from
the bytes, as always), and stays in a cache bounded by the bytes it holds
(``LDCV_CACHE_MB``), the least recently used going first. A path that names no subject of
the store is a miss (``None`` from ``get``, ``KeyError`` from ``[]``) after one lookup.
The home page, the vocabulary and (for one CV) the owner's document are always kept.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, partial
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ldcv.bibliography.exports import Bibliographies
from ldcv.config import environment_value
from ldcv.documents.ahead_files import AheadDocuments
from ldcv.documents.bounded import BoundedCache
from ldcv.documents.catalog import (
    Catalog,
    Representation,
    Resource,
    document_resource,
    index_resource,
    people_resource,
    vocabulary_resource,
)
from ldcv.documents.people_index import (
    ORDERS,
    PEOPLE_INDEX_FILE,
    PeopleIndex,
    parse_people_path,
    updated_rows_json,
)
from ldcv.documents.store_documents import StoreDocuments
from ldcv.documents.store_index import StoreIndex
from ldcv.documents.store_reads import RecentReads
from ldcv.pages.render import compile_templates
from ldcv.pipeline import Dataset
from ldcv.rdf.formats import Format, Serializers
from ldcv.rdf.iris import thing_iri
from ldcv.rdf.vocabulary import VOCABULARY_PATH
from ldcv.store.generation_files import GenerationFiles
from ldcv.store.rdflib_view import RECORDS_GRAPH, UnionView
from ldcv.store.records import GraphRecord

MEGABYTE = 1024 * 1024
# What a kept resource costs besides its bytes: the object, its render closure, its Link
# headers for every format (8 KiB of them) and variant URLs (1.3 KiB), measured with
# tracemalloc over 1,000 documents; at 4 KiB the cache held twice the memory it counted.
RESOURCE_OVERHEAD = 16 * 1024


def store_catalog(
    store: ox.Store,
    base_uri: str,
    *,
    modified: datetime,
    sparql_endpoint: str | None = None,
    cache_mb: float | None = None,
    records_graph: str = RECORDS_GRAPH,
    files: GenerationFiles | None = None,
    owners: Sequence[URIRef] | None = None,
    ahead: AheadDocuments | None = None,
) -> Catalog:
    """The catalog of the dataset in ``store`` (the union of its CV graphs) under ``base_uri``.

    ``modified`` is when the data last changed (``Last-Modified``); ``cache_mb`` bounds the
    rendered bytes kept (default: ``LDCV_CACHE_MB``); ``files`` is where what is made once
    for this snapshot (the index of the people) is kept for every process; ``owners``, the
    CVs' owners as the store's records name them (``record_owners``), else read from the
    graph (every profile page: a walk that fills the store's caches); ``ahead``, the
    documents of this snapshot rendered ahead of requests, served from there when they are.
    Nothing is rendered here.
    """
    dataset, documents = _store_dataset(store, base_uri, modified, records_graph, owners)
    paths = documents.page_index()[0]
    owners = _owners(dataset, documents)
    limit = environment_value("LDCV_CACHE_MB") if cache_mb is None else cache_mb
    resources = StoreResources(dataset, documents, sparql_endpoint, int(limit * MEGABYTE), ahead)
    # What pages of every kind need, made before the first request rather than in it: each
    # worker otherwise compiled a template or parsed the citation style in the middle of
    # some uncached request, which the slowest 1 % of them were.
    compile_templates()
    resources.bibliographies.styles.style()
    held = resources.serializers
    index_pages: tuple[str, ...] = ()
    if len(owners) == 1:
        resources.keep("/", resources.pinned_document(paths[owners[0]]))
    else:
        people = _people_index(dataset, owners, files)
        home = index_resource(dataset, documents, owners, sparql_endpoint, people, serializers=held)
        resources.keep("/", home)
        for path in people.paths():
            order, number = parse_people_path(path)  # type: ignore[misc]
            # In the bound, made again once evicted: they are as many as the owners.
            made = partial(people_resource, dataset, documents, people, order, number)
            resources.keep_bounded(path, partial(made, sparql_endpoint, serializers=held))
            index_pages += (path,)
    vocabulary = vocabulary_resource(dataset, documents, sparql_endpoint, held)
    resources.keep(VOCABULARY_PATH, vocabulary)
    return Catalog(
        dataset,
        documents,
        resources,
        owners,
        sparql_endpoint,
        view=dataset,
        pages=index_pages,
        serializers=held,
    )


def make_people_index(
    store: ox.Store,
    base_uri: str,
    files: GenerationFiles,
    *,
    records_graph: str = RECORDS_GRAPH,
    owners: Sequence[URIRef] | None = None,
    previous: tuple[bytes, Collection[str]] | None = None,
) -> None:
    """Make the file of the people index's rows in ``files`` if it is not there (as ``/`` would).

    ``owners`` as ``store_catalog``'s; ``previous``: the last generation's rows and the
    IRIs a change since reached, whose rows alone are read again (``updated_rows_json``).
    """
    modified = datetime.now(UTC)
    dataset, documents = _store_dataset(store, base_uri, modified, records_graph, owners)
    owners = _owners(dataset, documents)
    if len(owners) == 1:  # one CV's home page is its owner's profile: no index
        return
    people = _people_index(dataset, owners, files)
    if previous is None:
        people.page(ORDERS[0], 1)
    else:
        rows = partial(updated_rows_json, previous[0], owners, previous[1], people)
        _kept(files, PEOPLE_INDEX_FILE, rows)


def record_owners(records: Mapping[str, GraphRecord], base_uri: str) -> tuple[URIRef, ...]:
    """The owners of the CVs whose records ``records`` holds under ``base_uri``, sorted.

    The people a store's profile pages are about (``Dataset.owners``), without reading them.
    """
    base = base_uri.rstrip("/")
    found = {
        thing_iri(base, "person", record.details["owner"])
        for record in records.values()
        if "owner" in record.details and record.details.get("base", base) == base
    }
    return tuple(sorted(found))


@dataclass(frozen=True)
class RecordedOwners(Dataset):
    """A store's dataset whose owners the records named (``Dataset.owners`` reads the graph)."""

    recorded_owners: tuple[URIRef, ...] = ()

    @cached_property
    def owners(self) -> tuple[URIRef, ...]:  # type: ignore[override]
        """The owners the records named, sorted."""
        return self.recorded_owners


def _store_dataset(
    store: ox.Store,
    base_uri: str,
    modified: datetime,
    records_graph: str,
    owners: Sequence[URIRef] | None,
) -> tuple[Dataset, StoreDocuments]:
    base = base_uri.rstrip("/")
    reads = RecentReads(UnionView(store, records_graph))
    graph = Graph(store=reads, bind_namespaces="none")
    dataset = Dataset(cvs=(), graph=graph, base_uri=base, modified=modified)
    if owners is not None:
        dataset = RecordedOwners((), graph, base, modified, recorded_owners=tuple(owners))
    return dataset, StoreDocuments(StoreIndex(reads, base))


def _owners(dataset: Dataset, documents: StoreDocuments) -> tuple[Any, ...]:
    """The owners with a document: those the index of the people lists."""
    if isinstance(dataset, RecordedOwners):
        # Each is the subject of its own CV's graph, which the store holds: it has one.
        # (Looking each up costs 96 MiB of the store's caches at 10,000 CVs.)
        return dataset.owners
    paths = documents.page_index()[0]
    return tuple(sorted(o for o in dataset.owners if o in paths))


def _people_index(
    dataset: Dataset, owners: tuple[Any, ...], files: GenerationFiles | None
) -> PeopleIndex:
    kept = None if files is None else partial(_kept, files, PEOPLE_INDEX_FILE)
    return PeopleIndex(dataset.graph, owners, kept=kept)


def _kept(files: GenerationFiles, name: str, make: Callable[[], bytes]) -> bytes:
    """The bytes of file ``name``, made by ``make()`` by the first process to ask."""
    return files.made(name, lambda file: file.write(make())).read_bytes()


def _made_ahead(ahead: AheadDocuments, resource: Resource, fmt: Format) -> Representation | None:
    """The representation of ``resource`` in ``fmt`` made ahead of the request, if it was."""
    return ahead.representation(resource.path, fmt, resource.variant_urls[fmt.key])


class StoreResources(Mapping[str, Resource]):
    """The negotiable resources of a store's dataset by path, made on demand, bounded in bytes."""

    def __init__(
        self,
        dataset: Dataset,
        documents: StoreDocuments,
        sparql_endpoint: str | None,
        limit_bytes: int,
        ahead: AheadDocuments | None = None,
    ) -> None:
        self.dataset = dataset
        self.ahead = ahead
        self.documents = documents
        self.sparql_endpoint = sparql_endpoint
        self.cache: BoundedCache[str, Resource] = BoundedCache(limit_bytes)
        # Works' items and citation styles made once for every document of the snapshot.
        self.bibliographies = Bibliographies(dataset.graph)
        # The JSON-LD context read before the first page (50 ms of it otherwise), and the
        # Turtle names: once for every resource.
        self.serializers = Serializers.make()
        self._kept: dict[str, Resource] = {}  # the home page, the vocabulary: never evicted
        # The pages of the index of the people, made (again) on demand into the bounded cache.
        self._listed: dict[str, Callable[[], Resource]] = {}

    def keep(self, path: str, resource: Resource) -> None:
        """Serve ``resource`` at ``path`` for good, outside the bounded cache."""
        self._kept[path] = resource

    def keep_bounded(self, path: str, make: Callable[[], Resource]) -> None:
        """Serve ``make()``'s resource at ``path`` for good, made again once the bound evicts it."""
        self._listed[path] = make

    def pinned_document(self, path: str) -> Resource:
        """The resource of the document at ``path``, kept for good (the one owner's profile)."""
        found = self._kept.get(path)
        if found is None:
            found = self._kept[path] = self._document_resource(path, on_kept=None)
        return found

    def get(self, path: str, default: Resource | None = None) -> Resource | None:  # type: ignore[override]
        reads = self.dataset.graph.store
        if isinstance(reads, RecentReads):  # what follows reads for this document
            reads.begin_document()
        found = self._kept.get(path)
        if found is not None:
            return found
        found = self.cache.get(path)
        if found is not None:
            return found
        listed = self._listed.get(path)
        if listed is not None:
            made = listed()
            made.on_kept = self._weigh
            return self.cache.put(path, made, RESOURCE_OVERHEAD)
        # A document made ahead exists: no lookup (a further page's would read its hub).
        made_ahead = self.ahead is not None and self.ahead.holds(path)
        if not made_ahead and path not in self.documents:  # one lookup: a subject, or a miss
            return default
        made = self._document_resource(path, on_kept=self._weigh)
        return self.cache.put(path, made, RESOURCE_OVERHEAD)

    def __getitem__(self, path: str) -> Resource:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        return path in self._kept or path in self._listed or path in self.documents

    def __iter__(self) -> Iterator[str]:
        """The kept paths, the index's pages, then every document's path (the store lists them)."""
        yield from self._kept
        yield from self._listed
        for path in self.documents:
            if path not in self._kept:
                yield path

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def _document_resource(self, path: str, on_kept: object) -> Resource:
        resource = document_resource(
            path,
            partial(self.documents.__getitem__, path),
            self.dataset,
            self.documents,
            self.sparql_endpoint,
            on_kept=on_kept,  # type: ignore[arg-type]
            share_compaction=False,  # what a resource keeps is its bytes, and they are weighed
            bibliographies=self.bibliographies,
            serializers=self.serializers,
        )
        if self.ahead is not None:
            resource.made_ahead = partial(_made_ahead, self.ahead, resource)
        return resource

    def _weigh(self, resource: Resource, representation: Representation) -> None:
        bodies = [representation.identity.body]
        if representation.gzip is not None:
            bodies.append(representation.gzip.body)
        # The bytes, not a number: the memo's answers holding the same bytes weigh nothing more.
        self.cache.weigh_more(resource.path, resource, 0, holds=bodies)


def shared_cache(catalog: Catalog) -> BoundedCache[Any, Any] | None:
    """The bounded cache of ``catalog``'s rendered documents, for what else holds their bytes."""
    resources = catalog.resources
    return resources.cache if isinstance(resources, StoreResources) else None
