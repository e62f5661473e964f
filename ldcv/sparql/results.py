"""Write answers in the negotiated format: SPARQL JSON/XML/CSV/TSV, RDF formats, page tables.

Answers as Python terms are written here, term by term, so both engines' answers come out
the same. Answers oxigraph left as bytes (TSV or N-Triples) are handed to its Rust writers,
which is what lets a large answer leave the worker without any Python work per row.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from ldcv.rdf.negotiation import negotiate
from ldcv.sparql.errors import NotAcceptable
from ldcv.sparql.media import (
    BOOLEAN_TYPES,
    CSV,
    GRAPH_TYPES,
    JSON_LD,
    N_TRIPLES,
    PREFIXES,
    RDF_XML,
    SOLUTION_TYPES,
    SPARQL_JSON,
    SPARQL_XML,
    TABLE,
    TSV,
    TURTLE,
    XSD,
)
from ldcv.sparql.outcomes import (
    Boolean,
    Decoded,
    EncodedSolutions,
    EncodedTriples,
    Outcome,
    QueryRequest,
    Reply,
    Solutions,
    Term,
    Triples,
)

if TYPE_CHECKING:
    from ldcv.sparql.engines import OxigraphEngine, RdflibEngine

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


def csv_value(term: Term | None) -> str:
    """Write a term as a CSV cell (blank nodes as ``_:label``)."""
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
        writer.writerows([csv_value(t) for t in row] for row in result.rows)
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


def write_encoded(result: EncodedSolutions | EncodedTriples, media_type: str) -> bytes:
    """Re-serialize oxigraph's TSV or N-Triples in another format with its Rust writers."""
    import pyoxigraph as ox

    if isinstance(result, EncodedSolutions):
        if media_type == TSV:
            return result.tsv
        formats = {
            SPARQL_JSON: ox.QueryResultsFormat.JSON,
            SPARQL_XML: ox.QueryResultsFormat.XML,
            CSV: ox.QueryResultsFormat.CSV,
        }
        if media_type not in formats:
            raise NotAcceptable(f"SELECT results cannot be written as {media_type}")
        solutions = ox.parse_query_results(result.tsv, format=ox.QueryResultsFormat.TSV)
        return solutions.serialize(format=formats[media_type])
    if media_type == N_TRIPLES:
        return result.ntriples
    graph_formats = {
        TURTLE: ox.RdfFormat.TURTLE,
        JSON_LD: ox.RdfFormat.JSON_LD,
        RDF_XML: ox.RdfFormat.RDF_XML,
    }
    if media_type not in graph_formats:
        raise NotAcceptable(f"a graph cannot be written as {media_type}")
    data = result.ntriples
    used = {} if media_type == JSON_LD else {
        prefix: namespace
        for prefix, namespace in PREFIXES.items()
        if b"<" + namespace.encode() in data
    }  # fmt: skip
    triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=graph_formats[media_type], prefixes=used)


def table_of(outcome: Decoded) -> dict[str, Any]:
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
    if isinstance(outcome, Solutions | EncodedSolutions):
        return SOLUTION_TYPES
    if isinstance(outcome, Boolean):
        return BOOLEAN_TYPES
    return GRAPH_TYPES


def serialize(outcome: Outcome, media_type: str) -> bytes:
    """Write an outcome in a canonical media type."""
    if isinstance(outcome, EncodedSolutions | EncodedTriples):
        return write_encoded(outcome, media_type)
    if isinstance(outcome, Solutions):
        return write_solutions(outcome, media_type)
    if isinstance(outcome, Boolean):
        return write_boolean(outcome, media_type)
    return write_triples(outcome, media_type)


def answer(engine: OxigraphEngine | RdflibEngine, request: QueryRequest, max_rows: int) -> Reply:
    """Run a request on an engine and serialize the answer in the negotiated format."""
    if request.table:
        outcome = engine.run(request, max_rows)
        table = table_of(outcome)  # type: ignore[arg-type]  # never encoded when not asked
        return Reply(TABLE, json.dumps(table).encode("utf-8"), table["truncated"])
    outcome = engine.run(request, max_rows, encoded=True)
    truncated = getattr(outcome, "truncated", False)
    types = offered_types(outcome)
    chosen = negotiate(request.accept, list(types))
    if chosen is None:
        available = ", ".join(dict.fromkeys(types.values()))
        raise NotAcceptable(f"no acceptable format for this query; available: {available}")
    media_type = types[chosen]
    return Reply(media_type, serialize(outcome, media_type), truncated)
