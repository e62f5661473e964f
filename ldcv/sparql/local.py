"""``ldcv query``: run a query in this process and format the answer for a terminal or a file."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from ldcv.sparql.engines import decoded, default_engine_name, make_engine
from ldcv.sparql.errors import SparqlError
from ldcv.sparql.media import CSV, JSON_LD, SPARQL_JSON, TSV, TURTLE
from ldcv.sparql.outcomes import Boolean, Decoded, QueryRequest, Solutions, Term, Triples
from ldcv.sparql.results import csv_value, write_boolean, write_solutions, write_triples

if TYPE_CHECKING:
    from rdflib import Graph

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
    outcome = decoded(runner.run(QueryRequest(query_text, base_iri=base_iri), sys.maxsize))
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


def text_table(outcome: Decoded) -> str:
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
    return csv_value(term)
