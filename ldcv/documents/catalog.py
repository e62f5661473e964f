"""Everything the linked-data routes answer from, serialized once: no request serializes a graph.

A ``Resource`` is something that negotiates (a document, the home page, the
vocabulary); it has one ``Representation`` per format of the table: the bytes,
their strong ETag, a gzip-compressed copy with its own ETag, and the URL of the
fixed-format variant. Representations are made at start-up (``prepare``) or on
first use, once. At start-up a large catalog is rendered in forked processes, one
per CPU, which hand back the finished representations.

The static build (``ldcv.build.site``) renders through the same resources, so a page
has one way to be made and the server and the files agree byte for byte.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property, partial

from rdflib import Graph, URIRef

from ldcv.bibliography.exports import Bibliographies, items_from_csl_json, render_items
from ldcv.bibliography.styles import (
    DEFAULT_LOCALE,
    DEFAULT_STYLE,
    OFFERED_STYLES,
    locale_name,
    style_path,
)
from ldcv.bibliography.works import WORK_KINDS
from ldcv.documents.people_index import (
    ORDERS,
    PeopleIndex,
    PeoplePage,
    parse_people_path,
    people_page_graph,
    people_path,
)
from ldcv.documents.selection import (
    Document,
    build_documents,
    indexed_copy,
    split_page,
    stable_graph,
    title_of,
)
from ldcv.forking import cpu_count, handed_to_workers, inherited, may_fork, start_pool
from ldcv.pages import render as pages
from ldcv.pipeline import Dataset
from ldcv.rdf.formats import (
    BY_KEY,
    FORMATS,
    HTML,
    TABLE,
    Format,
    Serializers,
    formats_for,
    serialize,
)
from ldcv.rdf.jsonld import JsonLdContext, compact_jsonld, jsonld_bytes, standalone_jsonld
from ldcv.rdf.vocabulary import VOCABULARY_PATH, own_vocabulary

# Below this size gzip saves less than its own header costs a client to undo.
GZIP_MIN_SIZE = 256
VOCABULARY_IRI = URIRef("https://w3id.org/ldcv/vocab")
# Representations from which rendering in forked processes pays for starting them.
PARALLEL_FROM = 1000


@dataclass(frozen=True)
class Encoding:
    """One byte sequence as served, with the strong ETag computed from exactly those bytes."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Encoding:
        return cls(body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')


@dataclass(frozen=True)
class Representation:
    """A resource in one format: plain and gzip-compressed bytes, and where the variant lives."""

    fmt: Format
    identity: Encoding
    gzip: Encoding | None  # None: too small to be worth compressing
    location: str  # absolute URL of the fixed-format variant (Content-Location)

    @property
    def content_type(self) -> str:
        return self.fmt.content_type


def represent(fmt: Format, body: bytes, location: str) -> Representation:
    """Make the representation of ``body``: its ETag and, if worth it, its gzip variant."""
    compressed = None
    if len(body) >= GZIP_MIN_SIZE:
        # mtime=0: the same bytes (and ETag) in every process and every restart.
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        if len(packed) < len(body):
            compressed = Encoding.of(packed)
    return Representation(fmt, Encoding.of(body), compressed, location)


@dataclass
class Resource:
    """Something that negotiates among the formats of the table."""

    path: str  # where it is served: "/doc/person/x", "/", "/vocab"
    canonical: str  # absolute URL of the generic (format-negotiating) document
    variant_urls: Mapping[str, str]  # format key -> absolute URL of the fixed-format variant
    render: Callable[[Format], bytes]
    formats: tuple[Format, ...] = FORMATS
    # A formatted citation in another style or locale than the default (works, people).
    render_styled: Callable[[str, str], bytes] | None = field(default=None, repr=False)
    # Told of each representation kept (a bounded cache of resources weighs them).
    on_kept: Callable[[Resource, Representation], None] | None = field(default=None, repr=False)
    # A representation made ahead of the request (on disk), or None: render it then.
    made_ahead: Callable[[Format], Representation | None] | None = field(default=None, repr=False)
    _cache: dict[str, Representation] = field(default_factory=dict, repr=False)
    # Reentrant: a work's page is made with its citation, which it may have to make first.
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def representation(self, fmt: Format) -> Representation:
        """The resource in ``fmt``, rendered on first use only."""
        found = self._cache.get(fmt.key)
        if found is not None:
            return found
        made = None
        with self._lock:  # one thread renders; the others wait for its bytes
            found = self._cache.get(fmt.key)
            if found is None:
                found = made = self.make(fmt)
                self._cache[fmt.key] = found
        if made is not None and self.on_kept is not None:
            self.on_kept(self, made)
        return found

    def make(self, fmt: Format) -> Representation:
        """Render the resource in ``fmt`` (without keeping it: see ``representation``)."""
        if self.made_ahead is not None:
            found = self.made_ahead(fmt)
            if found is not None:
                return found
        return represent(fmt, self.render(fmt), self.variant_urls[fmt.key])

    def styled(self, fmt: Format, style: str, locale: str) -> Representation:
        """The formatted citation in ``style`` and ``locale`` (``UnknownStyle`` if not installed).

        The default style is the ``citation`` representation; the offered styles are kept
        like it; any other installed style is rendered for the request and not kept.
        """
        style_file, locale = style_path(style), locale_name(locale)
        if style_file == style_path(DEFAULT_STYLE) and locale == DEFAULT_LOCALE:
            return self.representation(fmt)
        location = f"{self.variant_urls[fmt.key]}?style={style_file.stem}&locale={locale}"
        key = f"{fmt.key};{style_file.stem};{locale}"
        found = self._cache.get(key)
        if found is not None or self.render_styled is None:
            return found or self.representation(fmt)
        made = represent(fmt, self.render_styled(style_file.stem, locale), location)
        if any(style_path(offered) == style_file for offered in OFFERED_STYLES):
            with self._lock:
                made = self._cache.setdefault(key, made)
            if self.on_kept is not None:
                self.on_kept(self, made)
        return made

    def keep(self, representation: Representation) -> None:
        """Keep a representation made elsewhere (in a forked process)."""
        fmt = next(f for f in self.formats if f.key == representation.fmt.key)
        with self._lock:
            if fmt.key in self._cache:
                return
            kept = self._cache[fmt.key] = replace(representation, fmt=fmt)
        if self.on_kept is not None:
            self.on_kept(self, kept)

    def prepare(self) -> None:
        """Render every format now."""
        for fmt in self.formats:
            self.representation(fmt)

    @cached_property
    def links(self) -> dict[str, str]:
        """The ``Link`` header to send with each format: the other variants and the canonical."""
        return {served.key: self.link_header(served, self.formats) for served in self.formats}

    def link_header(self, served: Format, formats: Sequence[Format]) -> str:
        """The ``Link`` header for ``served``: the other variants among ``formats``, canonical."""
        parts = [
            f'<{self.variant_urls[f.key]}>; rel="alternate"; type="{f.media_type}"'
            for f in formats
            if f is not served
        ]
        parts.append(f'<{self.canonical}>; rel="canonical"')
        return ", ".join(parts)

    def alternatives(self, formats: Sequence[Format] | None = None) -> str:
        """A short plain-text list of the variants (of ``formats``, default all), for a 406."""
        offered = self.formats if formats is None else formats
        return "\n".join(f"  {f.media_type:<24} {self.variant_urls[f.key]}" for f in offered)


@dataclass
class Catalog:
    """The prepared dataset: its documents and every negotiable resource, by path."""

    dataset: Dataset
    documents: Mapping[str, Document]  # a dict, or made on demand from a store
    resources: Mapping[str, Resource]
    owners: tuple[URIRef, ...]  # the people whose CVs these are
    sparql_endpoint: str | None  # the URL of a SPARQL endpoint with this data; None: none
    # The dataset with its graph copied into an indexed store: the same triples, for
    # reading and serializing fast (the pages use it). ``None``: use ``dataset``.
    view: Dataset | None = None
    # The paths of the other pages served besides the documents (the index of the people).
    pages: tuple[str, ...] = ()
    # What its resources' writers keep (the schema.org context, read once for the catalog;
    # the Turtle names): a reload makes a new catalog, which starts them again.
    serializers: Serializers = field(default_factory=Serializers.make, repr=False)

    @property
    def modified(self) -> datetime:
        return self.dataset.modified

    def prepare(self, jobs: int | None = None) -> None:
        """Render every resource in every format, in ``jobs`` processes (default: one per CPU)."""
        unique = {id(r): r for r in self.resources.values()}.values()  # "/" aliases a document
        # The bibliographic formats are made on first use: a person's bibliography reads
        # every work, and most documents are never asked for one.
        tasks = [
            (r, f) for r in unique for f in r.formats if f.kinds is None and f.key not in r._cache
        ]
        jobs = jobs or cpu_count()
        if len(tasks) < PARALLEL_FROM or not may_fork(jobs):
            for resource, fmt in tasks:
                resource.representation(fmt)
            return
        for index, made in render_forked(tasks, jobs):
            tasks[index][0].keep(made)


def render_forked(
    tasks: Sequence[tuple[Resource, Format]], jobs: int
) -> list[tuple[int, Representation]]:
    """Make the representation of each (resource, format) in ``jobs`` forked processes."""
    chunks = [list(range(i, len(tasks), jobs * 8)) for i in range(min(len(tasks), jobs * 8))]
    with handed_to_workers(tasks=tasks), start_pool(jobs) as pool:
        results = pool.map(_render_chunk, chunks, chunksize=1)
    return [made for chunk in results for made in chunk]


def _render_chunk(indices: list[int]) -> list[tuple[int, Representation]]:
    tasks: Sequence[tuple[Resource, Format]] = inherited("tasks")
    return [(i, tasks[i][0].make(tasks[i][1])) for i in indices]


def build_catalog(
    dataset: Dataset,
    prerender: bool = True,
    *,
    documents: dict[str, Document] | None = None,
    jobs: int | None = None,
    sparql_endpoint: str | None = None,
) -> Catalog:
    """Build the documents of ``dataset`` (unless given) and the resources that serve them.

    ``prerender`` renders everything now, in ``jobs`` processes (default: one per CPU).
    ``sparql_endpoint`` is where the pages send people to query the data (none: nowhere).
    """
    documents = build_documents(dataset) if documents is None else documents
    resources: dict[str, Resource] = {}
    # Pages look up the dataset graph thousands of times each: a copy in an indexed
    # store answers several times faster than rdflib's default store.
    view = replace(dataset, graph=indexed_copy(dataset.graph))
    bibliographies = Bibliographies(view.graph)  # items and styles made once for the catalog
    held = Serializers.make()  # the JSON-LD context (~50 ms): once for every document

    for path, document in documents.items():
        resources[path] = document_resource(
            path,
            partial(_given, document),
            view,
            documents,
            sparql_endpoint,
            bibliographies=bibliographies,
            serializers=held,
        )

    subjects = {d.subject for d in documents.values()}
    owners = tuple(sorted(o for o in dataset.owners if o in subjects))  # those with a document
    owner_paths = [p for p, d in documents.items() if d.subject in owners]
    if len(owner_paths) == 1:
        resources["/"] = resources[owner_paths[0]]
        index_pages: tuple[str, ...] = ()
    else:
        people = PeopleIndex(view.graph, owners)
        resources["/"] = index_resource(
            view, documents, owners, sparql_endpoint, people, serializers=held
        )
        listed = people_resources(view, documents, people, sparql_endpoint, serializers=held)
        resources.update(listed)
        index_pages = tuple(listed)

    resources[VOCABULARY_PATH] = vocabulary_resource(view, documents, sparql_endpoint, held)

    catalog = Catalog(
        dataset, documents, resources, owners, sparql_endpoint, view, index_pages, held
    )
    if prerender:
        catalog.prepare(jobs)
    return catalog


def _given(document: Document) -> Document:
    return document


def document_resource(
    path: str,
    document: Callable[[], Document],
    dataset: Dataset,
    documents: Mapping[str, Document],
    sparql_endpoint: str | None,
    on_kept: Callable[[Resource, Representation], None] | None = None,
    share_compaction: bool = True,
    bibliographies: Bibliographies | None = None,
    *,
    serializers: Serializers,
) -> Resource:
    """The resource serving the document at ``path``, rendered from ``document()`` when asked.

    ``dataset`` is what pages read the neighbours from, ``documents`` where they find the
    documents they link to. ``share_compaction``: the page and the .jsonld compact the
    graph once, the first keeping the result until the second takes it (off: each
    compacts, and nothing is kept: a resource may never be asked the other format).
    A work's and a person's document (not a further page) also come in the
    bibliographic formats, made by ``bibliographies`` (a catalog shares one). The JSON-LD
    and the page write with ``serializers``, the catalog's.
    """
    base = dataset.base_uri
    compacted = _CompactedOnce(document, serializers.jsonld, users=2 if share_compaction else 1)
    formats = formats_for(document_kind(path))
    if bibliographies is None:
        bibliographies = Bibliographies(dataset.graph)
    citing = document_kind(path) in WORK_KINDS

    def render(fmt: Format) -> bytes:
        if fmt.key == "json-ld":
            return jsonld_bytes(standalone_jsonld(compacted.take(), serializers.jsonld))
        if fmt.is_rdf:
            return serialize(document().graph, fmt, serializers)
        if fmt is not HTML:  # a bibliographic format: read from the whole dataset
            return bibliographies.render(document().subject, fmt.key)
        citation = None
        if citing:  # the Cite block: the default style's citation, made once
            citation = resource.representation(BY_KEY["citation"]).identity.body.decode().strip()
        page = pages.render_document(
            document(), dataset, documents, compacted.take(), sparql_endpoint, citation
        )
        return page.encode("utf-8")

    resource = Resource(
        path=path,
        canonical=base + path,
        variant_urls={f.key: f"{base}{path}.{f.suffix}" for f in TABLE},
        render=render,
        formats=formats,
        on_kept=on_kept,
    )

    def render_styled(style: str, locale: str) -> bytes:
        # From the kept CSL-JSON: the items are made once, whatever the style.
        items = items_from_csl_json(resource.representation(BY_KEY["csl-json"]).identity.body)
        return render_items(items, "citation", bibliographies.styles, style, locale)

    if BY_KEY["citation"] in formats:
        resource.render_styled = render_styled
    return resource


def document_kind(path: str) -> str | None:
    """The kind of thing the document at ``path`` describes; ``None`` for a further page."""
    whole, page = split_page(path)
    if page != 1 or not whole.startswith("/doc/"):
        return None
    return whole.split("/")[2]


def vocabulary_resource(
    dataset: Dataset,
    documents: Mapping[str, Document],
    sparql_endpoint: str | None,
    serializers: Serializers,
) -> Resource:
    """The resource serving ldcv's own vocabulary, as a document of the site."""
    vocabulary = _vocabulary_document(dataset.base_uri)
    return document_resource(
        VOCABULARY_PATH,
        partial(_given, vocabulary),
        dataset,
        documents,
        sparql_endpoint,
        serializers=serializers,
    )


class _CompactedOnce:
    """A document's compact JSON-LD, made once for its two users: the .jsonld and the page."""

    def __init__(
        self, document: Callable[[], Document], context: JsonLdContext, users: int = 2
    ) -> None:
        self._document = document
        self._context = context
        self._data: dict | None = None
        self._users = users
        self._users_left = users

    def take(self) -> dict:
        data = (
            self._data
            if self._data is not None
            else compact_jsonld(self._document().graph, self._context)
        )
        self._users_left -= 1
        # Kept only until the other user has it: a catalog holds thousands of documents.
        self._data = data if self._users_left > 0 else None
        if self._users_left <= 0:
            self._users_left = self._users  # rendered again (evicted): compacted again
        return data


def index_resource(
    dataset: Dataset,
    documents: Mapping[str, Document],
    owners: tuple[URIRef, ...],
    sparql_endpoint: str | None,
    people: PeopleIndex | None = None,
    *,
    serializers: Serializers,
) -> Resource:
    """The home page of several CVs: the first page of the index of their owners, by name."""
    people = PeopleIndex(dataset.graph, owners) if people is None else people
    return people_resource(
        dataset,
        documents,
        people,
        ORDERS[0],
        1,
        sparql_endpoint,
        path="/",
        serializers=serializers,
    )


def people_resources(
    dataset: Dataset,
    documents: Mapping[str, Document],
    people: PeopleIndex,
    sparql_endpoint: str | None,
    *,
    serializers: Serializers,
) -> dict[str, Resource]:
    """Every page of the index of the owners, in every order, by path."""
    found = {}
    for path in people.paths():
        order, number = parse_people_path(path)  # type: ignore[misc]
        found[path] = people_resource(
            dataset,
            documents,
            people,
            order,
            number,
            sparql_endpoint,
            serializers=serializers,
        )
    return found


def people_resource(
    dataset: Dataset,
    documents: Mapping[str, Document],
    people: PeopleIndex,
    order: str,
    number: int,
    sparql_endpoint: str | None,
    path: str | None = None,
    *,
    serializers: Serializers,
) -> Resource:
    """Page ``number`` of the index sorted by ``order``, served at ``path`` (default: its own)."""
    base = dataset.base_uri
    path = people_path(order, number) if path is None else path
    made: list[Graph] = []  # the graph, made on first use: counting reads every owner

    def page() -> PeoplePage:
        found = people.page(order, number)
        assert found is not None, (order, number)
        return found

    def render(fmt: Format) -> bytes:
        if fmt.is_rdf:
            if not made:  # the same bytes in every process
                made.append(stable_graph(people_page_graph(dataset.graph, base, page(), path)))
            return serialize(made[0], fmt, serializers)
        html = pages.render_people(page(), dataset, documents, sparql_endpoint, path)
        return html.encode("utf-8")

    variants = (
        {f.key: f"{base}/?format={f.suffix}" for f in FORMATS}
        if path == "/"
        else {f.key: f"{base}{path}.{f.suffix}" for f in FORMATS}
    )
    return Resource(path=path, canonical=base + path, variant_urls=variants, render=render)


def _vocabulary_document(base: str) -> Document:
    graph = stable_graph(own_vocabulary())  # the same bytes in every process
    return Document(
        path=VOCABULARY_PATH,
        kind="vocab",
        slug="vocab",
        subject=VOCABULARY_IRI,
        title=title_of(graph, VOCABULARY_IRI, "ldcv vocabulary"),
        make_graph=lambda: graph,
    )
