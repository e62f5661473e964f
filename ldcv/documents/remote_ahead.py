"""Render a remote store's heaviest documents ahead of the request, onto a local disk, in a child.

A server on a remote store renders a document from what the engine sends: for the
heaviest (a hub's later pages, the largest profiles) megabytes read and 100–200 ms of
CPU. As on the embedded store (``ldcv.documents.documents_ahead``), one low-priority
child a generation (``python -m ldcv.documents.remote_ahead``, under the generation's
``manifest`` lock: one across the processes sharing the folder) renders each document
whose subject weighs more than ``LDCV_AHEAD_TRIPLES``, every page, in every format of the
table, with the catalog a server builds (so the same bytes), into a local folder
(``LDCV_AHEAD_DIR``, by default one in the user's cache directory named after the
endpoint); the servers read a format from there instead of rendering it. The weights
come from one aggregate query on the engine (``ldcv.store.remote_weights``).

Never stale: the engine holds one state at a time, so a document is written into the
folder of generation N only if the store's generation was N before and after it was
rendered; once a publish raises it the child stops (exit status ``SUPERSEDED``) and the
newer generation's child takes over. Nothing is carried over from an older generation (a
remote store keeps no snapshot to tell what a publish changed): each generation renders
its documents afresh. A folder left by an earlier store behind the same endpoint at the
same generation number is told apart by its ``FINGERPRINT`` (the records of the CV
graphs) and emptied. A document is written whole by one rename, the manifest last: a
child killed at any moment leaves finished documents and no manifest, and the next one
for that generation finishes it; one past its memory bound hands over to a fresh one the
same way (``documents_ahead.HAND_OVER``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from itertools import count
from pathlib import Path
from typing import IO

from ldcv.config import environment_value
from ldcv.documents.ahead_files import DOCUMENTS, MANIFEST, AheadDocuments, manifest_text
from ldcv.documents.background import in_background
from ldcv.documents.catalog import Catalog, Representation
from ldcv.documents.crawler_files import SPARQL_PATH
from ldcv.documents.documents_ahead import (
    HAND_OVER,
    HANDED_OVER,
    AheadReport,
    ChildFailed,
    HandedOver,
    HandOver,
    named_documents,
    run_child,
)
from ldcv.documents.heavy_documents import heavy_documents
from ldcv.documents.selection import page_path
from ldcv.documents.store_catalog import record_owners, store_catalog
from ldcv.errors import LdcvError
from ldcv.rdf.formats import Format
from ldcv.store.generation_files import GenerationFiles
from ldcv.store.records import GraphRecord
from ldcv.store.remote import RemoteSnapshot, RemoteStore
from ldcv.store.remote_weights import heavy_weights
from ldcv.store.sparql_protocol import SparqlClient

log = logging.getLogger("ldcv.server")

FINGERPRINT = "store"  # in a generation's folder: which store its documents come from
SUPERSEDED = 3  # the child's exit status when a publish raised the generation meanwhile
NICE = 10  # behind the requests the servers answer meanwhile
CACHE_MB = 32  # a document's formats share what is cut of it; none is asked again
TIMEOUT = 300.0  # seconds a request of the child may take: the weights take seconds


class Superseded(LdcvError):
    """The store moved to a newer generation while its documents were being made."""


def ahead_root(setting: str | None, query_url: str) -> Path:
    """The folder of the documents made ahead for the store at ``query_url``.

    ``setting`` (``LDCV_AHEAD_DIR``) if given; else one in this user's cache directory
    (``$XDG_CACHE_HOME/ldcv``, by default ``~/.cache/ldcv``) named after the endpoint,
    which every server process of this user reading it shares. Not under the shared
    temporary directory: another local user could make the folder first and fill it.
    """
    if setting:
        return Path(setting)
    named = hashlib.sha256(query_url.encode("utf-8")).hexdigest()[:16]
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "ldcv" / f"ahead-{named}"


def remote_ahead_files(root: Path, generation: int) -> GenerationFiles:
    """Where generation ``generation``'s documents made ahead go, under ``root``.

    Nothing is carried over: once its manifest is made, the older generations' folders go.
    """
    return GenerationFiles(Path(root), generation)


def store_fingerprint(query_url: str, base: str, records: Mapping[str, GraphRecord]) -> bytes:
    """What tells this store's generation from another's at the same number: its CVs."""
    digest = hashlib.sha256(f"{query_url}\n{base.rstrip('/')}\n".encode())
    for graph in sorted(records):
        digest.update(f"{graph}\t{records[graph].content_hash}\n".encode())
    return digest.hexdigest().encode("ascii")


class RemoteAheadDocuments(AheadDocuments):
    """The documents made ahead in one generation's ``folder``, if made from this store."""

    def __init__(self, folder: Path, fingerprint: bytes) -> None:
        super().__init__(folder)
        self.fingerprint = fingerprint
        self._confirmed = False  # the folder's fingerprint is ours: it never changes then

    def representation(self, path: str, fmt: Format, location: str) -> Representation | None:
        """The document at ``path`` in ``fmt`` as made ahead for this store, or ``None``."""
        return super().representation(path, fmt, location) if self._ours() else None

    def holds(self, path: str) -> bool:
        """Whether the document at ``path`` was made for this store (every format of it)."""
        return self._ours() and super().holds(path)

    def _ours(self) -> bool:
        if not self._confirmed:
            try:
                self._confirmed = (self.folder / FINGERPRINT).read_bytes() == self.fingerprint
            except FileNotFoundError:
                return False
        return self._confirmed


def make_ahead_in_background(
    query_url: str, root: Path, generation: int, base_uri: str, threshold: int
) -> threading.Thread:
    """Start a thread that has generation ``generation``'s documents made by a child."""
    work = partial(made_ahead, query_url, root, generation, base_uri, threshold)
    failure = "rendering the remote store's heaviest documents ahead failed"
    return in_background("ldcv-remote-ahead", work, failure)


def made_ahead(
    query_url: str, root: Path, generation: int, base_uri: str, threshold: int
) -> Path | None:
    """Have the generation's heavy documents made by a child, unless they were; wait for it.

    The manifest's path, or ``None`` if the store moved on meanwhile.
    """
    files = remote_ahead_files(root, generation)
    child = [sys.executable, "-m", __name__, query_url, str(root), str(generation), base_uri]
    child.append(str(threshold))
    try:
        return files.made(MANIFEST, partial(_run, child))
    except Superseded:
        log.info("generation %s: superseded before its documents were all made ahead", generation)
        return None


def make_documents(
    snapshot: RemoteSnapshot,
    files: GenerationFiles,
    base_uri: str,
    threshold: int,
    manifest: IO[bytes],
    current: Callable[[], bool],
    bound_mb: int = 0,
) -> AheadReport:
    """Make ``snapshot``'s heavy documents in this process into ``files``; write the manifest.

    ``current()`` says whether the store is still at the snapshot's generation; asked
    before anything is written and after each document is rendered (``Superseded`` if not).
    ``HandedOver`` past ``bound_mb`` of resident memory, as ``documents_ahead`` hands over.
    """
    base = base_uri.rstrip("/")
    client = snapshot.remote.client
    if not current():
        raise Superseded(f"{client.query_url}: generation {snapshot.generation} is gone")
    made = AheadDocuments(files.folder)
    _claim(files.folder, store_fingerprint(client.query_url, base, snapshot.records))
    made.clear_partial()
    report = AheadReport()
    catalog: list[Catalog] = []  # made when the first document has to be rendered
    run = HandOver(made, bound_mb)

    def render(path: str) -> frozenset[str] | None:
        if not catalog:
            catalog.append(_catalog(snapshot, base))
        return _render(catalog[0], made, path, current)

    named: dict[str, frozenset[str]] = {}
    with run.noting(named):
        for whole in heavy_documents(heavy_weights(client, base, threshold), base, threshold):
            for page in count(1):
                path = page_path(whole, page)
                found = run.rendered(path, render)
                if found is None:
                    break
                named[path] = found
                report.rendered += 1
    manifest.write(manifest_text(named))
    return report


def _claim(folder: Path, fingerprint: bytes) -> None:
    """Make ``folder`` this store's: empty it if another store's generation left it there."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / FINGERPRINT
    try:
        if marker.read_bytes() == fingerprint:
            return
        marker.unlink()  # first, so that no server takes the documents for this store's
    except FileNotFoundError:
        pass
    shutil.rmtree(folder / DOCUMENTS, ignore_errors=True)
    (folder / HANDED_OVER).unlink(missing_ok=True)  # what those documents named
    partial_file = folder / f".{FINGERPRINT}.{os.getpid()}"
    partial_file.write_bytes(fingerprint)
    partial_file.chmod(0o644)
    os.replace(partial_file, marker)


def _catalog(snapshot: RemoteSnapshot, base: str) -> Catalog:
    """The catalog a server process builds on this generation (so the same bytes)."""
    return store_catalog(
        snapshot.store,  # type: ignore[arg-type]
        base,
        modified=datetime.now(UTC),  # not in any document's bytes: Last-Modified only
        sparql_endpoint=base + SPARQL_PATH,
        cache_mb=CACHE_MB,
        owners=record_owners(snapshot.records, base),
    )


def _render(
    catalog: Catalog, made: AheadDocuments, path: str, current: Callable[[], bool]
) -> frozenset[str] | None:
    """Render the document at ``path`` in every format into ``made``; what it names, or
    ``None`` if there is no such document."""
    if made.holds(path):  # made by a run of this generation that was killed later
        found = catalog.documents.get(path)
        return None if found is None else named_documents(catalog, found.graph)
    resource = catalog.resources.get(path)
    if resource is None:
        return None
    representations = [resource.representation(fmt) for fmt in resource.formats]
    if not current():  # read (some of it) from a later state of the store: not this one's
        raise Superseded(f"{path}: the store moved on while it was rendered")
    made.write(path, representations)
    return named_documents(catalog, catalog.documents[path].graph)


def _run(command: list[str], manifest: IO[bytes]) -> None:
    try:
        run_child(command, manifest)
    except ChildFailed as failed:
        if failed.returncode == SUPERSEDED:
            raise Superseded(failed.said[-1] if failed.said else "superseded") from None
        raise


def main(arguments: list[str]) -> None:
    """Make the documents: ``ENDPOINT ROOT GENERATION BASE THRESHOLD``; the manifest to stdout."""
    query_url, root, generation, base, threshold = arguments
    os.nice(NICE)
    client = SparqlClient(query_url, timeout=TIMEOUT)
    with tempfile.TemporaryDirectory(prefix="ldcv-remote-ahead-") as scratch:
        remote = RemoteStore(client, Path(scratch), index_details=False)
        snapshot = remote.open_snapshot()
        if snapshot is None or snapshot.generation != int(generation):
            print(f"{query_url}: generation {generation} is gone", file=sys.stderr)
            sys.exit(SUPERSEDED)
        try:
            report = make_documents(
                snapshot, remote_ahead_files(Path(root), int(generation)), base,
                int(threshold), sys.stdout.buffer,
                lambda: remote.generation() == int(generation),
                environment_value("LDCV_AHEAD_MAX_MB"),
            )  # fmt: skip
        except Superseded as error:
            print(error, file=sys.stderr)
            sys.exit(SUPERSEDED)
        except HandedOver as handed:
            print(handed, file=sys.stderr)
            sys.exit(HAND_OVER)
    sys.stdout.buffer.flush()
    print(report.line(), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
