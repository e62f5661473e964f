"""The ways a SPARQL request can fail, each carrying the HTTP status that says why."""

from __future__ import annotations

from typing import Any

from ldcv.errors import LdcvError


class SparqlError(LdcvError):
    """A query that cannot be answered; ``status`` is the HTTP status that says why."""

    status = 500

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message,))


class QuerySyntaxError(SparqlError):
    """The text is not a SPARQL 1.1 query (updates included); carries the parser's message."""

    status = 400


class QueryRefused(SparqlError):
    """The query asks for something this endpoint never does (SERVICE, updates)."""

    status = 403


class NotAcceptable(SparqlError):
    """No format the client accepts fits the query form."""

    status = 406


class QueryTimeout(SparqlError):
    """The query ran past the time limit and its worker was replaced."""

    status = 503


class EngineBusy(SparqlError):
    """Every worker stayed busy for the whole wait."""

    status = 503


class ProtocolError(SparqlError):
    """A request the SPARQL Protocol does not allow; carries its own status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.status, self.message))
