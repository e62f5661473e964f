"""The W3C result-format tests (JSON, CSV, TSV) and the XML format, for both engines.

Answers are compared as the tests mean them: row by row in order (the queries sort), blank
node labels free, numbers by value in TSV (``1.0E6`` and ``1.0e6`` are one double). CSV is
compared line by line, so our CRLF line ends (the spec's) match the files' LF.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph

from ldcv.sparql import (
    CSV,
    SPARQL_JSON,
    SPARQL_XML,
    TSV,
    Boolean,
    QueryRequest,
    Solutions,
    Term,
    answer,
    canonical_double,
    make_engine,
    write_boolean,
    write_solutions,
)

SUITE = Path(__file__).resolve().parents[1] / "conformance" / "sparql-results"
XSD = "http://www.w3.org/2001/XMLSchema#"
RESULTS = "{http://www.w3.org/2005/sparql-results#}"
ENGINES = ["oxigraph", "rdflib"]


def _run(engine: str, data: str, query: str, media_type: str) -> bytes:
    graph = Graph().parse(SUITE / data, format="turtle")
    text = (SUITE / query).read_text(encoding="utf-8")
    reply = answer(make_engine(engine, graph), QueryRequest(text, accept=media_type), 1000)
    assert reply.media_type == media_type
    return reply.body


def _blank(term: Term | None) -> Term | None:
    """Forget blank node labels (each test has one blank node at most)."""
    if term is not None and term.kind == "bnode":
        return Term("bnode", "_")
    return term


def _from_json(body: bytes) -> tuple[list[str], list[dict[str, Term]]]:
    doc = json.loads(body)
    rows = []
    for binding in doc["results"]["bindings"]:
        row = {}
        for name, value in binding.items():
            datatype = value.get("datatype")
            if datatype == XSD + "string":
                datatype = None  # RDF 1.1: a simple literal is an xsd:string
            row[name] = _blank(Term(value["type"], value["value"], datatype, value.get("xml:lang")))
        rows.append(row)
    return doc["head"]["vars"], rows


def _from_xml(body: bytes) -> tuple[list[str], list[dict[str, Term]]]:
    root = ET.fromstring(body)
    names = [v.get("name") for v in root.iter(f"{RESULTS}variable")]
    rows = []
    for result in root.iter(f"{RESULTS}result"):
        row = {}
        for binding in result.findall(f"{RESULTS}binding"):
            (node,) = list(binding)
            kind = node.tag.removeprefix(RESULTS)
            lang = node.get("{http://www.w3.org/XML/1998/namespace}lang")
            row[binding.get("name")] = _blank(
                Term(kind, node.text or "", node.get("datatype"), lang)
            )
        rows.append(row)
    return names, rows


_TSV_TERM = re.compile(
    r'^(?:<(?P<iri>[^>]*)>|_:(?P<bnode>\S+)|"(?P<lex>(?:[^"\\]|\\.)*)"'
    r"(?:@(?P<lang>[\w-]+)|\^\^<(?P<dt>[^>]*)>)?|(?P<number>[+-]?[0-9.eE+-]+))$"
)


def _tsv_term(text: str) -> Term | None:
    if text == "":
        return None
    match = _TSV_TERM.match(text)
    assert match, f"not a TSV term: {text!r}"
    if match["iri"] is not None:
        return Term("uri", match["iri"])
    if match["bnode"] is not None:
        return Term("bnode", "_")
    if match["number"] is not None:
        number = match["number"]
        if re.fullmatch(r"[+-]?[0-9]+", number):
            return Term("literal", number, XSD + "integer")
        if "e" in number.lower():
            return Term("literal", canonical_double(number), XSD + "double")
        return Term("literal", number, XSD + "decimal")
    lexical = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]),
                     match["lex"])  # fmt: skip
    datatype = match["dt"]
    if datatype in (XSD + "double", XSD + "float"):
        lexical = canonical_double(lexical)
    return Term("literal", lexical, datatype, match["lang"])


def _from_tsv(body: str) -> tuple[list[str], list[dict[str, Term]]]:
    lines = body.splitlines()
    names = [h.removeprefix("?") for h in lines[0].split("\t")]
    rows = []
    for line in lines[1:]:
        values = line.split("\t")
        rows.append(
            {n: t for n, v in zip(names, values, strict=True) if (t := _tsv_term(v)) is not None}
        )
    return names, rows


def _csv_lines(body: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(body)))
    return [["_:" if v.startswith("_:") else v for v in row] for row in rows]


JSON_TESTS = [("jsonres01.rq", "jsonres01.srj"), ("jsonres02.rq", "jsonres02.srj")]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("query", "expected"), JSON_TESTS)
def test_select_json_matches_w3c_result(engine: str, query: str, expected: str) -> None:
    body = _run(engine, "json-res/data.ttl", f"json-res/{query}", SPARQL_JSON)
    assert _from_json(body) == _from_json((SUITE / "json-res" / expected).read_bytes())


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("query", "expected"), [("jsonres03.rq", True), ("jsonres04.rq", False)])
def test_ask_json_matches_w3c_result(engine: str, query: str, expected: bool) -> None:
    body = _run(engine, "json-res/data.ttl", f"json-res/{query}", SPARQL_JSON)
    reference = json.loads((SUITE / "json-res" / query.replace(".rq", ".srj")).read_bytes())
    assert json.loads(body) == reference
    assert reference["boolean"] is expected


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("query", "expected"), JSON_TESTS)
def test_select_xml_carries_the_same_rows_as_the_w3c_json(
    engine: str, query: str, expected: str
) -> None:
    body = _run(engine, "json-res/data.ttl", f"json-res/{query}", SPARQL_XML)
    assert _from_xml(body) == _from_json((SUITE / "json-res" / expected).read_bytes())


CSV_TSV_TESTS = [
    ("data.ttl", "csvtsv01.rq", "csvtsv01"),
    ("data.ttl", "csvtsv02.rq", "csvtsv02"),
    ("data2.ttl", "csvtsv01.rq", "csvtsv03"),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("data", "query", "expected"), CSV_TSV_TESTS)
def test_csv_matches_w3c_result(engine: str, data: str, query: str, expected: str) -> None:
    body = _run(engine, f"csv-tsv-res/{data}", f"csv-tsv-res/{query}", CSV).decode("utf-8")
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    reference = (SUITE / "csv-tsv-res" / f"{expected}.csv").read_text(encoding="utf-8")
    assert _csv_lines(body) == _csv_lines(reference)


def _tsv_cases() -> list:
    cases = []
    for engine in ENGINES:
        for data, query, expected in CSV_TSV_TESTS:
            marks = []
            if engine == "oxigraph" and expected == "csvtsv03":
                # Oxigraph stores numbers by value: "-3"^^xsd:negativeInteger comes back as
                # xsd:integer, whatever serializer writes it. rdflib keeps the datatype.
                marks = [pytest.mark.xfail(strict=True, reason="oxigraph canonicalizes numbers")]
            cases.append(pytest.param(engine, data, query, expected, marks=marks))
    return cases


@pytest.mark.parametrize(("engine", "data", "query", "expected"), _tsv_cases())
def test_tsv_matches_w3c_result(engine: str, data: str, query: str, expected: str) -> None:
    body = _run(engine, f"csv-tsv-res/{data}", f"csv-tsv-res/{query}", TSV).decode("utf-8")
    reference = (SUITE / "csv-tsv-res" / f"{expected}.tsv").read_text(encoding="utf-8")
    assert _from_tsv(body) == _from_tsv(reference)


def test_csv_quotes_commas_quotes_and_line_breaks() -> None:
    row = (Term("literal", 'a "b", c'), Term("literal", "two\nlines"), None)
    body = write_solutions(Solutions(["x", "y", "z"], [row]), CSV).decode("utf-8")
    assert body == 'x,y,z\r\n"a ""b"", c","two\nlines",\r\n'


def test_tsv_escapes_tabs_and_newlines_inside_literals() -> None:
    row = (Term("literal", "a\tb\nc", None, "en"), Term("literal", "x", "http://example.org/t"))
    body = write_solutions(Solutions(["x", "y"], [row]), TSV).decode("utf-8")
    assert body == '?x\t?y\n"a\\tb\\nc"@en\t"x"^^<http://example.org/t>\n'


def test_xml_escapes_markup_in_values_and_names() -> None:
    row = (
        Term("literal", "</literal><uri>x</uri> & more", None, "en"),
        Term("uri", "http://e/?a&b"),
    )
    body = write_solutions(Solutions(["x", "y"], [row]), SPARQL_XML)
    _, rows = _from_xml(body)
    assert rows == [
        {
            "x": Term("literal", "</literal><uri>x</uri> & more", None, "en"),
            "y": Term("uri", "http://e/?a&b"),
        }
    ]


def test_json_omits_unbound_variables_but_keeps_them_in_head() -> None:
    body = write_solutions(Solutions(["a", "b"], [(Term("uri", "http://e/"), None)]), SPARQL_JSON)
    doc = json.loads(body)
    assert doc["head"]["vars"] == ["a", "b"]
    assert doc["results"]["bindings"] == [{"a": {"type": "uri", "value": "http://e/"}}]


@pytest.mark.parametrize("value", [True, False])
def test_boolean_xml_has_head_and_boolean(value: bool) -> None:
    root = ET.fromstring(write_boolean(Boolean(value), SPARQL_XML))
    assert root.find(f"{RESULTS}head") is not None
    assert root.find(f"{RESULTS}boolean").text == str(value).lower()


@pytest.mark.parametrize(
    ("lexical", "canonical"),
    [("1.0E6", "1.0E6"), ("1000000", "1.0E6"), ("1000000.0", "1.0E6"), ("0.001", "1.0E-3"),
     ("-2.5e0", "-2.5E0"), ("0", "0.0E0"), ("INF", "INF"), ("NaN", "NaN")],
)  # fmt: skip
def test_doubles_are_written_in_canonical_form(lexical: str, canonical: str) -> None:
    assert canonical_double(lexical) == canonical
