"""The crawler files: ``/robots.txt``, ``/sitemap.xml`` (and its parts), VoID, ``/dumps/…``.

Made from the functions the static build uses (``ldcv.documents.crawler_files``), once
per catalog (and again after a reload), each file when it is first asked for: robots.txt
costs nothing, and nothing else is made for it. A catalog held in memory keeps its
files' bytes, as it keeps its documents'. A catalog read from a store snapshot has the
files that read the whole dataset (the VoID counts, the dumps, the sitemap files) made on
disk once per generation by whichever process asks first
(``ldcv.documents.snapshot_crawler_files``), and streams them from there.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request, send_file

from ldcv.documents.catalog import Catalog, Encoding, Resource
from ldcv.documents.crawler_files import (
    DUMP_MEDIA_TYPE,
    DUMPS_BY_NAME,
    ROBOTS_PATH,
    SITEMAP_LIMIT,
    SITEMAP_PATH,
    VOID_PATH,
    Sitemap,
    configured_license,
    dump_bytes,
    robots_txt,
    sitemap_part_path,
    sitemap_paths,
    void_graph,
)
from ldcv.documents.snapshot_crawler_files import SnapshotCrawlerFiles
from ldcv.rdf.formats import BY_SUFFIX, RDF_FORMATS, serialize, with_charset
from ldcv.rdf.negotiation import negotiate_format
from ldcv.server.http import http_date, is_not_modified, representation_response
from ldcv.store.remote_reads import RemoteQuads
from ldcv.store.reopening import ReopeningStore

crawlers = Blueprint("crawlers", __name__)

SITEMAP_MEDIA_TYPE = with_charset("application/xml")
SITEMAP_LIMIT_KEY = "SITEMAP_LIMIT"  # app.config: URLs per sitemap file (tests lower it)
Made = TypeVar("Made")


@dataclass(frozen=True)
class StaticFile:
    """Bytes served as they are, with their media type and strong ETag."""

    body: Encoding
    media_type: str


@dataclass(frozen=True)
class StoredFile:
    """A file on disk served as it is, streamed: a store's dump or sitemap file."""

    path: Path
    media_type: str


class CrawlerFiles:
    """Everything this blueprint serves for one catalog, each file made on its first request.

    ``snapshot_files`` makes the costly files of a store's catalog on disk; without it,
    the catalog's dataset is in memory and every file is made from it, in memory.
    """

    def __init__(
        self,
        catalog: Catalog,
        license: str,
        *,
        snapshot_files: SnapshotCrawlerFiles | None = None,
        sitemap_limit: int = SITEMAP_LIMIT,
    ) -> None:
        self.catalog = catalog
        self.license = license
        self.snapshot_files = snapshot_files
        self.sitemap_limit = sitemap_limit
        text = robots_txt(catalog.dataset.base_uri)
        self.robots = StaticFile(Encoding.of(text), with_charset("text/plain"))
        self._made: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def sitemap(self, path: str) -> StaticFile | StoredFile | None:
        """The sitemap file at ``path`` (``/sitemap.xml``, ``/sitemap-N.xml``), or ``None``."""
        if self.snapshot_files is not None:
            files = self.snapshot_files
            if files.snapshot_path is not None:  # listed by a child process: none grows here
                found = files.walked_sitemap_file(path, self.catalog.modified, self.sitemap_limit)
                return None if found is None else StoredFile(found, SITEMAP_MEDIA_TYPE)
            # Made once, all parts at once; then each lookup is a stat of the file.
            self._once("sitemap files", lambda: files.sitemap_file(SITEMAP_PATH, self._sitemap))
            found = files.sitemap_file(path, self._sitemap)
            return None if found is None else StoredFile(found, SITEMAP_MEDIA_TYPE)
        sitemap = self._once("sitemap", self._sitemap)
        if path not in sitemap.files:
            return None
        return self._once(
            path, lambda: StaticFile(Encoding.of(sitemap.render(path)), SITEMAP_MEDIA_TYPE)
        )

    @property
    def void(self) -> Resource:
        """The VoID description, negotiated among the RDF formats."""
        return self._once("void", self._void)

    def dump(self, name: str) -> StaticFile | StoredFile | None:
        """The named dump: written on first request (the data is only read), or ``None``."""
        chosen = DUMPS_BY_NAME.get(name)
        if chosen is None:
            return None
        if self.snapshot_files is not None:
            files = self.snapshot_files
            return self._once(name, lambda: StoredFile(files.dump(chosen), DUMP_MEDIA_TYPE))
        graph = self.catalog.dataset.graph
        return self._once(
            name, lambda: StaticFile(Encoding.of(dump_bytes(graph, chosen)), DUMP_MEDIA_TYPE)
        )

    def _sitemap(self) -> Sitemap:
        dataset = self.catalog.dataset
        paths = sitemap_paths(self.catalog.documents)
        return Sitemap(dataset.base_uri, paths, dataset.modified, self.sitemap_limit)

    def _void(self) -> Resource:
        dataset = self.catalog.dataset
        base = dataset.base_uri
        facts = None if self.snapshot_files is None else self.snapshot_files.facts()
        void = void_graph(
            dataset,
            license=self.license,
            sparql_endpoint=self.catalog.sparql_endpoint,
            facts=facts,
        )
        return Resource(
            path=VOID_PATH,
            canonical=base + VOID_PATH,
            variant_urls={f.key: f"{base}{VOID_PATH}.{f.suffix}" for f in RDF_FORMATS},
            render=lambda fmt: serialize(void, fmt, self.catalog.serializers),
            formats=RDF_FORMATS,
        )

    def _once(self, key: str, make: Callable[[], Made]) -> Made:
        """What ``make()`` returns, made by one thread once; others wait for it, not for all."""
        if key in self._made:
            return self._made[key]
        with self._locks_lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._made:
                self._made[key] = make()
        return self._made[key]


_FILES = "ldcv.crawler_files"  # where an app keeps the crawler files of its catalog
_FILES_LOCK = threading.Lock()  # one app at a time makes them
_SNAPSHOT = "ldcv.snapshot"
_SWAP_WAIT = 1.0  # seconds: install_snapshot sets the snapshot, then at once the catalog


def current_files() -> CrawlerFiles:
    """The crawler files of the catalog the app answers from now (nothing is made yet)."""
    extensions = current_app.extensions
    catalog: Catalog = extensions["ldcv.catalog"]
    files: CrawlerFiles | None = extensions.get(_FILES)
    if files is not None and files.catalog is catalog:
        return files
    with _FILES_LOCK:
        catalog, snapshot = _catalog_and_snapshot()
        files = extensions.get(_FILES)
        if files is None or files.catalog is not catalog:  # none yet, or the data was reloaded
            license = current_app.config.get("LDCV_LICENSE") or configured_license()
            snapshot_files = None
            if snapshot is not None:
                snapshot_files = SnapshotCrawlerFiles(
                    snapshot.store,
                    snapshot.records,
                    snapshot.generation,
                    extensions["ldcv.store"].path,
                    catalog.dataset.base_uri,
                    # A snapshot on disk (not a remote store's): a child may walk it.
                    snapshot_path=getattr(snapshot, "path", None)
                    if isinstance(snapshot.store, ox.Store | ReopeningStore)
                    else None,
                )
            files = CrawlerFiles(
                catalog,
                license,
                snapshot_files=snapshot_files,
                sitemap_limit=current_app.config.get(SITEMAP_LIMIT_KEY, SITEMAP_LIMIT),
            )
            extensions[_FILES] = files  # replaces the old catalog's: this app's only
    return files


def _catalog_and_snapshot() -> tuple[Catalog, Any]:
    """The current catalog and, if it reads a store, the snapshot it reads."""
    extensions = current_app.extensions
    deadline = time.monotonic() + _SWAP_WAIT
    while True:
        snapshot = extensions.get(_SNAPSHOT)
        catalog: Catalog = extensions["ldcv.catalog"]
        # A store's catalog reads through an rdflib store over the pyoxigraph store.
        read = getattr(catalog.dataset.graph.store, "store", None)
        if snapshot is not None and read is snapshot.store:
            return catalog, snapshot
        if not isinstance(read, ox.Store | ReopeningStore | RemoteQuads):
            return catalog, None
        if time.monotonic() > deadline:  # a catalog of a store that is no snapshot of ours
            raise RuntimeError("the catalog reads a store snapshot the app does not hold")
        time.sleep(0.001)  # caught between the snapshot and its catalog being installed


@crawlers.get(ROBOTS_PATH)
def robots() -> Response:
    """Allow crawling, and name the sitemap by absolute URL."""
    return _served(current_files().robots)


@crawlers.get(SITEMAP_PATH)
@crawlers.get("/sitemap-<int:number>.xml")
def sitemap(number: int | None = None) -> Response:
    """Every HTML page with its last modification; past the limit, an index of sitemap files."""
    path = SITEMAP_PATH if number is None else sitemap_part_path(number)
    found = current_files().sitemap(path)
    if found is None:
        abort(404, f"no sitemap at {request.path}")
    return _served(found)


@crawlers.get(VOID_PATH)
@crawlers.get(VOID_PATH + ".<suffix>")
def void(suffix: str | None = None) -> Response:
    """The VoID description, negotiated among the RDF formats (Turtle by default)."""
    files = current_files()
    resource = files.void
    negotiated = suffix is None
    if suffix is not None:
        fmt = BY_SUFFIX.get(suffix)
        if fmt is None or fmt not in RDF_FORMATS:
            abort(404, f"no document at {request.path}")
    else:
        fmt = negotiate_format(request.headers.get("Accept"), RDF_FORMATS)
        if fmt is None:
            body = (
                "406 Not Acceptable: the VoID description is available as:\n"
                f"{resource.alternatives()}\n"
            )
            response = Response(body, status=406, content_type="text/plain; charset=utf-8")
            response.headers["Vary"] = "Accept"
            return response
    return representation_response(
        request,
        resource.representation(fmt),
        links=resource.links[fmt.key],
        last_modified=files.catalog.modified,
        max_age=current_app.config.get("LDCV_MAX_AGE", 300),
        negotiated=negotiated,
    )


@crawlers.get("/dumps/<name>")
def dump(name: str) -> Response:
    """A whole-dataset dump: a gzip file served as application/gzip, never Content-Encoding."""
    found = current_files().dump(name)
    if found is None:
        abort(404, f"no dump named {name}")
    response = _served(found)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _served(file: StaticFile | StoredFile) -> Response:
    modified: datetime = current_files().catalog.modified
    max_age = current_app.config.get("LDCV_MAX_AGE", 300)
    if isinstance(file, StoredFile):
        # Streamed from disk; ETag and 304 (and ranges, for a resumed download) by werkzeug.
        response = send_file(
            file.path,
            mimetype=file.media_type,
            conditional=True,
            etag=True,
            last_modified=modified,
            max_age=max_age,
        )
        response.cache_control.public = True
        return response
    headers = {
        "ETag": file.body.etag,
        "Last-Modified": http_date(modified),
        "Cache-Control": f"public, max-age={max_age}",
    }
    if is_not_modified(request, file.body.etag, modified):
        return Response(status=304, headers=headers)
    return Response(file.body.body, status=200, headers=headers, content_type=file.media_type)
