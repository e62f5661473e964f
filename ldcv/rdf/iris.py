"""Mint IRIs: flat (only the last segment varies), from the slugs the loader made."""

from __future__ import annotations

from rdflib import URIRef

from ldcv.load.slugs import SLUG


def thing_iri(base: str, kind: str, slug: str) -> URIRef:
    """The IRI of a thing: ``{base}/id/{kind}/{slug}``."""
    return URIRef(f"{base.rstrip('/')}/id/{kind}/{slug}")


def document_path(kind: str, slug: str) -> str:
    """The path of the document describing a thing: ``/doc/{kind}/{slug}``."""
    return f"/doc/{kind}/{slug}"


def document_iri(base: str, kind: str, slug: str) -> URIRef:
    """The IRI of the document describing a thing."""
    return URIRef(base.rstrip("/") + document_path(kind, slug))


def parse_thing_iri(base: str, iri: str) -> tuple[str, str] | None:
    """Return ``(kind, slug)`` if ``iri`` is a thing IRI minted under ``base``."""
    prefix = base.rstrip("/") + "/id/"
    if not iri.startswith(prefix):
        return None
    kind, _, slug = iri[len(prefix) :].partition("/")
    if not kind or not SLUG.match(slug):
        return None
    return kind, slug
