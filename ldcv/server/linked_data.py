"""The linked-data routes: `/`, `/id/…` (303), `/doc/…` and `/people/…` (negotiated), `/vocab`.

Every answer is a lookup into the prepared catalog; negotiation and the
conditional-request checks are the only work a request does.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request
from flask.blueprints import BlueprintSetupState

from ldcv.bibliography.styles import DEFAULT_LOCALE, DEFAULT_STYLE, UnknownStyle
from ldcv.documents.bounded import BoundedCache
from ldcv.documents.catalog import Catalog, Representation, Resource
from ldcv.documents.people_index import PEOPLE_PATH
from ldcv.rdf.formats import FORMATS, Format, format_named, split_suffix
from ldcv.rdf.iris import document_path
from ldcv.rdf.negotiation import media_type_parameters, negotiate_format
from ldcv.rdf.vocabulary import VOCABULARY_PATH
from ldcv.server.http import representation_response
from ldcv.server.memo import REPLAYABLE

linked_data = Blueprint("linked_data", __name__)
_UNSEEN = object()


def current_catalog() -> Catalog:
    """The catalog the running app answers from (replaced whole when the data is reloaded)."""
    return current_app.extensions["ldcv.catalog"]


NEGOTIATED = "ldcv.negotiated"
# Clients send a handful of distinct Accept headers; a crawler's odd ones stay bounded.
NEGOTIATED_LIMIT = 1024


@linked_data.record_once
def _remember_negotiation(state: BlueprintSetupState) -> None:
    """Give the app its memo of negotiated formats: each Accept header parsed once."""
    # Formats and the parser are the package's, not the data's: a new catalog keeps it.
    state.app.extensions[NEGOTIATED] = BoundedCache(NEGOTIATED_LIMIT)


def _negotiate(accept: str | None, formats: tuple[Format, ...]) -> Format | None:
    memo: BoundedCache = current_app.extensions[NEGOTIATED]
    key = (accept, formats)
    found = memo.get(key, _UNSEEN)
    if found is _UNSEEN:
        found = memo.put(key, negotiate_format(accept, formats))
    return found


@linked_data.get("/")
def home() -> Response:
    """The owner's profile (or, with several CVs, an index), negotiated."""
    # The home page is no thing's document: the RDF formats and HTML only.
    return _serve(current_catalog().resources["/"], fixed=None, offered=FORMATS)


@linked_data.get("/id/<kind>/<slug>")
def thing(kind: str, slug: str) -> Response:
    """A thing is not a document: 303 to the document that describes it."""
    catalog = current_catalog()
    path = document_path(kind, slug)
    if path not in catalog.documents:
        abort(404, f"nothing is known as {catalog.dataset.base_uri}/id/{kind}/{slug}")
    location = catalog.dataset.base_uri + path
    if request.query_string:
        location += "?" + request.query_string.decode("latin-1")
    response = Response(f"See {location}\n", status=303, content_type="text/plain; charset=utf-8")
    response.headers["Location"] = location
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['LDCV_MAX_AGE']}"
    request.environ[REPLAYABLE] = True
    return response


@linked_data.get("/doc/<kind>/<name>")
def document(kind: str, name: str) -> Response:
    """A document, negotiated, or a fixed-format variant such as ``.ttl``."""
    slug, fixed = _split_suffix(name)
    resource = current_catalog().resources.get(document_path(kind, slug))
    if resource is None:
        abort(404, f"no document at {request.path}")
    return _serve(resource, fixed)


@linked_data.get("/doc/<kind>/<slug>/page/<name>")
def document_page(kind: str, slug: str, name: str) -> Response:
    """A further page of a long document (``/doc/KIND/SLUG/page/N``), negotiated or fixed."""
    number, fixed = _split_suffix(name)
    resource = current_catalog().resources.get(f"{document_path(kind, slug)}/page/{number}")
    if resource is None:
        abort(404, f"no document at {request.path}")
    return _serve(resource, fixed)


@linked_data.get(PEOPLE_PATH + "/<name>")
@linked_data.get(PEOPLE_PATH + "/<order>/<name>")
def people(name: str, order: str | None = None) -> Response:
    """A page of the index of the people (several CVs), negotiated or in a fixed format."""
    stem, fixed = _split_suffix(name)
    path = f"{PEOPLE_PATH}/{stem}" if order is None else f"{PEOPLE_PATH}/{order}/{stem}"
    resource = current_catalog().resources.get(path)
    if resource is None:
        abort(404, f"no page at {request.path}")
    return _serve(resource, fixed)


@linked_data.get(VOCABULARY_PATH)
@linked_data.get(VOCABULARY_PATH + ".<suffix>")
def vocabulary(suffix: str | None = None) -> Response:
    """ldcv's own vocabulary, so that our terms dereference on every deployment."""
    fixed = None
    if suffix is not None:
        _, fixed = _split_suffix(f"vocab.{suffix}")
    return _serve(current_catalog().resources[VOCABULARY_PATH], fixed)


def _split_suffix(name: str) -> tuple[str, Format | None]:
    """Split ``slug.ttl`` into the slug and its format; an unknown suffix is a 404."""
    split = split_suffix(name)
    if split is None:
        abort(404, f"no document at {request.path}")
    return split


def _serve(
    resource: Resource, fixed: Format | None, offered: tuple[Format, ...] | None = None
) -> Response:
    """Answer with ``resource`` in the fixed, the requested (?format=) or the negotiated format.

    ``offered``: the formats to choose from (default: every format of the resource).
    """
    offered = resource.formats if offered is None else offered
    negotiated = False
    fmt = fixed
    if fmt is not None and fmt not in offered:
        abort(404, f"no document at {request.path}")  # /doc/organization/x.bib
    if fmt is None and "format" in request.args:
        fmt = format_named(request.args["format"])
        if fmt is None or fmt not in offered:
            names = ", ".join(f.key for f in offered)
            abort(400, f"unknown format {request.args['format']!r}; use one of {names}")
    if fmt is None:
        negotiated = True
        fmt = _negotiate(request.headers.get("Accept"), offered)
        if fmt is None:
            return _not_acceptable(resource, offered)
    catalog = current_catalog()
    if resource.render_styled is not None and fmt.key == "citation":
        representation = _styled(resource, fmt, negotiated)
        if isinstance(representation, Response):
            return representation
    else:
        representation = resource.representation(fmt)
    response = representation_response(
        request,
        representation,
        links=(
            resource.links[fmt.key]
            if offered is resource.formats
            else resource.link_header(fmt, offered)
        ),
        last_modified=catalog.modified,
        max_age=current_app.config["LDCV_MAX_AGE"],
        negotiated=negotiated,
    )
    # The same request gets the same answer (a 200, or a 304 for the same validators) until
    # the data changes: let the memo replay it.
    request.environ[REPLAYABLE] = True
    return response


def _styled(resource: Resource, fmt: Format, negotiated: bool) -> Representation | Response:
    """The formatted citation in the style and locale asked for (Accept parameters or query)."""
    accept = request.headers.get("Accept") if negotiated else None
    asked = media_type_parameters(accept, fmt.media_type)
    style = request.args.get("style") or asked.get("style") or DEFAULT_STYLE
    locale = request.args.get("locale") or asked.get("locale") or DEFAULT_LOCALE
    try:
        return resource.styled(fmt, style, locale)
    except UnknownStyle as error:
        if not negotiated:
            abort(400, f"{error}; e.g. style=apa, ieee, chicago-author-date, harvard, vancouver")
        response = _not_acceptable(resource, resource.formats, reason=str(error))
        return response


def _not_acceptable(
    resource: Resource, offered: tuple[Format, ...], reason: str | None = None
) -> Response:
    why = reason or "none of the types in your Accept header is available"
    body = (
        f"406 Not Acceptable: {why}.\n"
        f"{resource.canonical} is available as:\n{resource.alternatives(offered)}\n"
    )
    response = Response(body, status=406, content_type="text/plain; charset=utf-8")
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f'<{resource.variant_urls[f.key]}>; rel="alternate"; type="{f.media_type}"' for f in offered
    )
    return response
