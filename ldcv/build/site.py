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
"""

from __future__ import annotations

import ctypes
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
from typing import TYPE_CHECKING

from ldcv import __version__
from ldcv.build.webserver import htaccess, nginx_conf
from ldcv.documents.crawler_files import (
    DUMPS,
    ROBOTS_PATH,
    SITEMAP_PATH,
    VOID_PATH,
    dump_bytes,
    robots_txt,
    sitemap_paths,
    sitemap_xml,
    void_graph,
)
from ldcv.documents.selection import Document, Documents, build_documents, stable_graph
from ldcv.errors import LdcvError
from ldcv.forking import cpu_count, handed_to_workers, inherited, may_fork, start_pool
from ldcv.pipeline import Dataset
from ldcv.rdf.formats import FORMATS, RDF_FORMATS, serialize
from ldcv.rdf.iris import document_path, parse_thing_iri
from ldcv.rdf.jsonld import compact_jsonld
from ldcv.rdf.vocabulary import VOCABULARY_PATH, own_vocabulary

if TYPE_CHECKING:
    from ldcv.documents.catalog import Catalog

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
) -> BuildReport:
    """Write the static site for ``dataset`` into ``outdir``, atomically and incrementally.

    ``jobs`` processes render the documents (default: one per CPU). ``catalog`` is
    the dataset's catalog (``build_catalog(dataset, prerender=False)``) when the
    caller has it already (the CLI makes it while the dataset is being validated).
    A static site answers no queries: its pages link to ``sparql_endpoint`` and its
    VoID names it, where one is given (another server holding the same data).
    """
    from ldcv.documents.catalog import build_catalog

    started = time.perf_counter()
    jobs = jobs or cpu_count()
    outdir = Path(outdir).resolve()
    old = _previous_build(outdir)
    manifest = _read_manifest(old)
    if catalog is None:
        catalog = build_catalog(dataset, prerender=False, sparql_endpoint=sparql_endpoint)
    elif catalog.sparql_endpoint != sparql_endpoint:
        raise ValueError("the catalog was built for another SPARQL endpoint")
    documents = catalog.documents
    staging = outdir.parent / f".{outdir.name}.building-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        writer = _Writer(staging, old)
        hashes = _write_site(writer, catalog, outdir, manifest, license, jobs)
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
        documents=len(documents),
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
    catalog: Catalog,
    outdir: Path,
    manifest: Mapping[str, str],
    license: str | None,
    jobs: int,
) -> dict[str, str]:
    """Write every file of the site; return the graph hash of every document."""
    from ldcv.pages.render import render_error
    from ldcv.pages.render import sparql_href as html_sparql_href

    dataset, documents = catalog.dataset, catalog.documents
    paths = list(documents)
    forked = len(paths) >= _PARALLEL_FROM and may_fork(jobs)
    if forked:  # the workers render the documents while this process writes the rest
        pending = _start_document_workers(writer, catalog, manifest, paths, jobs)
    else:
        hashes = _write_document_batch(writer, catalog, manifest, paths)

    sparql_href = html_sparql_href(dataset.base_uri, catalog.sparql_endpoint)
    writer.write("404.html", render_error(404, "No such page.", sparql_href).encode())
    writer.write("404.txt", b"Not Found\n")
    writer.write(ROBOTS_PATH.lstrip("/"), robots_txt(dataset.base_uri))
    sitemap = sitemap_xml(dataset.base_uri, sitemap_paths(documents), dataset.modified)
    writer.write(SITEMAP_PATH.lstrip("/"), sitemap)
    # Sorted into a store that keeps order: rdflib's default store writes N-Triples
    # and RDF/XML in an order that changes with each process's hash seed.
    void = void_graph(dataset, license=license, sparql_endpoint=catalog.sparql_endpoint)
    vocabulary = stable_graph(own_vocabulary())
    for fmt in RDF_FORMATS:
        writer.write(f"{VOID_PATH.lstrip('/')}.{fmt.suffix}", serialize(void, fmt))
        writer.write(f"{VOCABULARY_PATH.lstrip('/')}.{fmt.suffix}", serialize(vocabulary, fmt))
    fingerprint = documents.fingerprint() if isinstance(documents, Documents) else None
    graph_digest = "" if fingerprint is None else f"{__version__}:{fingerprint}"
    whole = (catalog.view or dataset).graph  # the same triples, serialized faster
    for dump in DUMPS:
        relative = dump.path.lstrip("/")
        kept = graph_digest and manifest.get(dump.path) == graph_digest and writer.keep(relative)
        if not kept:
            writer.write(relative, dump_bytes(whole, dump))
    for relative, data in _static_assets():
        writer.write(relative, data)
    writer.write("nginx.conf", nginx_conf(dataset.base_uri, outdir).encode())
    writer.write(".htaccess", htaccess(dataset.base_uri).encode())

    if forked:
        hashes = {}
        for written, unchanged, done in pending.get():
            writer.written.extend(written)
            writer.unchanged += unchanged
            hashes.update(done)
        pending.close()
    for suffix, data in _home_page(writer, catalog):
        writer.write(f"index.{suffix}", data)
    return {**hashes, **{dump.path: graph_digest for dump in DUMPS}}


_PARALLEL_FROM = 200  # documents; below this, starting processes costs more than it saves


class _Pending:
    """Documents being written by forked workers: wait for them, then let them go."""

    def __init__(self, pool, result, handed: ExitStack) -> None:  # type: ignore[no-untyped-def]
        self.pool, self.result, self.handed = pool, result, handed

    def get(self) -> list[tuple[list[str], int, dict[str, str]]]:
        try:
            return self.result.get()
        finally:
            self.handed.close()  # the workers have everything they were handed

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


def _start_document_workers(
    writer: _Writer,
    catalog: Catalog,
    manifest: Mapping[str, str],
    paths: list[str],
    jobs: int,
) -> _Pending:
    """Start ``jobs`` forked processes writing every document; collect them with ``get``."""
    # Small interleaved chunks: big documents (a coauthor of every CV) spread evenly.
    count = min(len(paths), jobs * 16)
    chunks = [paths[i::count] for i in range(count)]
    with ExitStack() as handed:  # kept open by the _Pending until its get()
        handed.enter_context(handed_to_workers(writer=writer, catalog=catalog, manifest=manifest))
        pool = start_pool(jobs)
        try:
            result = pool.map_async(_write_document_chunk, chunks, chunksize=1)
        except BaseException:
            pool.terminate()
            raise
        return _Pending(pool, result, handed.pop_all())


def _write_document_chunk(paths: list[str]) -> tuple[list[str], int, dict[str, str]]:
    """In a worker: write some documents with a writer of its own, report what it did."""
    parent: _Writer = inherited("writer")
    writer = _Writer(parent.new, parent.old)
    hashes = _write_document_batch(writer, inherited("catalog"), inherited("manifest"), paths)
    return writer.written, writer.unchanged, hashes


def _write_document_batch(
    writer: _Writer,
    catalog: Catalog,
    manifest: Mapping[str, str],
    paths: list[str],
) -> dict[str, str]:
    """Write the documents at ``paths``; return the graph hash of each."""
    html = next(f for f in FORMATS if not f.is_rdf)
    hashes = _graph_hashes({path: catalog.documents[path] for path in paths})
    for path in paths:
        resource = catalog.resources[path]
        stem = path.lstrip("/")
        reuse = manifest.get(path) == hashes[path]
        for fmt in RDF_FORMATS:
            relative = f"{stem}.{fmt.suffix}"
            if not (reuse and writer.keep(relative)):
                writer.write(relative, resource.render(fmt))
        writer.write(f"{stem}.{html.suffix}", resource.render(html))
    return hashes


def _home_page(writer: _Writer, catalog: Catalog) -> Iterator[tuple[str, bytes]]:
    """The home page in every format: the owner's profile for one CV, an index for several."""
    home = catalog.resources["/"]
    profile = next((p for p in catalog.documents if catalog.resources[p] is home), None)
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


def _graph_hashes(documents: Mapping[str, Document]) -> dict[str, str]:
    """Fingerprint each document's triples (its serializations depend on nothing else)."""
    n3: dict[object, str] = {}  # terms recur across documents: write each once
    head = [__version__, *(f.key for f in FORMATS)]
    hashes = {}
    for path, document in documents.items():
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
        hashes[path] = hashlib.sha256("\n".join([*head, path, *lines]).encode()).hexdigest()
    return hashes


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


__all__ = ["BuildError", "BuildReport", "build_site", "embed_snippet"]
