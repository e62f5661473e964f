"""What crawlers and harvesters read: robots.txt, sitemap.xml, the VoID description, dumps.

Pure functions from a prepared dataset to bytes or graphs, shared by the Flask
blueprint (``ldcv.server.crawler_routes``) and the static build (``ldcv.build.site``), so the
two cannot disagree. Past ``SITEMAP_LIMIT`` pages, ``/sitemap.xml`` is a sitemap index
pointing at ``/sitemap-1.xml`` … (``Sitemap``). VoID says what ``VoidFacts`` count: of a
dataset in memory here (``memory_facts``), of a store's snapshot in
``ldcv.documents.snapshot_crawler_files``, which also writes a store's dumps.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice
from xml.sax.saxutils import escape

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ldcv.config import DEFAULT_LICENSE as DEFAULT_LICENSE  # the licence where none is set
from ldcv.config import environment_value
from ldcv.documents.selection import stable_graph
from ldcv.pipeline import Dataset
from ldcv.rdf.formats import BY_KEY, Format, serialize
from ldcv.rdf.vocabulary import DCTERMS, FOAF, PREFIXES, VOID, new_graph

ROBOTS_PATH = "/robots.txt"
SITEMAP_PATH = "/sitemap.xml"
VOID_PATH = "/.well-known/void"
DUMPS_PATH = "/dumps"
SPARQL_PATH = "/sparql"
DUMP_MEDIA_TYPE = "application/gzip"

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org protocol)
SITEMAP_PART_PATTERN = re.compile(r"^/sitemap-([1-9][0-9]*)\.xml$")
# Beyond this many CVs the VoID title counts them instead of naming their owners.
TITLE_NAMES_AT_MOST = 3
EXAMPLE_RESOURCES_AT_MOST = 10  # void:exampleResource: a few entry points, not every owner

# W3C's IRIs for serialization formats, for void:feature.
_FORMAT_FEATURES = {
    "nt": URIRef("http://www.w3.org/ns/formats/N-Triples"),
    "turtle": URIRef("http://www.w3.org/ns/formats/Turtle"),
}


@dataclass(frozen=True)
class Dump:
    """One whole-dataset dump: its file name under /dumps/ and its serialization."""

    name: str
    format: Format

    @property
    def path(self) -> str:
        return f"{DUMPS_PATH}/{self.name}"


DUMPS: tuple[Dump, ...] = (
    Dump("dataset.nt.gz", BY_KEY["nt"]),
    Dump("dataset.ttl.gz", BY_KEY["turtle"]),
)
DUMPS_BY_NAME: dict[str, Dump] = {d.name: d for d in DUMPS}


def configured_license() -> str:
    """The dataset's licence IRI: ``$LDCV_LICENSE``, else CC BY 4.0."""
    return environment_value("LDCV_LICENSE")


# -- robots.txt and sitemap.xml --------------------------------------------------------


def robots_txt(base_uri: str) -> bytes:
    """Allow everything but SPARQL queries, and point to the sitemap by absolute URL."""
    base = base_uri.rstrip("/")
    return (
        "User-agent: *\n"
        # The service description at /sparql may be read; generated queries may not.
        f"Disallow: {SPARQL_PATH}?\n"
        "\n"
        f"Sitemap: {base}{SITEMAP_PATH}\n"
    ).encode("ascii")


def sitemap_paths(document_paths: Iterable[str]) -> list[str]:
    """The pages a sitemap lists: the home page, then every document, sorted."""
    return ["/", *sorted(set(document_paths) - {"/"})]


def sitemap_xml(base_uri: str, paths: Iterable[str], lastmod: datetime) -> bytes:
    """A sitemaps.org urlset of the canonical URLs ``{base}{path}``, all with ``lastmod``."""
    base = base_uri.rstrip("/")
    stamp = _w3c_datetime(lastmod)
    urls = [
        f"  <url><loc>{escape(base + path)}</loc><lastmod>{stamp}</lastmod></url>\n"
        for path in paths
    ]
    if len(urls) > SITEMAP_LIMIT:
        raise ValueError(f"{len(urls)} pages exceed the sitemap limit of {SITEMAP_LIMIT}")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="{SITEMAP_NAMESPACE}">\n' + "".join(urls) + "</urlset>\n"
    ).encode("utf-8")


def sitemap_part_path(number: int) -> str:
    """Where part ``number`` (from 1) of a sitemap index is served: ``/sitemap-1.xml`` …"""
    return f"/sitemap-{number}.xml"


def sitemap_index_xml(base_uri: str, parts: Iterable[str], lastmod: datetime) -> bytes:
    """A sitemaps.org sitemap index of the sitemap files at ``{base}{part}``, with ``lastmod``."""
    base = base_uri.rstrip("/")
    stamp = _w3c_datetime(lastmod)
    entries = [
        f"  <sitemap><loc>{escape(base + part)}</loc><lastmod>{stamp}</lastmod></sitemap>\n"
        for part in parts
    ]
    if len(entries) > SITEMAP_LIMIT:
        raise ValueError(f"{len(entries)} sitemaps exceed the index limit of {SITEMAP_LIMIT}")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="{SITEMAP_NAMESPACE}">\n' + "".join(entries) + "</sitemapindex>\n"
    ).encode("utf-8")


@dataclass(frozen=True)
class Sitemap:
    """The sitemap files of a site: ``/sitemap.xml`` alone, or an index and its parts.

    Up to ``limit`` pages, ``/sitemap.xml`` lists them all; past it, ``/sitemap.xml`` is
    an index of ``/sitemap-1.xml`` … ``/sitemap-N.xml``, each listing ``limit`` pages in
    the order of ``paths`` (``sitemap_paths``). Each file is rendered when asked for.
    """

    base_uri: str
    paths: Sequence[str]
    lastmod: datetime
    limit: int = SITEMAP_LIMIT

    @property
    def parts(self) -> int:
        """How many files the index points at; 0 when ``/sitemap.xml`` lists every page."""
        return 0 if len(self.paths) <= self.limit else -(-len(self.paths) // self.limit)

    @property
    def files(self) -> list[str]:
        """The paths of every sitemap file, ``/sitemap.xml`` first."""
        return [SITEMAP_PATH, *(sitemap_part_path(n) for n in range(1, self.parts + 1))]

    def render(self, path: str) -> bytes:
        """The bytes of the sitemap file served at ``path``; ``KeyError`` if there is none."""
        if path == SITEMAP_PATH:
            if not self.parts:
                return sitemap_xml(self.base_uri, self.paths, self.lastmod)
            return sitemap_index_xml(self.base_uri, self.files[1:], self.lastmod)
        match = SITEMAP_PART_PATTERN.match(path)
        number = int(match.group(1)) if match else 0
        if not 1 <= number <= self.parts:
            raise KeyError(path)
        start = (number - 1) * self.limit
        return sitemap_xml(self.base_uri, self.paths[start : start + self.limit], self.lastmod)


def sitemap_files(
    base_uri: str, paths: Iterable[str], lastmod: datetime, limit: int = SITEMAP_LIMIT
) -> Iterator[tuple[str, bytes]]:
    """Yield each sitemap file's path and bytes, as ``Sitemap`` renders them, ``/sitemap.xml`` last.

    ``paths`` (in ``sitemap_paths`` order) is read as the files are made: what is held
    at a time is one file's pages, not the site's.
    """
    pages = iter(paths)
    first = list(islice(pages, limit + 1))
    if len(first) <= limit:
        yield SITEMAP_PATH, sitemap_xml(base_uri, first, lastmod)
        return
    parts: list[str] = []
    chunk, rest = first[:limit], chain(first[limit:], pages)
    del first
    while chunk:
        parts.append(sitemap_part_path(len(parts) + 1))
        yield parts[-1], sitemap_xml(base_uri, chunk, lastmod)
        chunk = list(islice(rest, limit))
    yield SITEMAP_PATH, sitemap_index_xml(base_uri, parts, lastmod)


def _w3c_datetime(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


# -- VoID --------------------------------------------------------------------------------


def void_dataset_iri(base_uri: str) -> URIRef:
    """The IRI of the dataset that the VoID description describes."""
    return URIRef(f"{base_uri.rstrip('/')}{VOID_PATH}#dataset")


@dataclass(frozen=True)
class VoidFacts:
    """What the VoID description counts and names of the data."""

    triples: int
    vocabularies: tuple[URIRef, ...]  # namespaces of the predicates and classes, sorted
    owners: tuple[URIRef, ...]  # the people whose CVs these are, in the order of the CVs
    names: tuple[str, ...]  # their names, in the same order


def namespaces_of(terms: Iterable[str]) -> list[URIRef]:
    """The namespaces of the IRIs ``terms``: ours where one holds them, else cut at / or #."""
    known = sorted((str(ns) for ns in PREFIXES.values()), key=len, reverse=True)
    found: set[str] = set()
    for iri in terms:
        namespace = next((ns for ns in known if iri.startswith(ns)), None)
        if namespace is None:
            cut = max(iri.rfind("#"), iri.rfind("/"))
            namespace = iri[: cut + 1]
        found.add(namespace)
    return [URIRef(ns) for ns in sorted(found)]


def vocabularies(graph: Graph) -> list[URIRef]:
    """The namespaces of every predicate and class used in ``graph``, sorted."""
    terms = set(graph.predicates(unique=True)) | set(graph.objects(None, RDF.type, unique=True))
    return namespaces_of(str(term) for term in terms if isinstance(term, URIRef))


def memory_facts(dataset: Dataset) -> VoidFacts:
    """Count and name what ``dataset``, held in memory, holds."""
    return VoidFacts(
        triples=len(dataset.graph),
        vocabularies=tuple(vocabularies(dataset.graph)),
        owners=tuple(dataset.owners),
        names=tuple(cv.owner.name for cv in dataset.cvs),
    )


def void_title(names: Sequence[str]) -> str:
    """The dataset's title: its owners' names, or for many CVs how many there are."""
    if not names:
        return "CVs"
    if len(names) > TITLE_NAMES_AT_MOST:
        return f"CVs of {len(names):,} people"
    return f"Curriculum vitae of {', '.join(names)}"


def void_graph(
    dataset: Dataset,
    *,
    license: str | None = None,
    sparql_endpoint: str | None = None,
    facts: VoidFacts | None = None,
) -> Graph:
    """Describe the dataset in VoID; name a SPARQL endpoint only where one has the data.

    ``facts`` are the counts and names to state (default: ``memory_facts(dataset)``).
    """
    facts = memory_facts(dataset) if facts is None else facts
    base = dataset.base_uri.rstrip("/")
    description = URIRef(base + VOID_PATH)
    node = void_dataset_iri(base)
    void = new_graph()
    void.add((description, RDF.type, VOID.DatasetDescription))
    void.add((description, FOAF.primaryTopic, node))
    void.add((description, DCTERMS.title, Literal("VoID description of the CV dataset")))

    void.add((node, RDF.type, VOID.Dataset))
    void.add((node, DCTERMS.title, Literal(void_title(facts.names))))
    void.add((node, FOAF.homepage, URIRef(base + "/")))
    void.add((node, DCTERMS.license, URIRef(license or configured_license())))
    modified = dataset.modified.astimezone(UTC).replace(microsecond=0)
    void.add((node, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.dateTime)))
    void.add((node, VOID.uriSpace, Literal(base + "/id/")))
    void.add((node, VOID.triples, Literal(facts.triples, datatype=XSD.integer)))
    if sparql_endpoint:
        void.add((node, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    for dump in DUMPS:
        void.add((node, VOID.dataDump, URIRef(base + dump.path)))
        void.add((node, VOID.feature, _FORMAT_FEATURES[dump.format.key]))
    for owner in facts.owners[:EXAMPLE_RESOURCES_AT_MOST]:
        void.add((node, VOID.exampleResource, owner))
    for namespace in facts.vocabularies:
        void.add((node, VOID.vocabulary, namespace))
    return stable_graph(void)  # the same bytes, and so the same ETag, in every process


# -- dumps -------------------------------------------------------------------------------

# A blank node as an N-Triples subject (line start) or object (before the final " .").
_SUBJECT_BNODE = re.compile(rb"^_:[A-Za-z0-9_.-]+(?= )")
_OBJECT_BNODE = re.compile(rb"(?<= )_:[A-Za-z0-9_.-]+(?= \.\s*$)")


def _stable_ntriples(data: bytes) -> bytes:
    """Sort N-Triples lines and relabel blank nodes in order of appearance.

    rdflib writes triples in set order and labels blank nodes at random; sorting by
    the line without its labels, then numbering the labels, gives the same bytes for
    the same graph in every process (so an unchanged dump is not rewritten).
    """
    lines = [line for line in data.split(b"\n") if line.strip()]

    def unlabelled(line: bytes) -> bytes:
        return _OBJECT_BNODE.sub(b"_:", _SUBJECT_BNODE.sub(b"_:", line))

    labels: dict[bytes, bytes] = {}

    def relabel(match: re.Match[bytes]) -> bytes:
        return labels.setdefault(match.group(0), b"_:b%d" % len(labels))

    ordered = sorted(lines, key=lambda line: (unlabelled(line), line))
    stable = [_OBJECT_BNODE.sub(relabel, _SUBJECT_BNODE.sub(relabel, line)) for line in ordered]
    return b"\n".join(stable) + b"\n"


def dump_bytes(graph: Graph, dump: Dump) -> bytes:
    """The whole graph in the dump's format, gzip-compressed, byte-for-byte reproducible."""
    data = serialize(graph, dump.format)
    if dump.format.key == "nt":
        data = _stable_ntriples(data)
    # mtime=0: the same graph gives the same bytes, so an unchanged dump is not rewritten.
    return gzip.compress(data, compresslevel=9, mtime=0)
