"""Errors in the negotiated style: an HTML page for browsers, plain text for scripts.

Never a stack trace: an unexpected exception is logged and answered with a short 500.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, InternalServerError

from ldcv.rdf.negotiation import negotiate

# Plain text first: curl's "*/*" and clients with no Accept get text; browsers name text/html.
ERROR_MEDIA_TYPES = ("text/plain", "text/html")
SPARQL_PATH = "/sparql"  # the server always has its endpoint


def error_response(status: int, message: str, accept: str | None = None) -> Response:
    """An error response whose format suits the client's Accept header."""
    from ldcv.pages.render import render_error

    chosen = negotiate(accept, ERROR_MEDIA_TYPES)
    if chosen == "text/html":
        page = render_error(status, message, sparql_href=SPARQL_PATH)
        body, media = page, "text/html; charset=utf-8"
    else:
        body, media = f"{status} {_phrase(status)}: {message}\n", "text/plain; charset=utf-8"
    response = Response(body, status=status, content_type=media)
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _handle_http_exception(error: HTTPException) -> Response:
    if error.response is not None:
        return error.response  # a blueprint aborted with a response of its own
    if error.code is None or error.code < 400:
        return error  # type: ignore[return-value]  # redirects raised as exceptions pass through
    message = error.description or _phrase(error.code)
    response = error_response(error.code, _plain(message), request.headers.get("Accept"))
    for name, value in error.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value  # Allow on a 405, Retry-After …
    return response


def _handle_unexpected(error: InternalServerError) -> Response:
    # Flask has logged the original exception; the client learns nothing of it.
    message = "the server failed to answer; the error has been logged"
    return error_response(500, message, request.headers.get("Accept"))


def _plain(message: str) -> str:
    """Werkzeug's descriptions may carry markup; keep their text only."""
    return " ".join(re.sub(r"<[^>]+>", "", message).split())


def install(app: Flask) -> None:
    """Register the negotiated error handlers on ``app``."""
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(InternalServerError, _handle_unexpected)
