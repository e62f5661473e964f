"""Answer a request with a prepared representation: gzip, ETag, Last-Modified, 304, caching."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from flask import Request, Response

from ldcv.documents.catalog import Encoding, Representation


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (``gzip``, ``x-gzip`` or ``*``, q > 0)."""
    if not header:
        return False
    verdicts: dict[str, bool] = {}
    for item in header.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 1.0
        verdicts[coding.lower()] = q > 0
    for coding in ("gzip", "x-gzip"):
        if coding in verdicts:
            return verdicts[coding]
    return verdicts.get("*", False)


def _opaque(tag: str) -> str:
    """An entity tag without its weakness marker, for the weak comparison of RFC 9110 §8.8.3.2."""
    tag = tag.strip()
    return tag[2:] if tag[:2] in ("W/", "w/") else tag


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match list (or ``*``) matches ``etag`` by weak comparison."""
    if if_none_match.strip() == "*":
        return True
    wanted = _opaque(etag)
    return any(_opaque(tag) == wanted for tag in if_none_match.split(",") if tag.strip())


def http_date(moment: datetime) -> str:
    """Format a moment as an HTTP date (IMF-fixdate)."""
    return format_datetime(moment, usegmt=True)


def is_not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """Whether a GET or HEAD can be answered 304 (RFC 9110 §13.2.2: If-None-Match first)."""
    if request.method not in ("GET", "HEAD"):
        return False
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
    since = request.headers.get("If-Modified-Since")
    if since:
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False  # an unreadable date is ignored, as the RFC says
        if moment.tzinfo is None:
            return False
        return int(last_modified.timestamp()) <= int(moment.timestamp())
    return False


def representation_response(
    request: Request,
    representation: Representation,
    *,
    links: str,
    last_modified: datetime,
    max_age: int,
    negotiated: bool,
) -> Response:
    """The 200 (or 304) answering ``request`` with ``representation``."""
    encoding: Encoding = representation.identity
    headers: list[tuple[str, str]] = []
    vary = ["Accept"] if negotiated else []
    if representation.gzip is not None:
        vary.append("Accept-Encoding")
        if accepts_gzip(request.headers.get("Accept-Encoding")):
            encoding = representation.gzip
            headers.append(("Content-Encoding", "gzip"))
    if vary:
        headers.append(("Vary", ", ".join(vary)))
    headers += [
        ("ETag", encoding.etag),
        ("Last-Modified", http_date(last_modified)),
        ("Cache-Control", f"public, max-age={max_age}"),
        ("Content-Location", representation.location),
        ("Link", links),
    ]
    if is_not_modified(request, encoding.etag, last_modified):
        # A 304 carries what a 200 would say about caching, but no body or Content-Type.
        headers = [(k, v) for k, v in headers if k != "Content-Encoding"]
        return Response(status=304, headers=headers)
    headers.append(("Content-Type", representation.content_type))
    return Response(encoding.body, status=200, headers=headers)
