"""The values passed between the protocol, the engines and the result writers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class QueryRequest:
    """One query operation: the text, its base IRI, the protocol dataset and the Accept header."""

    query: str
    base_iri: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str | None = None
    table: bool = False  # answer with display rows for the HTML page instead of a format

    @property
    def has_protocol_dataset(self) -> bool:
        """Tell whether the protocol named graphs (then FROM/FROM NAMED are ignored)."""
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class Reply:
    """A finished answer: the media type to send and the bytes."""

    media_type: str
    body: bytes
    truncated: bool = False
    status: int = 200


class Term(NamedTuple):
    """An RDF term in engine-neutral form; ``datatype`` is None for plain and language strings."""

    kind: str  # "uri" | "bnode" | "literal"
    value: str
    datatype: str | None = None
    lang: str | None = None


@dataclass
class Solutions:
    """The answer to a SELECT query."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    truncated: bool = False


@dataclass
class Boolean:
    """The answer to an ASK query."""

    value: bool


@dataclass
class Triples:
    """The answer to a CONSTRUCT or DESCRIBE query."""

    triples: list[tuple[Term, Term, Term]]
    truncated: bool = False


@dataclass
class EncodedSolutions:
    """SELECT results still in oxigraph's TSV, for the Rust writers (no Python per row)."""

    tsv: bytes
    truncated: bool = False


@dataclass
class EncodedTriples:
    """CONSTRUCT/DESCRIBE results still in oxigraph's N-Triples."""

    ntriples: bytes
    truncated: bool = False


Encoded = EncodedSolutions | EncodedTriples
# Answers as Python terms (every engine can give these) and as engine bytes (oxigraph only).
Decoded = Solutions | Boolean | Triples
Outcome = Decoded | Encoded
