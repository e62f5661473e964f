"""The crawler files: ``/robots.txt``, ``/sitemap.xml``, ``/.well-known/void``, ``/dumps/…``.

Made once per prepared catalog (and again after a reload), from the same functions
the static build uses (``ldcv.documents.crawler_files``); a request only looks the bytes up.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, request

from ldcv.documents.catalog import Catalog, Encoding, Resource
from ldcv.documents.crawler_files import (
    DUMP_MEDIA_TYPE,
    DUMPS_BY_NAME,
    ROBOTS_PATH,
    SITEMAP_PATH,
    VOID_PATH,
    configured_license,
    dump_bytes,
    robots_txt,
    sitemap_paths,
    sitemap_xml,
    void_graph,
)
from ldcv.rdf.formats import BY_SUFFIX, RDF_FORMATS, serialize, with_charset
from ldcv.rdf.negotiation import negotiate_format
from ldcv.server.http import http_date, is_not_modified, representation_response

crawlers = Blueprint("crawlers", __name__)


@dataclass(frozen=True)
class StaticFile:
    """Bytes served as they are, with their media type and strong ETag."""

    body: Encoding
    media_type: str


class CrawlerFiles:
    """Everything this blueprint serves for one catalog, made on first use."""

    def __init__(self, catalog: Catalog, license: str) -> None:
        dataset = catalog.dataset
        base = dataset.base_uri
        self.catalog = catalog
        self.robots = StaticFile(Encoding.of(robots_txt(base)), with_charset("text/plain"))
        sitemap = sitemap_xml(base, sitemap_paths(catalog.documents), dataset.modified)
        self.sitemap = StaticFile(Encoding.of(sitemap), with_charset("application/xml"))
        void = void_graph(dataset, license=license, sparql_endpoint=catalog.sparql_endpoint)
        self.void = Resource(
            path=VOID_PATH,
            canonical=base + VOID_PATH,
            variant_urls={f.key: f"{base}{VOID_PATH}.{f.suffix}" for f in RDF_FORMATS},
            render=lambda fmt: serialize(void, fmt),
            formats=RDF_FORMATS,
        )
        self._dumps: dict[str, StaticFile] = {}
        self._lock = threading.Lock()

    def dump(self, name: str) -> StaticFile | None:
        """The named dump, compressed on first request (the graph is only read)."""
        found = self._dumps.get(name)
        if found is not None:
            return found
        chosen = DUMPS_BY_NAME.get(name)
        if chosen is None:
            return None
        with self._lock:
            if name not in self._dumps:
                body = dump_bytes(self.catalog.dataset.graph, chosen)
                self._dumps[name] = StaticFile(Encoding.of(body), DUMP_MEDIA_TYPE)
        return self._dumps[name]


_FILES = "ldcv.crawler_files"  # where an app keeps the crawler files of its catalog
_FILES_LOCK = threading.Lock()  # one app at a time makes them


def current_files() -> CrawlerFiles:
    """The crawler files of the catalog the app answers from now, made on first use."""
    extensions = current_app.extensions
    catalog: Catalog = extensions["ldcv.catalog"]
    files: CrawlerFiles | None = extensions.get(_FILES)
    if files is not None and files.catalog is catalog:
        return files
    with _FILES_LOCK:
        files = extensions.get(_FILES)
        if files is None or files.catalog is not catalog:  # none yet, or the data was reloaded
            license = current_app.config.get("LDCV_LICENSE") or configured_license()
            files = CrawlerFiles(catalog, license)
            extensions[_FILES] = files  # replaces the old catalog's: this app's only
    return files


@crawlers.get(ROBOTS_PATH)
def robots() -> Response:
    """Allow crawling, and name the sitemap by absolute URL."""
    return _static(current_files().robots)


@crawlers.get(SITEMAP_PATH)
def sitemap() -> Response:
    """Every HTML page with its last modification."""
    return _static(current_files().sitemap)


@crawlers.get(VOID_PATH)
@crawlers.get(VOID_PATH + ".<suffix>")
def void(suffix: str | None = None) -> Response:
    """The VoID description, negotiated among the RDF formats (Turtle by default)."""
    resource = current_files().void
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
        last_modified=current_files().catalog.modified,
        max_age=current_app.config.get("LDCV_MAX_AGE", 300),
        negotiated=negotiated,
    )


@crawlers.get("/dumps/<name>")
def dump(name: str) -> Response:
    """A whole-dataset dump: a gzip file served as application/gzip, never Content-Encoding."""
    found = current_files().dump(name)
    if found is None:
        abort(404, f"no dump named {name}")
    response = _static(found)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _static(file: StaticFile) -> Response:
    modified: datetime = current_files().catalog.modified
    headers = {
        "ETag": file.body.etag,
        "Last-Modified": http_date(modified),
        "Cache-Control": f"public, max-age={current_app.config.get('LDCV_MAX_AGE', 300)}",
    }
    if is_not_modified(request, file.body.etag, modified):
        return Response(status=304, headers=headers)
    return Response(file.body.body, status=200, headers=headers, content_type=file.media_type)
