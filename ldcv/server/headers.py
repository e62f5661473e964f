"""Headers every response carries: CORS for scripts on other sites, and security headers."""

from __future__ import annotations

from flask import Flask, Response, request

# Pages load one same-origin stylesheet and images and run no script. The JSON-LD data
# block is never executed, so script-src 'none' does not hide it from harvesters.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Link, ETag, Content-Location, Last-Modified, Vary",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type, "
    "If-None-Match, If-Modified-Since",
    "Access-Control-Max-Age": "86400",
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
HTML_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
}


def add_common_headers(response: Response) -> Response:
    """Add CORS and security headers a blueprint has not set itself."""
    headers = response.headers
    for name, value in CORS_HEADERS.items():
        headers.setdefault(name, value)
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        for name, value in PREFLIGHT_HEADERS.items():
            headers.setdefault(name, value)
    if (response.mimetype or "").startswith(("text/html", "application/xhtml+xml")):
        for name, value in HTML_HEADERS.items():
            headers.setdefault(name, value)
    return response


def install(app: Flask) -> None:
    """Add the common headers to every response of ``app``."""
    app.after_request(add_common_headers)
