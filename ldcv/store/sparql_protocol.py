"""Talk to a SPARQL 1.1 store over HTTP: the query and update operations of the protocol.

One persistent connection per thread and endpoint (a document costs many small queries,
and a new TCP connection each would double their time). Every failure to get an answer
(refused, reset, timed out, a 5xx) is :class:`StoreUnavailable`, which a server answers
with 503 and ``Retry-After``; a 4xx is :class:`StoreRefused`: the request itself was wrong.
Nothing here follows redirects or talks to any host but the two configured.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from ldcv.errors import EXIT_BUSY, LdcvError

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
# Results as JSON, graphs as N-Triples (text/plain: the name engines older than RDF 1.1 use).
ANSWER_TYPES = f"{SPARQL_JSON}, {N_TRIPLES};q=0.9, text/plain;q=0.5"
DEFAULT_TIMEOUT = 10.0  # seconds: the longest one request to the store may take
# What a form's value keeps as it is (``urllib.parse.quote_plus``'s safe characters).
_FORM_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")


class StoreUnavailable(LdcvError):
    """The SPARQL store did not answer (unreachable, too slow, or failing): try again later."""

    exit_code = EXIT_BUSY


class StoreRefused(LdcvError):
    """The SPARQL store refused a request (a 4xx): the request, not the store, is at fault."""


@dataclass(frozen=True)
class Answer:
    """A store's answer: its media type (no parameters) and its body."""

    media_type: str
    body: bytes


class SparqlClient:
    """The query endpoint ``query_url`` and (optionally) the update endpoint ``update_url``."""

    def __init__(
        self, query_url: str, update_url: str | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        for url in (query_url, update_url):
            if url is not None and urlsplit(url).scheme not in ("http", "https"):
                raise LdcvError(f"{url}: a SPARQL endpoint is an http:// or https:// URL")
        self.query_url = query_url
        self.update_url = update_url
        self.timeout = timeout
        self._local = threading.local()

    def __getstate__(self) -> dict[str, object]:
        # Connections stay in the process that opened them (the indexer forks workers).
        return {"query_url": self.query_url, "update_url": self.update_url,
                "timeout": self.timeout}  # fmt: skip

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def query(
        self,
        text: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] = (),
        accept: str = ANSWER_TYPES,
        timeout: float | None = None,
    ) -> Answer:
        """Send a query (POST, form-encoded) with the protocol's dataset; return the answer."""
        fields = [("query", text)]
        fields += [("default-graph-uri", iri) for iri in default_graphs]
        fields += [("named-graph-uri", iri) for iri in named_graphs]
        body = form_body(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        return self._post(self.query_url, body, headers, timeout)

    def update(self, text: str, timeout: float | None = None) -> None:
        """Send an update request (all its operations: the store applies them as one)."""
        if self.update_url is None:
            raise LdcvError(f"{self.query_url}: no update endpoint given (--sparql-update)")
        headers = {"Content-Type": "application/sparql-update; charset=utf-8", "Accept": "*/*"}
        self._post(self.update_url, text.encode("utf-8"), headers, timeout)

    def close(self) -> None:
        """Close this thread's connections."""
        for connection in getattr(self._local, "connections", {}).values():
            connection.close()
        self._local.connections = {}

    def _post(
        self, url: str, body: bytes, headers: dict[str, str], timeout: float | None
    ) -> Answer:
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        wait = self.timeout if timeout is None else timeout
        # A kept connection the store closed meanwhile fails at once: one fresh attempt.
        for attempt in (1, 2):
            connection = self._connection(parts.scheme, parts.netloc, wait)
            try:
                connection.request("POST", target, body, headers)
                response = connection.getresponse()
                data = response.read()
            except TimeoutError as error:
                self._drop(parts.netloc)
                raise StoreUnavailable(f"{url}: no answer within {wait:g} s") from error
            except (http.client.HTTPException, OSError) as error:
                self._drop(parts.netloc)
                if attempt == 1 and _stale(error):
                    continue
                raise StoreUnavailable(f"{url}: {type(error).__name__}: {error}") from error
            if response.getheader("Connection", "").lower() == "close":
                self._drop(parts.netloc)
            return _answer(url, response.status, response.getheader("Content-Type", ""), data)
        raise AssertionError("unreachable")  # pragma: no cover

    def _connection(self, scheme: str, netloc: str, timeout: float) -> http.client.HTTPConnection:
        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = {}
        connection = connections.get(netloc)
        if connection is None:
            kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            connection = connections[netloc] = kind(netloc, timeout=timeout)
        connection.timeout = timeout
        if connection.sock is not None:
            connection.sock.settimeout(timeout)
        return connection

    def _drop(self, netloc: str) -> None:
        connection = getattr(self._local, "connections", {}).pop(netloc, None)
        if connection is not None:
            connection.close()


def _stale(error: BaseException) -> bool:
    """Whether ``error`` is what a kept connection the server had closed gives."""
    return isinstance(
        error,
        http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError
        | http.client.CannotSendRequest,
    )  # fmt: skip


def _answer(url: str, status: int, content_type: str, data: bytes) -> Answer:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if status >= 500:
        raise StoreUnavailable(f"{url}: the store answered {status}: {_excerpt(data)}")
    if status >= 400:
        raise StoreRefused(f"{url}: the store refused the request ({status}): {_excerpt(data)}")
    if status >= 300:
        raise StoreRefused(f"{url}: the store answered {status}; give the endpoint's own URL")
    return Answer(media_type, data)


def _excerpt(data: bytes, limit: int = 300) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text if len(text) <= limit else text[:limit] + "…"


def form_body(fields: Sequence[tuple[str, str]]) -> bytes:
    """``fields`` form-encoded as ``urlencode`` encodes them (UTF-8), in a few passes.

    ``urlencode`` quotes character by character in Python: 7–15 ms for the 116 kB query
    that reads the dates of a prolific author's works, twice a page of one of them. One
    ``str.replace`` for each character that needs quoting is a pass in C.
    """
    return "&".join(f"{_quoted(name)}={_quoted(value)}" for name, value in fields).encode("ascii")


def _quoted(text: str) -> str:
    octets = text.encode("utf-8").decode("latin-1")  # a character for each byte to quote
    unsafe = set(octets) - _FORM_SAFE
    if "%" in unsafe:  # first: the other replacements bring in '%'
        octets = octets.replace("%", "%25")
        unsafe.discard("%")
    spaced = " " in unsafe
    unsafe.discard(" ")
    for character in unsafe:
        octets = octets.replace(character, f"%{ord(character):02X}")
    return octets.replace(" ", "+") if spaced else octets  # last: '+' itself is quoted
