"""The static build: every document in every format, crawler files, dumps and server config.

The build is atomic and incremental. Everything is written into a fresh directory
beside OUTDIR and swapped in at the end, so a failed build leaves the previous
output untouched. A file whose bytes did not change is hard-linked from the
previous build instead of rewritten (same inode, same mtime, so nginx's ETag and
Last-Modified stay put), and the RDF variants of a document whose graph did not
change are not even serialized again.

Pages are rendered by the server's catalog (``ldcv.documents.catalog``): the files hold
the bytes the server sends. Many documents are rendered in forked processes, one per
CPU, while this process writes the dumps and the other site-wide files.

``build_store_site`` builds the same site from a store's current snapshot instead of a
dataset in memory (``ldcv.build.site_sources``): documents rendered from the store, the
sitemap, VoID and dumps made as ``ldcv serve --store`` makes them, the dumps shared with
the servers of that store (made once per generation under the store directory).
"""

from __future__ import annotations

import ctypes
import filecmp
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from ldcv import __version__
from ldcv.build.site_sources import MemorySource, StoreSource
from ldcv.build.webserver import htaccess, nginx_conf
from ldcv.documents.crawler_files import (
    DUMPS,
    ROBOTS_PATH,
    SITEMAP_LIMIT,
    VOID_PATH,
    Sitemap,
    dump_bytes,
    robots_txt,
    sitemap_paths,
    void_graph,
)
from ldcv.documents.selection import Document, Documents, build_documents, stable_graph
from ldcv.errors import LdcvError
from ldcv.forking import cpu_count, handed_to_workers, inherited, may_fork, start_pool
from ldcv.pipeline import Dataset
from ldcv.rdf.formats import BIBLIOGRAPHIC_FORMATS, FORMATS, RDF_FORMATS, serialize
from ldcv.rdf.iris import document_path, parse_thing_iri
from ldcv.rdf.jsonld import compact_jsonld
from ldcv.rdf.vocabulary import VOCABULARY_PATH, own_vocabulary
from ldcv.store.disk import StoreDirectory

if TYPE_CHECKING:
    from ldcv.documents.catalog import Catalog

    SiteSource = MemorySource | StoreSource

MARKER = ".ldcv-build"  # manifest of the previous build; its presence marks OUTDIR as ours


class BuildError(LdcvError):
    """The output directory cannot be (re)built."""


@dataclass(frozen=True)
class BuildReport:
    """What a build did: the files it wrote, kept and removed, relative to OUTDIR."""

    outdir: Path
    written: tuple[str, ...]  # new or changed files
    unchanged: int  # files kept from the previous build, mtime and all
    removed: tuple[str, ...]  # files of the previous build that are gone
    documents: int
    seconds: float

    @property
    def files(self) -> int:
        return len(self.written) + self.unchanged

    def __str__(self) -> str:
        return (
            f"built {self.documents} documents into {self.outdir}: {self.files} files, "
            f"{len(self.written)} written, {self.unchanged} unchanged, "
            f"{len(self.removed)} removed, in {self.seconds:.2f} s"
        )


@dataclass
class _Writer:
    """Writes files into the new tree, linking those whose bytes the old tree already has."""

    new: Path
    old: Path | None
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    _made: set[Path] = field(default_factory=set, repr=False)

    def previous(self, relative: str) -> Path | None:
        if self.old is None:
            return None
        candidate = self.old / relative
        return candidate if candidate.is_file() and not candidate.is_symlink() else None

    def keep(self, relative: str) -> bool:
        """Link the previous build's file unchanged; ``False`` if there is none."""
        previous = self.previous(relative)
        if previous is None:
            return False
        target = self._target(relative)
        os.link(previous, target)
        self.unchanged += 1
        return True

    def write(self, relative: str, data: bytes) -> None:
        previous = self.previous(relative)
        target = self._target(relative)
        if (
            previous is not None
            and previous.stat().st_size == len(data)
            and previous.read_bytes() == data
        ):
            os.link(previous, target)
            self.unchanged += 1
            return
        target.write_bytes(data)
        target.chmod(0o644)  # web servers often run as another user
        self.written.append(relative)

    def write_file(self, relative: str, source: Path) -> None:
        """Put a copy of the file ``source`` at ``relative``: a hard link where it can be."""
        previous = self.previous(relative)
        target = self._target(relative)
        if previous is not None and filecmp.cmp(previous, source, shallow=False):
            os.link(previous, target)
            self.unchanged += 1
            return
        try:
            os.link(source, target)  # the store's file: never changed, only removed
        except OSError:  # another file system
            shutil.copyfile(source, target)
            target.chmod(0o644)
        self.written.append(relative)

    def _target(self, relative: str) -> Path:
        target = self.new / relative
        if target.parent not in self._made:  # thousands of files share a few folders
            target.parent.mkdir(parents=True, exist_ok=True)  # workers may race: exist_ok
            self._made.add(target.parent)
        return target


def build_site(
    dataset: Dataset,
    outdir: Path,
    *,
    license: str | None = None,
    jobs: int | None = None,
    catalog: Catalog | None = None,
    sparql_endpoint: str | None = None,
    sitemap_limit: int = SITEMAP_LIMIT,
) -> BuildReport:
    """Write the static site for ``dataset`` into ``outdir``, atomically and incrementally.

    ``jobs`` processes render the documents (default: one per CPU). ``catalog`` is
    the dataset's catalog (``build_catalog(dataset, prerender=False)``) when the
    caller has it already (the CLI makes it while the dataset is being validated).
    A static site answers no queries: its pages link to ``sparql_endpoint`` and its
    VoID names it, where one is given (another server holding the same data).
    Past ``sitemap_limit`` pages, ``sitemap.xml`` is an index of ``sitemap-N.xml`` files.
    """
    from ldcv.documents.catalog import build_catalog

    if catalog is None:
        catalog = build_catalog(dataset, prerender=False, sparql_endpoint=sparql_endpoint)
    elif catalog.sparql_endpoint != sparql_endpoint:
        raise ValueError("the catalog was built for another SPARQL endpoint")
    return _build(MemorySource(catalog), outdir, license, jobs, sitemap_limit)


def build_store_site(
    directory: StoreDirectory,
    outdir: Path,
    *,
    license: str | None = None,
    jobs: int | None = None,
    sparql_endpoint: str | None = None,
    base_uri: str | None = None,
    sitemap_limit: int = SITEMAP_LIMIT,
) -> BuildReport:
    """Write the static site of the store's current snapshot into ``outdir``, as ``build_site``.

    ``base_uri``, if given, must be the base the store's IRIs were minted under. The
    dumps are the store's (``DIR/crawler/<generation>/``), made now if no server has yet.
    """
    source = StoreSource(directory, sparql_endpoint=sparql_endpoint, base_uri=base_uri)
    return _build(source, outdir, license, jobs, sitemap_limit)


def _build(
    source: SiteSource,
    outdir: Path,
    license: str | None,
    jobs: int | None,
    sitemap_limit: int,
) -> BuildReport:
    """Write the site of ``source`` into a staging folder, then swap it in for ``outdir``."""
    started = time.perf_counter()
    jobs = jobs or cpu_count()
    outdir = Path(outdir).resolve()
    old = _previous_build(outdir)
    manifest = _read_manifest(old)
    staging = outdir.parent / f".{outdir.name}.building-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        writer = _Writer(staging, old)
        hashes, documents = _write_site(
            writer, source, outdir, manifest, license, jobs, sitemap_limit
        )
        writer.write(MARKER, _manifest(hashes))
        removed = _removed(old, staging)
        staging.chmod(0o755)
        _swap(staging, outdir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if staging.exists():  # the previous build, swapped out
        shutil.rmtree(staging, ignore_errors=True)
    return BuildReport(
        outdir=outdir,
        written=tuple(writer.written),
        unchanged=writer.unchanged,
        removed=removed,
        documents=documents,
        seconds=time.perf_counter() - started,
    )


def embed_snippet(dataset: Dataset, resource_iri: str | None = None) -> str:
    """The ``<script type="application/ld+json">`` block of a resource's document.

    Without ``resource_iri``, the profile document of the (first) CV's owner: the
    block to paste into an existing homepage.
    """
    from ldcv.pages.render import document_node_first, jsonld_script

    documents = build_documents(dataset)
    document = _document_for(dataset, documents, resource_iri)
    data = document_node_first(compact_jsonld(document.graph), dataset.base_uri + document.path)
    return str(jsonld_script(data))


def _document_for(
    dataset: Dataset, documents: Mapping[str, Document], resource_iri: str | None
) -> Document:
    if resource_iri is None:
        if not dataset.cvs:
            raise BuildError("the dataset holds no CV")
        owner = dataset.cvs[0].owner.key
        path = document_path("person", owner)
    else:
        parsed = parse_thing_iri(dataset.base_uri, resource_iri)
        if parsed is None:
            raise BuildError(f"{resource_iri} is not an IRI minted under {dataset.base_uri}/id/")
        path = document_path(*parsed)
    if path not in documents:
        raise BuildError(f"no document describes {resource_iri or path}")
    return documents[path]


# -- what the site holds -------------------------------------------------------------------


def _write_site(
    writer: _Writer,
    source: SiteSource,
    outdir: Path,
    manifest: Mapping[str, str],
    license: str | None,
    jobs: int,
    sitemap_limit: int,
) -> tuple[dict[str, str], int]:
    """Write every file of the site; return the graph hash of every document, and their count."""
    from ldcv.pages.render import render_error
    from ldcv.pages.render import sparql_href as html_sparql_href

    with ExitStack() as stack:
        workers = None
        if source.forks_before_opening and may_fork(jobs):  # forked before a store is opened
            workers = stack.enter_context(_Workers(writer, source, manifest, jobs))
        site = stack.enter_context(source.opened())
        catalog = site.catalog
        dataset, documents = catalog.dataset, catalog.documents
        paths = list(documents)
        forked = len(paths) >= _PARALLEL_FROM
        if forked and workers is None and may_fork(jobs):
            workers = stack.enter_context(_Workers(writer, source, manifest, jobs))
        if forked and workers is not None:  # they render documents while this process goes on
            workers.start(paths)
        else:
            forked = False
            hashes = _write_document_batch(writer, catalog, manifest, paths)

        sparql_href = html_sparql_href(dataset.base_uri, catalog.sparql_endpoint)
        writer.write("404.html", render_error(404, "No such page.", sparql_href).encode())
        writer.write("404.txt", b"Not Found\n")
        writer.write(ROBOTS_PATH.lstrip("/"), robots_txt(dataset.base_uri))
        sitemap = Sitemap(dataset.base_uri, sitemap_paths(paths), dataset.modified, sitemap_limit)
        for served in sitemap.files:
            writer.write(served.lstrip("/"), sitemap.render(served))
        snapshot_files = site.snapshot_files
        # Sorted into a store that keeps order: rdflib's default store writes N-Triples
        # and RDF/XML in an order that changes with each process's hash seed.
        void = void_graph(
            dataset,
            license=license,
            sparql_endpoint=catalog.sparql_endpoint,
            facts=None if snapshot_files is None else snapshot_files.facts(),
        )
        vocabulary = stable_graph(own_vocabulary())
        for fmt in RDF_FORMATS:
            held = catalog.serializers
            writer.write(f"{VOID_PATH.lstrip('/')}.{fmt.suffix}", serialize(void, fmt, held))
            writer.write(
                f"{VOCABULARY_PATH.lstrip('/')}.{fmt.suffix}", serialize(vocabulary, fmt, held)
            )
        fingerprint = documents.fingerprint() if isinstance(documents, Documents) else None
        graph_digest = "" if fingerprint is None else f"{__version__}:{fingerprint}"
        whole = (catalog.view or dataset).graph  # the same triples, serialized faster
        for dump in DUMPS:
            relative = dump.path.lstrip("/")
            if snapshot_files is not None:
                writer.write_file(relative, snapshot_files.dump(dump))
                continue
            kept = (
                graph_digest and manifest.get(dump.path) == graph_digest and writer.keep(relative)
            )
            if not kept:
                writer.write(relative, dump_bytes(whole, dump))
        for relative, data in _static_assets():
            writer.write(relative, data)
        writer.write("nginx.conf", nginx_conf(dataset.base_uri, outdir).encode())
        writer.write(".htaccess", htaccess(dataset.base_uri).encode())

        if forked and workers is not None:
            hashes = workers.collect(writer)
        for suffix, data in _home_page(writer, catalog, paths):
            writer.write(f"index.{suffix}", data)
        for path in catalog.pages:  # the index of the people, in pages (several CVs)
            listed = catalog.resources[path]
            for fmt in FORMATS:
                writer.write(f"{path.lstrip('/')}.{fmt.suffix}", listed.render(fmt))
    return {**hashes, **{dump.path: graph_digest for dump in DUMPS}}, len(paths)


_PARALLEL_FROM = 200  # documents; below this, starting processes costs more than it saves


class _Workers:
    """Forked processes that write documents, each with a writer of its own (a context manager).

    Forked when entered, so that a store's source can fork them before it opens the store;
    given their paths by ``start``; waited for by ``collect``; stopped on leaving.
    """

    def __init__(
        self, writer: _Writer, source: SiteSource, manifest: Mapping[str, str], jobs: int
    ) -> None:
        self.jobs = jobs
        self._handed = ExitStack()
        self._handed.enter_context(
            handed_to_workers(writer=writer, source=source, manifest=manifest)
        )
        try:
            self.pool = start_pool(jobs)
        except BaseException:
            self._handed.close()
            raise
        self._result = None
        self._collected = False

    def __enter__(self) -> _Workers:
        return self

    def start(self, paths: list[str]) -> None:
        """Give the workers ``paths`` to write."""
        # Small interleaved chunks: big documents (a coauthor of every CV) spread evenly.
        count = min(len(paths), self.jobs * 16)
        chunks = [paths[i::count] for i in range(count)]
        self._result = self.pool.map_async(_write_document_chunk, chunks, chunksize=1)

    def collect(self, writer: _Writer) -> dict[str, str]:
        """Wait for the workers; count what they wrote into ``writer``; return the hashes."""
        assert self._result is not None, "start the workers first"
        hashes: dict[str, str] = {}
        for written, unchanged, done in self._result.get():
            writer.written.extend(written)
            writer.unchanged += unchanged
            hashes.update(done)
        self._collected = True
        return hashes

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if kind is None and (self._collected or self._result is None):
                self.pool.close()
            else:  # failed: the workers' files are thrown away with the staging folder
                self.pool.terminate()
            self.pool.join()
        finally:
            self._handed.close()


def _write_document_chunk(paths: list[str]) -> tuple[list[str], int, dict[str, str]]:
    """In a worker: write some documents with a writer of its own, report what it did."""
    parent: _Writer = inherited("writer")
    source: SiteSource = inherited("source")
    writer = _Writer(parent.new, parent.old)
    hashes = _write_document_batch(writer, source.in_worker(), inherited("manifest"), paths)
    return writer.written, writer.unchanged, hashes


def _write_document_batch(
    writer: _Writer,
    catalog: Catalog,
    manifest: Mapping[str, str],
    paths: list[str],
) -> dict[str, str]:
    """Write the documents at ``paths``; return the graph hash of each."""
    html = next(f for f in FORMATS if not f.is_rdf)
    hasher = _GraphHasher()
    hashes = {}
    for path in paths:
        # One document at a time: a store's catalog keeps only the recent ones.
        hashes[path] = hasher.digest(path, catalog.documents[path])
        resource = catalog.resources[path]
        stem = path.lstrip("/")
        reuse = manifest.get(path) == hashes[path]
        for fmt in RDF_FORMATS:
            relative = f"{stem}.{fmt.suffix}"
            if not (reuse and writer.keep(relative)):
                writer.write(relative, resource.render(fmt))
        writer.write(f"{stem}.{html.suffix}", resource.render(html))
        # A bibliography reads other documents (a person's works): always written anew.
        # The formatted citation is the default style's (APA) only.
        for fmt in resource.formats:
            if fmt in BIBLIOGRAPHIC_FORMATS:
                writer.write(f"{stem}.{fmt.suffix}", resource.representation(fmt).identity.body)
    return hashes


def _home_page(writer: _Writer, catalog: Catalog, paths: list[str]) -> Iterator[tuple[str, bytes]]:
    """The home page in every format: the owner's profile for one CV, an index for several."""
    home = catalog.resources["/"]
    profile = None
    if len(catalog.owners) == 1:  # else the home page is an index of the CVs
        profile = next((p for p in paths if catalog.resources[p] is home), None)
    for fmt in FORMATS:
        if profile is not None:  # written already: the same bytes again
            yield fmt.suffix, (writer.new / f"{profile.lstrip('/')}.{fmt.suffix}").read_bytes()
        else:
            yield fmt.suffix, home.render(fmt)


def _static_assets() -> Iterator[tuple[str, bytes]]:
    root = files("ldcv.pages").joinpath("static")
    if not root.is_dir():
        return

    def walk(node, prefix: str) -> Iterator[tuple[str, bytes]]:  # type: ignore[no-untyped-def]
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name.startswith((".", "__")):
                continue
            if child.is_dir():
                yield from walk(child, f"{prefix}{child.name}/")
            else:
                yield f"{prefix}{child.name}", child.read_bytes()

    yield from walk(root, "static/")


# -- incremental and atomic ----------------------------------------------------------------


class _GraphHasher:
    """Fingerprints documents' triples (their serializations depend on nothing else)."""

    def __init__(self) -> None:
        self._n3: dict[object, str] = {}  # terms recur across documents: write each once
        self._head = [__version__, *(f.key for f in FORMATS)]

    def digest(self, path: str, document: Document) -> str:
        """The fingerprint of the document at ``path``."""
        n3 = self._n3
        lines = []
        for triple in document.graph:
            terms = []
            for term in triple:
                text = n3.get(term)
                if text is None:
                    text = n3[term] = term.n3()
                terms.append(text)
            lines.append(" ".join(terms))
        lines.sort()
        return hashlib.sha256("\n".join([*self._head, path, *lines]).encode()).hexdigest()


def _manifest(hashes: Mapping[str, str]) -> bytes:
    body = {"ldcv": __version__, "documents": dict(sorted(hashes.items()))}
    return (json.dumps(body, indent=1) + "\n").encode()


def _read_manifest(old: Path | None) -> dict[str, str]:
    if old is None:
        return {}
    try:
        body = json.loads((old / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(body, dict) or body.get("ldcv") != __version__:
        return {}
    documents = body.get("documents")
    return documents if isinstance(documents, dict) else {}


def _previous_build(outdir: Path) -> Path | None:
    """The previous build in ``outdir``; refuse to replace a directory that is not one."""
    if not outdir.exists():
        return None
    if not outdir.is_dir():
        raise BuildError(f"{outdir} exists and is not a directory")
    if (outdir / MARKER).is_file():
        return outdir
    if any(outdir.iterdir()):
        raise BuildError(
            f"{outdir} is not empty and holds no previous ldcv build ({MARKER}): "
            "choose an empty or new directory"
        )
    return None


def _removed(old: Path | None, new: Path) -> tuple[str, ...]:
    if old is None:
        return ()
    gone = [
        str(p.relative_to(old))
        for p in old.rglob("*")
        if p.is_file() and not (new / p.relative_to(old)).exists()
    ]
    return tuple(sorted(gone))


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _swap(staging: Path, outdir: Path) -> None:
    """Put ``staging`` in place of ``outdir``; the previous build ends up at ``staging``.

    On Linux both directories trade places in one atomic ``renameat2`` call, so a
    web server never sees a missing or half-written site; elsewhere, two renames.
    """
    if not outdir.exists():
        os.rename(staging, outdir)
        return
    if _exchange(staging, outdir):
        return
    aside = staging.with_name(staging.name + "-previous")
    os.rename(outdir, aside)
    os.rename(staging, outdir)
    os.rename(aside, staging)


def _exchange(first: Path, second: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return result == 0


__all__ = ["BuildError", "BuildReport", "build_site", "build_store_site", "embed_snippet"]
