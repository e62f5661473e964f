"""Replay the linked-data responses Flask already made, byte for byte, without running Flask again.

The blueprint in ``linked_data`` is the one implementation of negotiation and
headers. Its answers depend only on the method, the path, the query, the Accept,
Accept-Encoding, If-None-Match and If-Modified-Since headers, and on the catalog;
so the first answer to each such request is kept (status, headers and a reference
to the prepared body) and replayed to the next identical request: a cache
revalidating with the same ETag gets the same 304 as the first time. Requests with
the rarer preconditions (If-Match, If-Unmodified-Since, Range) always go through
Flask. The memo is emptied when the catalog changes (a reload) and bounded in size.

On a store, the memo keeps its answers in the catalog's cache of rendered documents
(``shared``): one bound in bytes for both, and a body the memo replays weighs once while
the catalog's document holds the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ldcv.documents.bounded import BoundedCache

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

# The environ key the blueprint sets on a response that may be replayed.
REPLAYABLE = "ldcv.replayable"
_UNKEYED = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_IF_RANGE", "HTTP_RANGE")
Key = tuple[str, str, str, str | None, str | None, str | None, str | None]
Kept = tuple[str, list[tuple[str, str]], list[bytes]]
# What a kept answer costs besides its body: the key, the status, the headers' objects.
ANSWER_OVERHEAD = 1024


class ResponseMemo:
    """WSGI middleware replaying the replayable responses of ``app`` for identical requests."""

    def __init__(
        self,
        app: WSGIApp,
        generation: Callable[[], object],
        limit: int = 4096,
        max_bytes: int | None = None,
        shared: Callable[[Any], BoundedCache[Any, Any] | None] | None = None,
    ) -> None:
        self.app = app
        self.generation = generation  # the current catalog: a new one empties the memo
        self.limit = limit
        # The bodies it keeps may be ones the catalog's bounded cache has let go of since.
        self.max_bytes = max_bytes
        # The bounded cache of the generation's catalog, to keep the answers in, if it has one.
        self.shared = shared
        self._cache: BoundedCache[Any, Any] | None = None
        self._bytes = 0
        self._kept: dict[Key, Kept] = {}
        self._of: object = None

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD") or any(h in environ for h in _UNKEYED):
            return self.app(environ, start_response)
        key: Key = (
            method,
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT"),
            environ.get("HTTP_ACCEPT_ENCODING"),
            environ.get("HTTP_IF_NONE_MATCH"),
            environ.get("HTTP_IF_MODIFIED_SINCE"),
        )
        current = self.generation()
        if current is not self._of:
            self._kept, self._bytes = {}, 0
            self._cache = None if self.shared is None else self.shared(current)
            self._of = current
        cache = self._cache
        # The key is a tuple: none of the catalog's own keys (its paths) is equal to one.
        kept = self._kept.get(key) if cache is None else cache.get(key)
        if kept is not None:
            status, headers, body = kept
            start_response(status, headers)
            return body
        return self._make(environ, start_response, key, current, cache)

    def _make(
        self,
        environ: Environ,
        start_response: StartResponse,
        key: Key,
        current: object,
        cache: BoundedCache[Any, Any] | None,
    ) -> Iterable[bytes]:
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured[:] = [status, list(headers)]  # passed on once the body is complete

        chunks = self.app(environ, capture)
        if captured and not environ.get(REPLAYABLE):
            # Nothing to keep: the body goes on as it comes, a dump streamed from disk too.
            start_response(*captured)
            return chunks
        try:
            body = [b"".join(chunks)]
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        status, headers = captured
        if environ.get(REPLAYABLE) and current is self.generation() and cache is not None:
            weight = ANSWER_OVERHEAD + sum(len(n) + len(v) for n, v in headers)
            # The body is often the very bytes the catalog's document holds (a join of one
            # chunk is that chunk): weighed once however many hold it.
            cache.put(key, (status, headers, body), weight, holds=body)
        elif environ.get(REPLAYABLE) and current is self.generation():
            size = len(body[0])
            full = self.max_bytes is not None and self._bytes + size > self.max_bytes
            if len(self._kept) >= self.limit or full:
                # Unusual Accept headers by the thousand, or more bytes than the bound: afresh.
                self._kept, self._bytes = {}, 0
            self._kept[key] = (status, headers, body)
            self._bytes += size
        start_response(status, headers)
        return body
