"""Render a generation's heaviest documents ahead of the request, onto disk, in a child.

The slowest 1 % of uncached requests are documents whose cost grows with them by design
(a profile listing hundreds of works, every page of a hub). Their subjects are known
without rendering them (``ldcv.documents.heavy_documents``), so once a server installs a
generation, one child (``python -m ldcv.documents.documents_ahead``, at low priority,
after the whole-dataset files' child and under the generation's ``manifest`` lock: one
across processes) renders each of them, every page, in every format of the table, with
the catalog a server builds (the same functions, so the same bytes), into the
generation's folder (``ldcv.documents.ahead_files``); every server process then reads a
format from there instead of rendering it.

From the second generation on, a document the last generation made is carried over
(hard links) when its graph names no minted IRI that a triple entering or leaving the
merge names (through a blank node: the IRIs it hangs from), the pages of one document
together (``changed_documents``). A CV contributes to a document when it says something
about what the document shows, so a document naming none of that is the same bytes.
(Naming any IRI the changed CV names was the first rule: every CV names a few hubs, which
every heavy profile names too, so it carried 799 of 2,051 at 1,000 CVs.) The others are
rendered again.
A document is written whole by one rename; the manifest (what was made, with what each
names) last: a child killed at any moment leaves finished documents and no manifest, and
the next one to run finishes the generation. A child whose resident memory passes
``LDCV_AHEAD_MAX_MB`` (if set) hands over the same way, after a document it wrote: it
exits (``HAND_OVER``) and a fresh child goes on where it stopped (what a long run frees,
its allocators keep: 142 to 367 MiB at 1,000 CVs).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from itertools import count
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import URIRef

from ldcv.config import environment_value
from ldcv.documents.ahead_files import (
    MANIFEST,
    WEIGHTS,
    AheadDocuments,
    ahead_files,
    manifest_text,
    read_manifest,
)
from ldcv.documents.background import in_background
from ldcv.documents.catalog import Catalog
from ldcv.documents.crawler_files import SPARQL_PATH
from ldcv.documents.heavy_documents import (
    document_weights,
    heavy_documents,
    read_weights,
    updated_weights,
    weights_text,
)
from ldcv.documents.selection import page_path
from ldcv.documents.snapshot_change import SnapshotChange, snapshot_change
from ldcv.documents.snapshot_crawler_files import snapshot_files
from ldcv.documents.store_catalog import record_owners, store_catalog
from ldcv.errors import LdcvError
from ldcv.native_memory import resident_mib
from ldcv.rdf.iris import document_path, parse_thing_iri
from ldcv.store.disk import StoreDirectory
from ldcv.store.generation_files import GenerationFiles
from ldcv.store.record_table import RecordTable, made_table

log = logging.getLogger("ldcv.server")

MERGE = ox.DefaultGraph()
NICE = 10  # behind the requests the server answers meanwhile
CACHE_MB = 32  # a document's formats share what is cut of it; none is asked again
HAND_OVER = 4  # the child's exit status when it passed its memory bound: run a fresh one
# In a generation's folder: what the runs that handed over made, with what each names, so
# that the next takes them as made instead of reading each document's graph again.
HANDED_OVER = ".handed-over"


class HandedOver(LdcvError):
    """The child passed its memory bound after writing a document: a fresh one goes on."""


class HandOver:
    """One run's documents in ``made``, as a run that may hand over renders them.

    What the runs that handed over before it noted is taken as made; past ``bound_mb`` of
    resident memory (0: no bound), after a document it wrote, ``HandedOver``, and what it
    made is noted for the next.
    """

    def __init__(self, made: AheadDocuments, bound_mb: int) -> None:
        self.made = made
        self.bound_mb = bound_mb
        try:
            self.known = dict(read_manifest((made.folder / HANDED_OVER).read_bytes()))
        except FileNotFoundError:
            self.known = {}

    def rendered(
        self, path: str, render: Callable[[str], frozenset[str] | None]
    ) -> frozenset[str] | None:
        """What the document at ``path`` names, ``render(path)`` unless an earlier run noted it."""
        if path in self.known and self.made.holds(path):
            return self.known[path]
        written = not self.made.holds(path)
        found = render(path)
        resident = resident_mib() if written and found is not None else 0.0
        if self.bound_mb > 0 and resident > self.bound_mb:  # one document at least a run
            raise HandedOver(f"{resident:.0f} MiB resident, past {self.bound_mb}: handing over")
        return found

    @contextmanager
    def noting(self, named: dict[str, frozenset[str]]) -> Iterator[None]:
        """Note ``named`` for the next run should this one hand over meanwhile."""
        try:
            yield
        except HandedOver:
            _write_atomically(self.made.folder / HANDED_OVER, manifest_text(named))
            raise


@dataclass
class AheadReport:
    """What one run made: documents rendered, carried over, and the weights counted afresh."""

    rendered: int = 0
    carried: int = 0
    weighed_afresh: bool = True

    def line(self) -> str:
        """One line for the log."""
        weights = "weighed afresh" if self.weighed_afresh else "weights updated"
        return f"{self.rendered} document(s) rendered ahead, {self.carried} carried over; {weights}"


def make_ahead_in_background(
    snapshot_path: Path,
    store_path: Path,
    generation: int,
    base_uri: str,
    threshold: int,
    after: threading.Thread | None = None,
) -> threading.Thread:
    """Start a thread that, once ``after`` ends, has the documents made ahead by a child."""
    work = partial(made_ahead, snapshot_path, store_path, generation, base_uri, threshold)
    # ``after``: the whole-dataset files first, for the home page waits for them.
    failure = "rendering the store generation's heaviest documents ahead failed"
    return in_background("ldcv-ahead-documents", work, failure, after=after)


def made_ahead(
    snapshot_path: Path, store_path: Path, generation: int, base_uri: str, threshold: int
) -> Path:
    """Have the generation's heavy documents made by a child, unless they were; wait for it."""
    files = ahead_files(store_path, generation)
    child = [sys.executable, "-m", __name__, str(snapshot_path), str(store_path)]
    child += [str(generation), base_uri, str(threshold)]
    return files.made(MANIFEST, partial(run_child, child))


def make_documents(
    store: ox.Store,
    store_path: Path,
    generation: int,
    base_uri: str,
    threshold: int,
    records: RecordTable,
    manifest: IO[bytes],
    bound_mb: int = 0,
) -> AheadReport:
    """Make generation ``generation``'s heavy documents in this process; write the manifest.

    ``records``: the generation's record table (the owners; what changed since the last
    generation whose documents are left, which are then carried over where unchanged).
    ``HandedOver`` once this process is past ``bound_mb`` of resident memory (0: no bound)
    after writing a document: calling again goes on from there.
    """
    base = base_uri.rstrip("/")
    files = ahead_files(store_path, generation)
    made = AheadDocuments(files.folder)
    made.clear_partial()
    report = AheadReport()
    previous = files.previous()
    change = None if previous is None else _change(store, store_path, previous, records, base)
    older = None if previous is None or change is None else AheadDocuments(previous.folder)

    weights = None
    if (files.folder / WEIGHTS).is_file():  # an earlier run of this generation weighed them
        weights = read_weights((files.folder / WEIGHTS).read_bytes())
        report.weighed_afresh = False
    elif older is not None and change is not None and (older.folder / WEIGHTS).is_file():
        touched = change.touched.values()
        weights = updated_weights(
            read_weights((older.folder / WEIGHTS).read_bytes()), store, touched
        )
        report.weighed_afresh = False
    if weights is None:
        weights = document_weights(store, base)
    _write_atomically(files.folder / WEIGHTS, weights_text(weights))

    kept: dict[str, dict[str, frozenset[str]]] = {}  # whole document -> its pages made
    if older is not None and previous is not None:
        for path, named in read_manifest((previous.folder / MANIFEST).read_bytes()):
            kept.setdefault(_whole(path), {})[path] = named
    touched = set() if change is None else changed_documents(change, base)
    catalog: list[Catalog] = []  # made when the first document has to be rendered
    run = HandOver(made, bound_mb)

    def render(path: str) -> frozenset[str] | None:
        if not catalog:
            catalog.append(_catalog(store, store_path, generation, base, records))
        return _render(catalog[0], made, path)

    def rendered(path: str) -> frozenset[str] | None:
        return run.rendered(path, render)

    named: dict[str, frozenset[str]] = {}
    with run.noting(named):
        for whole in heavy_documents(weights, base, threshold):
            pages = kept.get(whole, {})
            if older is not None and pages and not any(n & touched for n in pages.values()):
                # Pages of one document together: a change on one may move items between them.
                for path, names in sorted(pages.items()):
                    if made.link_from(older, path):
                        named[path], report.carried = names, report.carried + 1
                    else:
                        _note(named, path, rendered(path), report)
                continue
            for page in count(1):
                path = page_path(whole, page)
                found = rendered(path)
                if found is None:
                    break
                _note(named, path, found, report)
    manifest.write(manifest_text(named))
    return report


def changed_documents(change: SnapshotChange, base: str) -> set[str]:
    """The documents of the minted IRIs that a triple entering or leaving the merge names.

    A blank node stands for the minted IRIs it hangs from (a work's author list, an
    identifier): their documents are the ones that show it. A triple a changed graph
    holds in both snapshots, or that another graph holds too, changed nothing.
    """
    stores = (change.old, change.new)
    found: set[str] = set()
    for triple in change.triples():
        inside = [_in_merge(store, triple) for store in stores]
        if inside[0] != inside[1]:
            for term in (triple.subject, triple.object):
                found |= _documents_reaching(term, stores, base)
    return found


def _in_merge(store: ox.Store, triple: ox.Triple) -> bool:
    quads = store.quads_for_pattern(triple.subject, triple.predicate, triple.object, MERGE)
    return next(iter(quads), None) is not None


def _documents_reaching(term: object, stores: tuple[ox.Store, ...], base: str) -> set[str]:
    """The document of ``term`` if it is a minted IRI; of those a blank node hangs from."""
    found, seen, pending = set(), set(), [term]
    while pending:
        current = pending.pop()
        if isinstance(current, ox.NamedNode):
            parsed = parse_thing_iri(base, current.value)
            if parsed is not None:
                found.add(document_path(*parsed))
        elif isinstance(current, ox.BlankNode) and current not in seen:
            seen.add(current)
            for store in stores:
                pending += [q.subject for q in store.quads_for_pattern(None, None, current, MERGE)]
    return found


def _note(
    named: dict[str, frozenset[str]], path: str, found: frozenset[str] | None, report: AheadReport
) -> None:
    if found is not None:
        named[path] = found
        report.rendered += 1


def _whole(path: str) -> str:
    whole, marker, _ = path.rpartition("/page/")
    return whole if marker else path


def _catalog(
    store: ox.Store, store_path: Path, generation: int, base: str, records: RecordTable
) -> Catalog:
    """The catalog a server process builds on this generation (so the same bytes)."""
    return store_catalog(
        store,
        base,
        modified=datetime.now(UTC),  # not in any document's bytes: Last-Modified only
        sparql_endpoint=base + SPARQL_PATH,
        cache_mb=CACHE_MB,
        files=snapshot_files(store_path, generation),
        owners=record_owners(records, base),
    )


def _render(catalog: Catalog, made: AheadDocuments, path: str) -> frozenset[str] | None:
    """Render the document at ``path`` in every format into ``made``; what it names, or
    ``None`` if there is no such document."""
    if made.holds(path):  # made by a run of this generation that was killed later
        found = catalog.documents.get(path)
        return None if found is None else named_documents(catalog, found.graph)
    resource = catalog.resources.get(path)
    if resource is None:
        return None
    made.write(path, [resource.representation(fmt) for fmt in resource.formats])
    return named_documents(catalog, catalog.documents[path].graph)


def named_documents(
    catalog: Catalog, graph: Iterable[tuple[object, object, object]]
) -> frozenset[str]:
    """The document paths of the minted IRIs a document's graph names."""
    base = catalog.dataset.base_uri
    found = set()
    for subject, _, value in graph:
        for term in (subject, value):
            parsed = parse_thing_iri(base, term) if isinstance(term, URIRef) else None
            if parsed is not None:
                found.add(document_path(*parsed))
    return frozenset(found)


def _change(
    store: ox.Store,
    store_path: Path,
    previous: GenerationFiles,
    records: RecordTable,
    base: str,
) -> SnapshotChange | None:
    """The change since ``previous``'s generation, if its snapshot is still there."""
    try:
        old = ox.Store.read_only(
            str(StoreDirectory(store_path).snapshots / str(previous.generation))
        )
    except OSError:  # pruned: superseded a while ago
        return None
    written = records.written_after(previous.generation)
    return snapshot_change(old, store, records, written, base)


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial_file = target.with_name(f".{target.name}.{os.getpid()}")
    partial_file.write_bytes(data)
    partial_file.chmod(0o644)
    os.replace(partial_file, target)


class ChildFailed(LdcvError):
    """The child rendering documents ahead exited with ``returncode``, its last words ``said``."""

    def __init__(self, command: list[str], returncode: int, said: list[str]) -> None:
        super().__init__(f"{command[3]}: rendering documents ahead failed: {said[-1:]}")
        self.returncode = returncode
        self.said = said


def run_child(command: list[str], manifest: IO[bytes]) -> None:
    """Run the child ``command`` with its manifest to ``manifest``; log what it made.

    A child that hands over (``HAND_OVER``: past its memory bound) is followed by a fresh
    one, which goes on from the documents it wrote.
    """
    started = time.perf_counter()
    while True:
        done = subprocess.run(command, stdout=manifest, stderr=subprocess.PIPE, check=False)
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if done.returncode != HAND_OVER:
            break
        log.info("generation %s: %s", command[5], said[-1] if said else "handed over")
        manifest.seek(0)  # it wrote none: the manifest comes last
        manifest.truncate()
    if done.returncode != 0:
        raise ChildFailed(command, done.returncode, said)
    log.info(
        "generation %s: %s in %.1f s",
        command[5],
        said[-1] if said else "",
        time.perf_counter() - started,
    )


def main(arguments: list[str]) -> None:
    """Make the documents: ``SNAPSHOT STORE GENERATION BASE THRESHOLD``; the manifest to stdout."""
    snapshot, store_path, generation, base, threshold = arguments
    os.nice(NICE)
    store = ox.Store.read_only(snapshot)
    records = RecordTable(made_table(Path(store_path), int(generation), Path(snapshot)))
    try:
        report = make_documents(
            store, Path(store_path), int(generation), base, int(threshold), records,
            sys.stdout.buffer, environment_value("LDCV_AHEAD_MAX_MB"),
        )  # fmt: skip
    except HandedOver as handed:
        print(handed, file=sys.stderr)
        sys.exit(HAND_OVER)
    sys.stdout.buffer.flush()
    print(report.line(), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
