"""Read a SPARQL Protocol query operation from a WSGI request, checking every rule.

Works on the WSGI environ, so the Flask view and the bare WSGI fast path read requests the
same way. Statuses: 400 malformed (repeated ``query``, bad UTF-8), 403 an update,
413 a body over the limit, 414 a query string over it, 415 a POST without a supported
Content-Type or in a charset other than UTF-8. Unknown parameters (SPARQLWrapper's
``format=``, ``output=``, ``results=``) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.http import parse_options_header
from werkzeug.wsgi import get_input_stream

from ldcv.sparql.errors import ProtocolError

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


@dataclass(frozen=True)
class Operation:
    """What a request asks: the query (None when there is none) and the protocol dataset."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


def read_operation(environ: dict[str, Any], max_body: int) -> Operation:
    """Read the query and the protocol dataset from the URL and the body of a GET or POST."""
    raw = environ.get("QUERY_STRING", "")
    if len(raw) > max_body:
        raise ProtocolError(414, f"the query string is over {max_body} bytes; POST the query")
    fields: dict[str, list[str]] = {
        "query": [], "update": [], "default-graph-uri": [], "named-graph-uri": [],
    }  # fmt: skip
    # WSGI hands the query string over as latin-1; the percent-escapes inside are UTF-8.
    _collect(raw.encode("latin-1").decode("utf-8", "replace"), fields, strict=False)
    if environ.get("REQUEST_METHOD") == "POST":
        media_type, params = parse_options_header(environ.get("CONTENT_TYPE", ""))
        media_type = media_type.lower()
        if not media_type:
            raise ProtocolError(415, f"a POST needs a Content-Type: {FORM} or {DIRECT}")
        charset = params.get("charset")
        if charset and charset.strip().lower() not in ("utf-8", "utf8"):
            raise ProtocolError(415, f"the charset must be UTF-8, not {charset}")
        if media_type == UPDATE:
            raise ProtocolError(403, READ_ONLY)
        if media_type not in (FORM, DIRECT):
            raise ProtocolError(
                415, f"unsupported Content-Type {media_type}; use {FORM} or {DIRECT}"
            )
        text = _read_body(environ, max_body)
        if media_type == DIRECT:
            fields["query"].append(text)
        else:
            _collect(text, fields, strict=True)
    if fields["update"]:
        raise ProtocolError(403, READ_ONLY)
    queries = fields["query"]
    if len(queries) > 1:
        raise ProtocolError(400, f"exactly one query per request, got {len(queries)}")
    return Operation(
        queries[0] if queries else None,
        tuple(fields["default-graph-uri"]),
        tuple(fields["named-graph-uri"]),
    )


def _collect(text: str, fields: dict[str, list[str]], *, strict: bool) -> None:
    """Add the known form fields of ``text`` to ``fields``; anything else is ignored."""
    try:
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict" if strict else "replace")
    except (UnicodeDecodeError, ValueError) as error:
        raise ProtocolError(400, f"the form body is not UTF-8 form data: {error}") from None
    for key, value in pairs:
        if key in fields:
            fields[key].append(value)


def _read_body(environ: dict[str, Any], max_body: int) -> str:
    length = environ.get("CONTENT_LENGTH")
    if length and length.isdigit() and int(length) > max_body:
        raise ProtocolError(413, f"the request body is over {max_body} bytes")
    data = get_input_stream(environ).read(max_body + 1)
    if len(data) > max_body:
        raise ProtocolError(413, f"the request body is over {max_body} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the body is not valid UTF-8: {error}") from None
