"""Answer SPARQL queries safely: engines, protocol dataset, limits, result formats, worker pool.

Two engines answer the same :class:`QueryRequest`: pyoxigraph (fast, the default when it is
installed) and rdflib. Both produce engine-neutral :class:`Term` rows, so every result format is
written by the serializers in this module and the answers are byte-for-byte comparable.

Safety decisions, in one place:

* Read-only: both engines parse the *query* grammar only, so ``INSERT``/``LOAD`` are syntax
  errors (400); the HTTP layer refuses the ``update`` operation itself with 403.
* No fetching: ``SERVICE`` is refused (403) before any engine sees the query (pyoxigraph would
  open a connection); ``FROM``/``FROM NAMED`` and the protocol's ``default-graph-uri`` /
  ``named-graph-uri`` only ever select graphs already in the store (an unknown name is an
  empty graph). Worker processes also carry an audit hook that refuses Python-level sockets.
* Time: queries run in a pool of worker processes (:class:`QueryPool`); a query that exceeds
  the timeout has its worker killed and replaced, and the client gets 503 without
  ``Retry-After`` (repeating a runaway query does not help). When every worker is busy the
  client gets 503 *with* ``Retry-After``.
* Size: results are truncated at ``max_rows`` rows (triples for CONSTRUCT/DESCRIBE), and the
  reply says so (:attr:`Reply.truncated`, sent as the ``LDCV-Results-Truncated`` header);
  truncation is kinder to explorers than an error and the cap is documented.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import queue
import re
import socket
import subprocess
import sys
import tempfile
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any, NamedTuple
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from ldcv.errors import LdcvError
from ldcv.formats import negotiate

if TYPE_CHECKING:
    from rdflib import Graph

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Media types. The first of each table is the canonical one we send.
SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
JSON_LD = "application/ld+json"
N_TRIPLES = "application/n-triples"
RDF_XML = "application/rdf+xml"
HTML = "text/html"
TABLE = "application/x-ldcv-table+json"  # internal: rows for the HTML query page

# Accepted media type -> the canonical type we answer with.
SOLUTION_TYPES = {
    SPARQL_JSON: SPARQL_JSON,
    SPARQL_XML: SPARQL_XML,
    CSV: CSV,
    TSV: TSV,
    "application/json": SPARQL_JSON,
    "application/xml": SPARQL_XML,
    "text/xml": SPARQL_XML,
}
BOOLEAN_TYPES = {
    SPARQL_JSON: SPARQL_JSON,
    SPARQL_XML: SPARQL_XML,
    "application/json": SPARQL_JSON,
    "application/xml": SPARQL_XML,
    "text/xml": SPARQL_XML,
}
GRAPH_TYPES = {
    TURTLE: TURTLE,
    "application/x-turtle": TURTLE,
    JSON_LD: JSON_LD,
    "application/json": JSON_LD,
    N_TRIPLES: N_TRIPLES,
    "text/plain": N_TRIPLES,
    RDF_XML: RDF_XML,
    "application/xml": RDF_XML,
}
# What the service description advertises (W3C formats registry IRIs).
RESULT_FORMAT_IRIS = {
    SPARQL_JSON: "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    SPARQL_XML: "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    CSV: "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    TSV: "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    TURTLE: "http://www.w3.org/ns/formats/Turtle",
    JSON_LD: "http://www.w3.org/ns/formats/JSON-LD",
    N_TRIPLES: "http://www.w3.org/ns/formats/N-Triples",
    RDF_XML: "http://www.w3.org/ns/formats/RDF_XML",
}
PREFIXES = {
    "schema": "http://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "bibo": "http://purl.org/ontology/bibo/",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": XSD,
}
ENGINES = ("oxigraph", "rdflib")


# --- errors ------------------------------------------------------------------------------------


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


# --- requests, terms, outcomes -----------------------------------------------------------------


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


Outcome = Solutions | Boolean | Triples


# --- refusing SERVICE --------------------------------------------------------------------------

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# The terminals that may contain arbitrary text, exactly as the SPARQL grammar defines them.
_OPAQUE = re.compile(
    r"""<[^<>"{}|^`\\\x00-\x20]*>
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '''(?:[^'\\]|\\.|'(?!''))*'''
      | "(?:[^"\\\n\r]|\\.)*"
      | '(?:[^'\\\n\r]|\\.)*'
      | \#[^\n\r]*""",
    re.VERBOSE | re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$.\-])SERVICE(?![\w:\-])", re.IGNORECASE)


def _unescape_codepoints(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _UNICODE_ESCAPE.sub(char, text)


def uses_service(query: str) -> bool:
    """Tell whether the query contains the SERVICE keyword outside IRIs, strings and comments."""
    # rdflib expands \\u escapes before parsing, oxigraph does not: check both readings.
    views = {query, _unescape_codepoints(query)}
    return any(_SERVICE.search(_OPAQUE.sub(" ", view)) for view in views)


def refuse_unsafe(query: str) -> None:
    """Raise :class:`QueryRefused` for a query that would make the server fetch something."""
    if uses_service(query):
        raise QueryRefused(
            "SERVICE is not allowed: this endpoint answers from its own data and never "
            "contacts another server"
        )


# --- engines -----------------------------------------------------------------------------------


def default_engine_name() -> str:
    """Return "oxigraph" when pyoxigraph is importable, else "rdflib"."""
    try:
        import pyoxigraph  # noqa: F401
    except ImportError:
        return "rdflib"
    return "oxigraph"


def graph_snapshot(graph: Graph) -> bytes:
    """Serialize a Graph or Dataset to N-Quads (default-graph triples without a graph name)."""
    fmt = "nquads" if getattr(graph, "context_aware", False) else "nt"
    return graph.serialize(format=fmt, encoding="utf-8")


class OxigraphEngine:
    """Answer queries with pyoxigraph over an in-memory Store."""

    name = "oxigraph"

    def __init__(self, store: Any) -> None:
        self.store = store

    @classmethod
    def from_snapshot(cls, snapshot: bytes) -> OxigraphEngine:
        """Load an N-Quads snapshot into a fresh store."""
        import pyoxigraph as ox

        store = ox.Store()
        if snapshot:
            store.bulk_load(snapshot, format=ox.RdfFormat.N_QUADS)
        return cls(store)

    def run(self, request: QueryRequest, max_rows: int) -> Outcome:
        """Evaluate the query; raise :class:`SparqlError` subclasses for bad queries."""
        import pyoxigraph as ox

        refuse_unsafe(request.query)
        options: dict[str, Any] = {}
        if request.has_protocol_dataset:
            try:
                options["default_graph"] = [ox.NamedNode(u) for u in request.default_graphs]
                options["named_graphs"] = [ox.NamedNode(u) for u in request.named_graphs]
            except ValueError as error:
                raise QuerySyntaxError(f"invalid graph IRI: {error}") from error
        try:
            result = self.store.query(request.query, base_iri=request.base_iri, **options)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from error
        except ValueError as error:  # an invalid base IRI, for instance
            raise QuerySyntaxError(str(error)) from error
        if isinstance(result, ox.QueryBoolean):
            return Boolean(bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = _column_order(request.query, [v.value for v in result.variables])
            rows: list[tuple[Term | None, ...]] = []
            for solution in result:
                if len(rows) == max_rows:
                    return Solutions(variables, rows, truncated=True)
                rows.append(tuple(_from_oxigraph(solution[v]) for v in variables))
            return Solutions(variables, rows)
        triples: list[tuple[Term, Term, Term]] = []
        for triple in result:
            if len(triples) == max_rows:
                return Triples(triples, truncated=True)
            triples.append(
                (
                    _from_oxigraph(triple.subject),
                    _from_oxigraph(triple.predicate),
                    _from_oxigraph(triple.object),
                )
            )
        return Triples(triples)


_FLOATING = (XSD + "double", XSD + "float")


def canonical_double(lexical: str) -> str:
    """Write a double in its XSD canonical form (``1.0E6``), as both engines agree on."""
    try:
        number = float(lexical)
    except ValueError:
        return lexical
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "INF" if number > 0 else "-INF"
    sign = "-" if math.copysign(1.0, number) < 0 else ""
    if number == 0:
        return f"{sign}0.0E0"
    digits_tuple = Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, digits_tuple.digits))
    exponent = int(digits_tuple.exponent) + len(digits) - 1
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"


def _literal(value: str, datatype: str | None, lang: str | None) -> Term:
    if datatype in (XSD_STRING, RDF_LANGSTRING):
        datatype = None
    elif datatype in _FLOATING:
        value = canonical_double(value)
    return Term("literal", value, datatype, lang or None)


def _from_oxigraph(term: Any) -> Any:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.datatype.value, term.language)
    return Term("literal", str(term))  # an RDF 1.2 triple term: shown, not modelled


class RdflibEngine:
    """Answer queries with rdflib over a Graph, or a Dataset whose named graphs are queryable."""

    name = "rdflib"

    def __init__(self, graph: Graph) -> None:
        from rdflib import Dataset

        self.graph = graph
        self.dataset = graph if isinstance(graph, Dataset) else None

    @classmethod
    def from_snapshot(cls, snapshot: bytes) -> RdflibEngine:
        """Parse an N-Quads snapshot into a Dataset."""
        from rdflib import Dataset

        dataset = Dataset()
        if snapshot:
            dataset.parse(data=snapshot, format="nquads")
        return cls(dataset)

    def run(self, request: QueryRequest, max_rows: int) -> Outcome:
        """Evaluate the query; raise :class:`SparqlError` subclasses for bad queries."""
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.evaluate import evalPart
        from rdflib.plugins.sparql.parser import parseQuery

        refuse_unsafe(request.query)
        try:
            parsed = parseQuery(request.query)
            query = translateQuery(parsed, base=request.base_iri)
        except Exception as error:  # pyparsing errors, unknown prefixes, bad IRIs
            raise QuerySyntaxError(str(error)) from error
        main = query.algebra
        if _contains_service(main):
            raise QueryRefused("SERVICE is not allowed")
        if main.name == "ConstructQuery" and main.get("template") is None:
            main["template"] = _short_form_template(main)
        # rdflib would fetch FROM graphs it does not hold: resolve the dataset ourselves.
        clause = main.get("datasetClause") or []
        main["datasetClause"] = None
        if request.has_protocol_dataset:
            context = self._context(request.default_graphs, request.named_graphs)
        elif clause:
            context = self._context(
                tuple(str(d.default) for d in clause if d.get("default") is not None),
                tuple(str(d.named) for d in clause if d.get("named") is not None),
            )
        else:
            context = self._context(None, None)
        context.prologue = query.prologue
        try:
            result = evalPart(context, main)
            return self._outcome(result, request.query, max_rows)
        except SparqlError:
            raise
        except Exception as error:
            raise SparqlError(f"query evaluation failed: {error}") from error

    def _named_graph(self, name: str) -> Graph:
        from rdflib import Graph, URIRef

        if self.dataset is None:
            return Graph()
        return self.dataset.get_context(URIRef(name))

    def _context(self, defaults: Sequence[str] | None, named: Sequence[str] | None) -> Any:
        from rdflib import Dataset, Graph, URIRef
        from rdflib.plugins.sparql.sparql import QueryContext

        if defaults is None and named is None:
            dataset = self.dataset if self.dataset is not None else Dataset()
            context = QueryContext(dataset, initBindings={})
            # The store's default graph, never the union of all graphs.
            context.graph = self.graph if self.dataset is None else dataset.default_context
            return context
        dataset = Dataset()
        merged = Graph()
        for name in defaults or ():
            merged += self._named_graph(name)
        for name in named or ():
            dataset.graph(URIRef(name)).__iadd__(self._named_graph(name))
        context = QueryContext(dataset, initBindings={})
        context.graph = merged
        return context

    def _outcome(self, result: Any, text: str, max_rows: int) -> Outcome:
        kind = result["type_"]
        if kind == "ASK":
            return Boolean(bool(result["askAnswer"]))
        if kind == "SELECT":
            variables = _column_order(text, [str(v) for v in result["vars_"]])
            rows: list[tuple[Term | None, ...]] = []
            from rdflib import Variable

            keys = [Variable(v) for v in variables]
            for binding in result["bindings"]:
                if len(rows) == max_rows:
                    return Solutions(variables, rows, truncated=True)
                rows.append(tuple(_from_rdflib(binding.get(k)) for k in keys))
            return Solutions(variables, rows)
        triples: list[tuple[Term, Term, Term]] = []
        for s, p, o in result["graph"]:
            if len(triples) == max_rows:
                return Triples(triples, truncated=True)
            triples.append((_from_rdflib(s), _from_rdflib(p), _from_rdflib(o)))
        return Triples(triples)


def _short_form_template(main: Any) -> list[Any]:
    """The template of ``CONSTRUCT WHERE { … }``: its pattern (rdflib misses it under LIMIT)."""
    node = main.p
    while node is not None and getattr(node, "name", None) != "BGP":
        node = node.get("p")
    return list(node.triples) if node is not None else []


def _contains_service(node: Any) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            return True
        return any(_contains_service(v) for v in node.values())
    if isinstance(node, list | tuple):
        return any(_contains_service(v) for v in node)
    return False


_SELECT_STAR = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)
_FIRST_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00B7-\uFFFF]+)")


def _column_order(query: str, variables: list[str]) -> list[str]:
    """Order SELECT * columns by first appearance in the query, as the W3C tests expect."""
    clean = _OPAQUE.sub(" ", query)
    first = _FIRST_SELECT.search(clean)
    if first is None or not _SELECT_STAR.match(clean, first.start()):
        return variables  # an explicit projection keeps its own order
    positions: dict[str, int] = {}
    for match in _VARIABLE.finditer(clean):
        positions.setdefault(match.group(1), match.start())
    return sorted(variables, key=lambda name: positions.get(name, len(clean)))


def _from_rdflib(term: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return Term("uri", str(term))
    if isinstance(term, BNode):
        return Term("bnode", str(term))
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype is not None else None
        return _literal(str(term), datatype, term.language)
    return Term("literal", str(term))


def make_engine(name: str, graph: Graph) -> OxigraphEngine | RdflibEngine:
    """Build the named engine over a graph, in this process."""
    if name == "oxigraph":
        return OxigraphEngine.from_snapshot(graph_snapshot(graph))
    if name == "rdflib":
        return RdflibEngine(graph)
    raise ValueError(f"unknown SPARQL engine {name!r}; choose one of {', '.join(ENGINES)}")


def engine_from_snapshot(name: str, snapshot: bytes) -> OxigraphEngine | RdflibEngine:
    """Build the named engine from an N-Quads snapshot."""
    if name == "oxigraph":
        return OxigraphEngine.from_snapshot(snapshot)
    if name == "rdflib":
        return RdflibEngine.from_snapshot(snapshot)
    raise ValueError(f"unknown SPARQL engine {name!r}; choose one of {', '.join(ENGINES)}")


# --- result serializers ------------------------------------------------------------------------

_TURTLE_NUMBER = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+\Z"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+\Z"),
}
_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _json_term(term: Term) -> dict[str, str]:
    if term.kind == "literal":
        out = {"type": "literal", "value": term.value}
        if term.lang:
            out["xml:lang"] = term.lang
        elif term.datatype:
            out["datatype"] = term.datatype
        return out
    return {"type": term.kind, "value": term.value}


def _xml_term(term: Term) -> str:
    if term.kind == "literal":
        if term.lang:
            return f"<literal xml:lang={quoteattr(term.lang)}>{xml_escape(term.value)}</literal>"
        if term.datatype:
            return (
                f"<literal datatype={quoteattr(term.datatype)}>{xml_escape(term.value)}</literal>"
            )
        return f"<literal>{xml_escape(term.value)}</literal>"
    tag = "uri" if term.kind == "uri" else "bnode"
    return f"<{tag}>{xml_escape(term.value)}</{tag}>"


def term_n3(term: Term) -> str:
    """Write a term in N-Triples syntax, numbers abbreviated as Turtle allows (the TSV form)."""
    if term.kind == "uri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    pattern = _TURTLE_NUMBER.get(term.datatype or "")
    if pattern is not None and pattern.match(term.value):
        return term.value
    text = f'"{term.value.translate(_NT_ESCAPES)}"'
    if term.lang:
        return f"{text}@{term.lang}"
    if term.datatype:
        return f"{text}^^<{term.datatype}>"
    return text


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if term.kind == "bnode" else term.value


def write_solutions(result: Solutions, media_type: str) -> bytes:
    """Serialize SELECT results as SPARQL JSON, XML, CSV or TSV."""
    if media_type == SPARQL_JSON:
        bindings = [
            {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]
        doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if media_type == SPARQL_XML:
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        out.append('<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>')
        out.extend(f"<variable name={quoteattr(v)}/>" for v in result.variables)
        out.append("</head>\n<results>\n")
        for row in result.rows:
            out.append("<result>")
            for v, t in zip(result.variables, row, strict=True):
                if t is not None:
                    out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>\n")
        out.append("</results>\n</sparql>\n")
        return "".join(out).encode("utf-8")
    if media_type == CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(result.variables)
        writer.writerows([_csv_value(t) for t in row] for row in result.rows)
        return buffer.getvalue().encode("utf-8")
    if media_type == TSV:
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines.extend("\t".join("" if t is None else term_n3(t) for t in row) for row in result.rows)
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise NotAcceptable(f"SELECT results cannot be written as {media_type}")


def write_boolean(result: Boolean, media_type: str) -> bytes:
    """Serialize an ASK answer as SPARQL JSON or XML."""
    value = "true" if result.value else "false"
    if media_type == SPARQL_JSON:
        return f'{{"head": {{}}, "boolean": {value}}}'.encode()
    if media_type == SPARQL_XML:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"<head/>\n<boolean>{value}</boolean>\n</sparql>\n"
        ).encode()
    raise NotAcceptable(f"an ASK answer cannot be written as {media_type}")


def write_triples(result: Triples, media_type: str) -> bytes:
    """Serialize CONSTRUCT/DESCRIBE triples as Turtle, JSON-LD, N-Triples or RDF/XML."""
    if media_type == N_TRIPLES:
        return "".join(f"{_nt(s)} {_nt(p)} {_nt(o)} .\n" for s, p, o in result.triples).encode(
            "utf-8"
        )
    try:
        import pyoxigraph as ox
    except ImportError:
        return _write_triples_rdflib(result, media_type)
    formats = {
        TURTLE: ox.RdfFormat.TURTLE,
        JSON_LD: ox.RdfFormat.JSON_LD,
        RDF_XML: ox.RdfFormat.RDF_XML,
    }
    if media_type not in formats:
        raise NotAcceptable(f"a graph cannot be written as {media_type}")
    triples = [
        ox.Triple(_to_oxigraph(s), _to_oxigraph(p), _to_oxigraph(o)) for s, p, o in result.triples
    ]
    used = _used_prefixes(result.triples) if media_type != JSON_LD else {}
    return ox.serialize(triples, format=formats[media_type], prefixes=used)


def _nt(term: Term) -> str:
    if term.kind == "literal" and term.datatype in _TURTLE_NUMBER:
        return f'"{term.value.translate(_NT_ESCAPES)}"^^<{term.datatype}>'
    return term_n3(term)


def _used_prefixes(triples: Iterable[tuple[Term, Term, Term]]) -> dict[str, str]:
    iris = {t.value for triple in triples for t in triple if t.kind == "uri"}
    iris |= {t.datatype for triple in triples for t in triple if t.datatype}
    return {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}


def _to_oxigraph(term: Term) -> Any:
    import pyoxigraph as ox

    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    if term.datatype:
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term.value)


def _write_triples_rdflib(result: Triples, media_type: str) -> bytes:
    from rdflib import Graph

    names = {TURTLE: "turtle", JSON_LD: "json-ld", RDF_XML: "xml"}
    if media_type not in names:
        raise NotAcceptable(f"a graph cannot be written as {media_type}")
    graph = Graph()
    for prefix, namespace in _used_prefixes(result.triples).items():
        graph.bind(prefix, namespace)
    graph.parse(data=write_triples(Triples(result.triples), N_TRIPLES), format="nt")
    return graph.serialize(format=names[media_type], encoding="utf-8")


def _display(term: Term | None) -> dict[str, str | None]:
    if term is None:
        return {"text": "", "href": None, "note": None}
    if term.kind == "uri":
        href = term.value if term.value.startswith(("http://", "https://")) else None
        return {"text": term.value, "href": href, "note": None}
    if term.kind == "bnode":
        return {"text": f"_:{term.value}", "href": None, "note": None}
    note = f"@{term.lang}" if term.lang else None
    if term.datatype:
        note = (
            "xsd:" + term.datatype[len(XSD) :] if term.datatype.startswith(XSD) else term.datatype
        )
    return {"text": term.value, "href": None, "note": note}


def table_of(outcome: Outcome) -> dict[str, Any]:
    """Turn an outcome into display rows for the HTML query page."""
    if isinstance(outcome, Boolean):
        return {"form": "ask", "boolean": outcome.value, "vars": [], "rows": [], "truncated": False}
    if isinstance(outcome, Solutions):
        return {
            "form": "select",
            "vars": outcome.variables,
            "rows": [[_display(t) for t in row] for row in outcome.rows],
            "truncated": outcome.truncated,
        }
    return {
        "form": "graph",
        "vars": ["subject", "predicate", "object"],
        "rows": [[_display(t) for t in triple] for triple in outcome.triples],
        "truncated": outcome.truncated,
    }


def offered_types(outcome: Outcome) -> dict[str, str]:
    """The media types a client may ask for to get this outcome, mapped to what we send."""
    if isinstance(outcome, Solutions):
        return SOLUTION_TYPES
    if isinstance(outcome, Boolean):
        return BOOLEAN_TYPES
    return GRAPH_TYPES


def serialize(outcome: Outcome, media_type: str) -> bytes:
    """Write an outcome in a canonical media type."""
    if isinstance(outcome, Solutions):
        return write_solutions(outcome, media_type)
    if isinstance(outcome, Boolean):
        return write_boolean(outcome, media_type)
    return write_triples(outcome, media_type)


def answer(engine: OxigraphEngine | RdflibEngine, request: QueryRequest, max_rows: int) -> Reply:
    """Run a request on an engine and serialize the answer in the negotiated format."""
    outcome = engine.run(request, max_rows)
    truncated = getattr(outcome, "truncated", False)
    if request.table:
        return Reply(TABLE, json.dumps(table_of(outcome)).encode("utf-8"), truncated)
    types = offered_types(outcome)
    chosen = negotiate(request.accept, list(types))
    if chosen is None:
        available = ", ".join(dict.fromkeys(types.values()))
        raise NotAcceptable(f"no acceptable format for this query; available: {available}")
    media_type = types[chosen]
    return Reply(media_type, serialize(outcome, media_type), truncated)


# --- worker processes --------------------------------------------------------------------------

_NETWORK_EVENTS = frozenset(
    {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"}
)


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS:
        raise PermissionError(f"network access refused in a SPARQL worker ({event})")


def worker_main(fd: int, engine_name: str, snapshot_path: str, max_rows: int) -> None:
    """Serve requests from the socket ``fd`` until it closes (the body of a worker process)."""
    from multiprocessing.connection import Connection

    sys.addaudithook(_refuse_network)
    conn = Connection(fd)
    with open(snapshot_path, "rb") as snapshot:
        engine = engine_from_snapshot(engine_name, snapshot.read())
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return  # the server went away
        try:
            reply: Reply | SparqlError = answer(engine, request, max_rows)
        except SparqlError as error:
            reply = error
        except Exception as error:  # never let one query end the worker
            reply = SparqlError(f"query evaluation failed: {type(error).__name__}: {error}")
        conn.send(reply)


_WORKER_COMMAND = (
    "import sys; from ldcv.sparql import worker_main; "
    "worker_main(int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]))"
)


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any
    ready: bool = False

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout):
            raise EngineBusy("the query engine is still starting; try again shortly")
        message = self.conn.recv()
        if message != "ready":
            raise SparqlError(f"the query engine failed to start: {message}")
        self.ready = True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)
        self.conn.close()


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


@dataclass
class PoolStats:
    """Counters a test or an operator can read."""

    answered: int = 0
    timeouts: int = 0
    restarts: int = 0


class QueryPool:
    """Worker processes that each hold the data; a query past its deadline kills its worker."""

    def __init__(
        self,
        engine: str,
        snapshot: bytes,
        size: int = 2,
        max_rows: int = 10_000,
        startup_timeout: float = 120.0,
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown SPARQL engine {engine!r}; choose one of {ENGINES}")
        self.engine = engine
        self.size = max(1, size)
        self.max_rows = max_rows
        self.startup_timeout = startup_timeout
        self.stats = PoolStats()
        # Workers are fresh interpreters (never forks of a threaded server, never a re-import
        # of whatever __main__ is); they read the data from this file.
        handle, self._snapshot_path = tempfile.mkstemp(prefix="ldcv-sparql-", suffix=".nq")
        with os.fdopen(handle, "wb") as file:
            file.write(snapshot)
        # Removed on close(), or when the pool is collected or the interpreter exits.
        self._remove_snapshot = weakref.finalize(self, _unlink_quietly, self._snapshot_path)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._closed = False
        self._lock = threading.Lock()
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        from multiprocessing.connection import Connection

        ours, theirs = socket.socketpair()
        with theirs:
            args = [str(theirs.fileno()), self.engine, self._snapshot_path, str(self.max_rows)]
            process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_COMMAND, *args],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        worker = _Worker(process, Connection(ours.detach()))
        self._workers.add(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.discard(worker)
            self.stats.restarts += 1
            if not self._closed:
                self._idle.put(self._spawn())

    def run(self, request: QueryRequest, timeout: float, wait: float | None = None) -> Reply:
        """Answer a request in a worker; raise QueryTimeout past ``timeout`` seconds."""
        try:
            worker = self._idle.get(timeout=timeout if wait is None else wait)
        except queue.Empty:
            raise EngineBusy("every query worker is busy; try again shortly") from None
        try:
            worker.wait_ready(self.startup_timeout)
            worker.conn.send(request)
            if not worker.conn.poll(timeout):
                self.stats.timeouts += 1
                self._replace(worker)
                raise QueryTimeout(
                    f"the query did not finish within {timeout:g} s and was stopped; "
                    "narrow it down (add LIMIT, bind more variables) and try again"
                )
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise SparqlError(
                "the query engine stopped while answering; it was restarted"
            ) from None
        except EngineBusy:
            self._idle.put(worker)
            raise
        self._idle.put(worker)
        self.stats.answered += 1
        if isinstance(reply, SparqlError):
            raise reply
        return reply

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, set()
        for worker in workers:
            worker.stop()
        self._remove_snapshot()


# --- service description -----------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"


def service_description(
    endpoint_url: str, default_triples: int, named_graphs: dict[str, int] | None = None
) -> Graph:
    """Describe the endpoint with the SPARQL 1.1 Service Description vocabulary."""
    from rdflib import RDF, Graph, Literal, Namespace, URIRef

    sd = Namespace(SD)
    void = Namespace("http://rdfs.org/ns/void#")
    graph = Graph()
    graph.bind("sd", sd)
    graph.bind("void", void)
    graph.bind("formats", "http://www.w3.org/ns/formats/")
    service = URIRef(endpoint_url + "#service")
    dataset = URIRef(endpoint_url + "#dataset")
    default_graph = URIRef(endpoint_url + "#default-graph")
    graph.add((service, RDF.type, sd.Service))
    graph.add((service, sd.endpoint, URIRef(endpoint_url)))
    graph.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    for iri in RESULT_FORMAT_IRIS.values():
        graph.add((service, sd.resultFormat, URIRef(iri)))
    simple = URIRef("http://www.w3.org/ns/entailment/Simple")
    graph.add((service, sd.defaultEntailmentRegime, simple))
    graph.add((simple, RDF.type, sd.EntailmentRegime))
    graph.add((service, sd.defaultDataset, dataset))
    graph.add((dataset, RDF.type, sd.Dataset))
    graph.add((dataset, sd.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, sd.Graph))
    graph.add((default_graph, void.triples, Literal(default_triples)))
    for index, (name, size) in enumerate(sorted((named_graphs or {}).items())):
        node = URIRef(f"{endpoint_url}#named-graph-{index}")
        described = URIRef(f"{endpoint_url}#named-graph-{index}-graph")
        graph.add((dataset, sd.namedGraph, node))
        graph.add((node, RDF.type, sd.NamedGraph))
        graph.add((node, sd.name, URIRef(name)))
        graph.add((node, sd.graph, described))
        graph.add((described, RDF.type, sd.Graph))
        graph.add((described, void.triples, Literal(size)))
    return graph


def graph_sizes(graph: Graph) -> tuple[int, dict[str, int]]:
    """Count the default graph's triples and each named graph's."""
    from rdflib import Dataset

    if not isinstance(graph, Dataset):
        return len(graph), {}
    named = {
        str(g.identifier): len(g)
        for g in graph.graphs()
        if g.identifier != graph.default_graph.identifier
    }
    return len(graph.default_graph), named


# --- example queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleQuery:
    """One shipped example: file stem, human title, SPARQL text."""

    name: str
    title: str
    text: str


def example_queries() -> list[ExampleQuery]:
    """Read the example queries shipped in ``ldcv/queries/`` (sorted by file name)."""
    folder = resources.files("ldcv") / "queries"
    examples = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        title = next(
            (
                line.partition(":")[2].strip()
                for line in text.splitlines()
                if line.lower().startswith("# title:")
            ),
            entry.name,
        )
        examples.append(ExampleQuery(entry.name.removesuffix(".rq"), title, text))
    return examples


# --- local use (ldcv query) --------------------------------------------------------------------

LOCAL_FORMATS = ("table", "json", "csv", "tsv", "turtle")


def run_local(
    graph: Graph,
    query_text: str,
    output: str = "table",
    base_iri: str | None = None,
    engine: str | None = None,
) -> str:
    """Run a query on a graph in this process and format the answer for a terminal or a file."""
    if output not in LOCAL_FORMATS:
        raise SparqlError(f"unknown output format {output!r}; choose one of {LOCAL_FORMATS}")
    runner = make_engine(engine or default_engine_name(), graph)
    outcome = runner.run(QueryRequest(query_text, base_iri=base_iri), max_rows=sys.maxsize)
    if output == "table":
        return text_table(outcome)
    if isinstance(outcome, Boolean):
        if output == "json":
            return write_boolean(outcome, SPARQL_JSON).decode("utf-8")
        return "true\n" if outcome.value else "false\n"
    if isinstance(outcome, Triples):
        if output in ("csv", "tsv"):
            outcome = Solutions(["subject", "predicate", "object"], list(outcome.triples))
        else:
            kind = TURTLE if output == "turtle" else JSON_LD
            return write_triples(outcome, kind).decode("utf-8")
    if output == "turtle":
        raise SparqlError("--format turtle needs a CONSTRUCT or DESCRIBE query")
    kinds = {"json": SPARQL_JSON, "csv": CSV, "tsv": TSV}
    return write_solutions(outcome, kinds[output]).decode("utf-8")


def text_table(outcome: Outcome) -> str:
    """Format an outcome as an aligned plain-text table."""
    if isinstance(outcome, Boolean):
        return ("true" if outcome.value else "false") + "\n"
    if isinstance(outcome, Triples):
        outcome = Solutions(["subject", "predicate", "object"], list(outcome.triples))
    header = [f"?{v}" for v in outcome.variables]
    cells = [[_cell_text(t) for t in row] for row in outcome.rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    )
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _cell_text(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "literal":
        text = term.value.replace("\n", " ")
        return f"{text}@{term.lang}" if term.lang else text
    return _csv_value(term)


__all__ = [
    "ENGINES",
    "Boolean",
    "EngineBusy",
    "ExampleQuery",
    "NotAcceptable",
    "OxigraphEngine",
    "QueryPool",
    "QueryRefused",
    "QueryRequest",
    "QuerySyntaxError",
    "QueryTimeout",
    "RdflibEngine",
    "Reply",
    "Solutions",
    "SparqlError",
    "Term",
    "Triples",
    "answer",
    "canonical_double",
    "default_engine_name",
    "example_queries",
    "graph_snapshot",
    "make_engine",
    "negotiate",
    "refuse_unsafe",
    "run_local",
    "service_description",
    "text_table",
    "uses_service",
]
