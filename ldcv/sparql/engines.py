"""Answer a :class:`QueryRequest` with pyoxigraph or rdflib, from local data only.

Both engines give engine-neutral :class:`Term` rows, so the answers are comparable and every
result format can be written by ``results``. pyoxigraph can also hand over its answer as the
bytes its Rust writers re-serialize (:class:`EncodedSolutions`, :class:`EncodedTriples`): no
Python work per row, which is what makes large answers fast.

Safety: both engines parse the *query* grammar only, so ``INSERT``/``LOAD`` are syntax
errors; ``SERVICE`` is refused before any engine sees the query; ``FROM``/``FROM NAMED`` and
the protocol dataset only select graphs already in the store (an unknown name is an empty
graph). Rows past ``max_rows`` are dropped and the answer says so; oxigraph stops evaluating
there too, so a huge answer never builds up in memory.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ldcv.sparql.errors import QueryRefused, QuerySyntaxError, SparqlError
from ldcv.sparql.media import XSD
from ldcv.sparql.outcomes import (
    Boolean,
    Decoded,
    EncodedSolutions,
    EncodedTriples,
    Outcome,
    QueryRequest,
    Solutions,
    Term,
    Triples,
)
from ldcv.sparql.scan import column_order, refuse_unsafe

if TYPE_CHECKING:
    from rdflib import Graph

ENGINES = ("oxigraph", "rdflib")
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_FLOATING = (XSD + "double", XSD + "float")
# A double or float in oxigraph's TSV or N-Triples: written out, or as a bare Turtle double.
# Their lexical forms differ between engines, so such answers take the Python writers, which
# write the canonical form.
_FLOATING_TYPES = (b"XMLSchema#double>", b"XMLSchema#float>")
_BARE_DOUBLE = re.compile(rb"[\t\n][+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+(?=[\t\n])")


def _has_floating(data: bytes) -> bool:
    """Tell whether oxigraph's TSV or N-Triples holds a double or a float."""
    return any(name in data for name in _FLOATING_TYPES) or bool(_BARE_DOUBLE.search(data))


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


# --- pyoxigraph --------------------------------------------------------------------------------


class _Full(Exception):
    """Raised inside oxigraph's writer to stop it at the row cap."""


class _LineCap:
    """A binary file for oxigraph's writers that stops them after ``limit`` lines."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.lines = 0
        self.full = False

    def write(self, chunk: Any) -> int:
        if self.full:
            raise _Full
        data = bytes(chunk)
        self.parts.append(data)
        self.lines += data.count(b"\n")
        if self.lines > self.limit:
            self.full = True
            raise _Full
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: the parts are kept in memory."""

    def value(self) -> bytes:
        data = b"".join(self.parts)
        if not self.full:
            return data
        # Keep the first ``limit`` lines; every line of TSV and N-Triples is one row.
        return b"\n".join(data.split(b"\n", self.limit)[: self.limit]) + b"\n"


def _capped(result: Any, fmt: Any, limit: int) -> tuple[bytes, bool]:
    """Serialize an oxigraph answer, stopping after ``limit`` lines; say whether it stopped."""
    sink = _LineCap(limit)
    with contextlib.suppress(_Full):
        result.serialize(sink, format=fmt)
    return sink.value(), sink.full


def graph_names(iris: Sequence[str]) -> list[Any]:
    """Return the IRIs as pyoxigraph NamedNodes; raise QuerySyntaxError for an invalid one."""
    import pyoxigraph as ox

    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as error:
        raise QuerySyntaxError(f"invalid graph IRI: {error}") from error


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

    def dataset_options(self, request: QueryRequest) -> dict[str, Any]:
        """Return pyoxigraph's dataset options: the protocol's graphs, else the query's own."""
        if not request.has_protocol_dataset:
            return {}
        return {
            "default_graph": graph_names(request.default_graphs),
            "named_graphs": graph_names(request.named_graphs),
        }

    def run(self, request: QueryRequest, max_rows: int, *, encoded: bool = False) -> Outcome:
        """Evaluate the query; with ``encoded``, leave what the Rust writers can take as bytes."""
        refuse_unsafe(request.query)
        options = self.dataset_options(request)
        try:
            result = self.store.query(request.query, base_iri=request.base_iri, **options)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from error
        except ValueError as error:  # an invalid base IRI, for instance
            raise QuerySyntaxError(str(error)) from error
        try:
            return self._outcome(request, result, max_rows, encoded)
        finally:
            # This frame can outlive the call in a garbage cycle (under a remote store's
            # engine), and pyoxigraph's answer, collected there on another thread, is
            # refused and leaked ("unsendable"): it leaves with the call.
            del result

    def _outcome(self, request: QueryRequest, result: Any, max_rows: int, encoded: bool) -> Outcome:
        """Turn pyoxigraph's answer into an outcome, capped at ``max_rows``."""
        import pyoxigraph as ox

        if isinstance(result, ox.QueryBoolean):
            return Boolean(bool(result))
        if isinstance(result, ox.QuerySolutions):
            names = [v.value for v in result.variables]
            order = column_order(request.query, names)
            tsv, truncated = _capped(result, ox.QueryResultsFormat.TSV, max_rows + 1)
            if encoded and not _has_floating(tsv):
                if order != names:
                    tsv = _reorder_columns(tsv, [names.index(name) for name in order])
                return EncodedSolutions(tsv, truncated)
            return Solutions(order, _tsv_rows(tsv, order), truncated)
        ntriples, truncated = _capped(result, ox.RdfFormat.N_TRIPLES, max_rows)
        if encoded and not _has_floating(ntriples):
            return EncodedTriples(ntriples, truncated)
        return Triples(_ntriples_terms(ntriples), truncated)


def _reorder_columns(tsv: bytes, index: list[int]) -> bytes:
    """Put TSV columns in the order ``index`` gives (a tab inside a value is escaped)."""
    lines = (line.split(b"\t") for line in tsv.split(b"\n")[:-1])
    return b"".join(b"\t".join([cells[i] for i in index]) + b"\n" for cells in lines)


def _tsv_rows(tsv: bytes, variables: list[str]) -> list[tuple[Term | None, ...]]:
    import pyoxigraph as ox

    solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return [tuple(_from_oxigraph(solution[v]) for v in variables) for solution in solutions]


def _ntriples_terms(ntriples: bytes) -> list[tuple[Term, Term, Term]]:
    import pyoxigraph as ox

    return [
        (_from_oxigraph(t.subject), _from_oxigraph(t.predicate), _from_oxigraph(t.object))
        for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    ]


def decoded(outcome: Outcome) -> Decoded:
    """Turn an encoded answer into Python terms (for the query page and the terminal)."""
    if isinstance(outcome, EncodedSolutions):
        import pyoxigraph as ox

        header = ox.parse_query_results(outcome.tsv, format=ox.QueryResultsFormat.TSV)
        names = [v.value for v in header.variables]
        return Solutions(names, _tsv_rows(outcome.tsv, names), outcome.truncated)
    if isinstance(outcome, EncodedTriples):
        return Triples(_ntriples_terms(outcome.ntriples), outcome.truncated)
    return outcome


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


# --- rdflib -------------------------------------------------------------------------------------


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

    def run(self, request: QueryRequest, max_rows: int, *, encoded: bool = False) -> Outcome:
        """Evaluate the query (``encoded`` is accepted for symmetry: rdflib has no Rust writers)."""
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
        from rdflib import Variable

        kind = result["type_"]
        if kind == "ASK":
            return Boolean(bool(result["askAnswer"]))
        if kind == "SELECT":
            variables = column_order(text, [str(v) for v in result["vars_"]])
            rows: list[tuple[Term | None, ...]] = []
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
