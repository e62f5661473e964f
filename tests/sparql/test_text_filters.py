"""Substring filters narrowed by the text index: recognised only where the answers stay the same.

The unit tests read what ``narrowed`` makes of a query with a candidates function that
records what it is asked; the store tests run each query with and without the index on
generated CVs and a graph of awkward literals, and compare the answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from ldcv.generator import write_cvs
from ldcv.sparql import Boolean, QueryRequest, StoreEngine, decoded
from ldcv.sparql import store_engine as store_engine_module
from ldcv.sparql.text_filters import TextFilter, narrowed
from ldcv.store.disk import StoreDirectory
from ldcv.store.index import index_paths
from ldcv.store.records import GraphRecord
from ldcv.store.text_index import fold

SCHEMA = "PREFIX schema: <http://schema.org/>\n"
NAME = "http://schema.org/name"
CANDIDATE = '"Candidate title"'


class Recorder:
    """A candidates function that answers one literal and keeps what it was asked."""

    def __init__(self, answer: list[str] | None = None) -> None:
        self.asked: list[TextFilter] = []
        self.answer = [CANDIDATE] if answer is None else answer

    def __call__(self, found: TextFilter) -> list[str] | None:
        self.asked.append(found)
        return self.answer


def asked(query: str) -> list[TextFilter]:
    recorder = Recorder()
    narrowed(query, recorder)
    return recorder.asked


@pytest.mark.parametrize(
    ("constraint", "needle", "str_of"),
    [
        ('(CONTAINS(LCASE(STR(?t)), "relevance"))', "relevance", True),
        ('(contains(lcase(?t), "relevance"))', "relevance", False),
        ('CONTAINS(STR(?t), "Relevance")', "Relevance", True),
        ("(((CONTAINS(?t, 'Relevance'))))", "Relevance", False),
        ('(REGEX(?t, "relevance", "i"))', "relevance", False),
        ('regex(STR(?t), "Relevance")', "Relevance", True),
        ('(REGEX(?t, "a relevant title", ""))', "a relevant title", False),
        (r'(CONTAINS(LCASE(?t), "say \"x\"\t\u00e9"))', 'say "x"\té', False),
        ('(CONTAINS(LCASE(?t), """three\nlines"""))', "three\nlines", False),
    ],
)
def test_the_filters_recognised(constraint: str, needle: str, str_of: bool) -> None:
    query = SCHEMA + f"SELECT * {{ ?w schema:name ?t FILTER {constraint} }}"
    assert asked(query) == [TextFilter("t", needle, str_of, (NAME,))]


@pytest.mark.parametrize(
    ("where", "anchored"),
    [
        (
            '{ ?a schema:familyName "Samek" . ?w schema:author ?a ; schema:name ?t FILTER '
            '(CONTAINS(?t, "abc")) }',
            True,
        ),
        ("{ ?w schema:position 3 ; schema:name ?t FILTER (CONTAINS(?t, 'abc')) }", True),
        ("{ ?w a schema:Article ; schema:name ?t FILTER (CONTAINS(?t, 'abc')) }", False),
        ("{ ?w schema:name ?t BIND ('x' AS ?s) FILTER (CONTAINS(?t, 'abc')) }", False),
        ("{ ?w schema:name ?t FILTER (CONTAINS(?t, 'abc')) MINUS { ?w schema:name 'x' } }", False),
    ],
)
def test_a_group_that_matches_a_literal_constant_is_anchored(where: str, anchored: bool) -> None:
    (found,) = asked(SCHEMA + f"SELECT * {where}")
    assert found.anchored is anchored


def test_the_candidates_are_joined_at_the_end_of_the_filters_group() -> None:
    query = SCHEMA + (
        "SELECT ?t ?y { ?w schema:name ?t ; schema:datePublished ?d .\n"
        '  FILTER (CONTAINS(LCASE(STR(?t)), "relevance"))\n'
        "  BIND (SUBSTR(STR(?d), 1, 4) AS ?y)\n} ORDER BY ?y"
    )
    assert narrowed(query, Recorder()) == query.replace(
        "4) AS ?y)\n}", f"4) AS ?y)\nVALUES ?t {{ {CANDIDATE} }}\n}}"
    )


@pytest.mark.parametrize(
    ("pattern", "predicates"),
    [
        ("?w <http://schema.org/name> ?t", (NAME,)),
        ("?w a schema:Article ; schema:name ?t", (NAME,)),
        ("[ schema:name ?t ] schema:x ?y", (NAME,)),
        ("?w schema:headline ?t . ?v schema:name ?t", ("http://schema.org/headline", NAME)),
        ("?w ?p ?t", None),
        ("?w schema:name/schema:x ?t", None),
        ("?w schema:name ?a, ?t", None),
        ("?t schema:name ?w", None),
        ("?w ^schema:name ?t", None),
    ],
)
def test_what_the_group_says_of_the_variable(pattern: str, predicates) -> None:
    query = SCHEMA + f'SELECT * {{ {pattern} FILTER (CONTAINS(?t, "abc")) }}'
    (found,) = asked(query)
    assert found.predicates == predicates


@pytest.mark.parametrize(
    "where",
    [
        "{ ?w schema:name ?t { FILTER (CONTAINS(?t, 'abc')) } }",
        "{ ?w schema:name ?t OPTIONAL { ?w schema:alt ?x FILTER (CONTAINS(?t, 'abc')) } }",
        "{ { ?w schema:name ?t } UNION { ?w schema:alt ?t } FILTER (CONTAINS(?t, 'abc')) }",
        "{ ?w schema:x ?y OPTIONAL { ?w schema:name ?t } FILTER (CONTAINS(?t, 'abc')) }",
        "{ ?w schema:x ?y MINUS { ?w schema:name ?t } FILTER (CONTAINS(?t, 'abc')) }",
        "{ ?w schema:name ?x FILTER NOT EXISTS { ?w schema:alt ?t FILTER (CONTAINS(?t, 'abc')) } }",
        "{ ?w schema:name ?x FILTER (EXISTS { ?w schema:alt ?t FILTER (CONTAINS(?t, 'abc')) }) }",
        "{ ?w schema:name ?x BIND (?x AS ?t) FILTER (CONTAINS(?t, 'abc')) }",
        "{ ?w schema:name ?t FILTER (CONTAINS(?t, 'abc') || ?w = schema:x) }",
        "{ ?w schema:name ?t FILTER (!CONTAINS(?t, 'abc')) }",
        "{ ?w schema:name ?t FILTER (CONTAINS(UCASE(?t), 'ABC')) }",
        "{ ?w schema:name ?t FILTER (CONTAINS(LCASE(?t), 'Abc')) }",
        "{ ?w schema:name ?t FILTER (CONTAINS(STR(LCASE(?t)), 'abc')) }",
        "{ ?w schema:name ?t FILTER (CONTAINS(?t, 'abc'@en)) }",
        "{ ?w schema:name ?t FILTER (CONTAINS(?t, ?x)) }",
        "{ ?w schema:name ?t FILTER (CONTAINS('abc', ?t)) }",
        "{ ?w schema:name ?t FILTER (STRSTARTS(?t, 'abc')) }",
        "{ ?w schema:name ?t FILTER (REGEX(?t, 'a.c', 'i')) }",
        "{ ?w schema:name ?t FILTER (REGEX(?t, 'abc', 'x')) }",
        "{ ?w schema:name ?t FILTER (REGEX(?t, 'abc', 'iq')) }",
        "{ ?w schema:name ?t FILTER (REGEX(LCASE(?t), 'abc')) }",
        "{ ?w schema:name ?t FILTER (CONTAINS(?t, 'a\\zc')) }",
        "{ ?w schema:name ?t LATERAL { ?w schema:x ?y } FILTER (CONTAINS(?t, 'abc')) }",
        "{ << ?w schema:name ?t >> schema:x ?y FILTER (CONTAINS(?t, 'abc')) }",
    ],
)
def test_filters_that_may_not_be_narrowed_are_left_alone(where: str) -> None:
    query = SCHEMA + f"SELECT * {where}"
    recorder = Recorder()
    assert narrowed(query, recorder) == query
    assert recorder.asked == []


@pytest.mark.parametrize(
    "query",
    [
        "BASE <http://example.org/> SELECT * { ?w <name> ?t FILTER (CONTAINS(?t, 'abc')) }",
        "SELECT * { ?w <http://schema.org/name> ?t FILTER (CONTAINS(?t, 'abc') }",
        "SELECT * { ?w <http://schema.org/name> ?t FILTER (CONTAINS(?t, 'abc')) ",
        "SELECT * { ?w <http://schema.org/name> ?t FILTER (CONTAINS(?t, 'abc')) } }",
        "DESCRIBE <http://example.org/contains>",
        "SELECT * { ?w <http://schema.org/name> ?t FILTER (CONTAINS(?t, 'abc')) } \u00a7",
    ],
)
def test_a_query_the_scan_cannot_read_is_left_alone(query: str) -> None:
    assert narrowed(query, Recorder()) == query


def test_groups_of_all_kinds_are_narrowed_each_in_itself() -> None:
    query = SCHEMA + (
        "CONSTRUCT { ?w schema:name ?t } WHERE {\n"
        "  { SELECT ?w ?t { ?w schema:name ?t FILTER regex(?t, 'sub') } LIMIT 9 }\n"
        "  UNION { GRAPH ?g { ?w schema:alt ?t . FILTER (CONTAINS(?t, 'graph')) } }\n"
        "  OPTIONAL { ?w schema:x $u FILTER (CONTAINS($u, 'opt')) }\n"
        "}"
    )
    recorder = Recorder()
    result = narrowed(query, recorder)
    assert [(f.variable, f.needle) for f in recorder.asked] == [
        ("t", "sub"),
        ("t", "graph"),
        ("u", "opt"),
    ]
    assert result.count("VALUES") == 3
    assert "LIMIT 9" in result and result.startswith(SCHEMA + "CONSTRUCT { ?w schema:name ?t }")


def test_a_filter_the_index_cannot_help_is_left_as_it_is() -> None:
    query = SCHEMA + "SELECT * { ?w schema:name ?t FILTER (CONTAINS(?t, 'ab')) }"
    assert narrowed(query, lambda found: None) == query


def test_no_candidate_is_an_empty_values_block() -> None:
    query = SCHEMA + "SELECT * { ?w schema:name ?t FILTER (CONTAINS(?t, 'abc')) }"
    assert "VALUES ?t {  }" in narrowed(query, Recorder([]))


# -- the same answers from a store, with and without the index -----------------------------

AWKWARD_GRAPH = "https://example.org/doc/person/awkward"
AWKWARD = [
    Literal("Straße und Relevanz"),
    Literal("STRASSE UND MÜLLER"),
    Literal("İstanbul İSTANBUL istanbul"),
    Literal("ΟΔΟΣ ΣΟΦΙΑΣ: relevance of sigma"),
    Literal("ǅemal ǆ ǄEMAL"),
    Literal("Quotes \" and \\ backslash ' apostrophe"),
    Literal("Tab\tand\nnewline relevance"),
    Literal("Relevanz der Methode", lang="de"),
    Literal("Relevance of methods", lang="en-GB"),
    Literal("2019 relevance year", datatype=URIRef("http://www.w3.org/2001/XMLSchema#string")),
    Literal("2019", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear")),
    Literal("Kelvin \u212a and long \u017f"),
    Literal("Garay \U00010d50\U00010d51 capitals"),
]
NEEDLES = [
    "relevance", "RELEVANCE", "Relevanz", "straße", "strasse", "STRASSE", "müller", "MÜLLER",
    "i̇stanbul", "İstanbul", "istanbul", "ISTANBUL", "οδος", "ΟΔΟΣ", "σοφιας", "ǆemal",
    "ǅemal", 'es " and \\ b', "' apo", "tab\tand\nnew", "201", "2019", "kelvin k", "long s",
    "long \u017f", "\U00010d70\U00010d71", "learning", "Learning for", "for ", " of ",
    "nothing matches this", "ing", "e r", "ss", "io",
]  # fmt: skip
FORMS = [
    'FILTER (CONTAINS(LCASE(STR(?t)), "{n}"))',
    'FILTER (CONTAINS(LCASE(?t), "{n}"))',
    'FILTER (CONTAINS(STR(?t), "{n}"))',
    'FILTER (CONTAINS(?t, "{n}"))',
    'FILTER (REGEX(?t, "{n}", "i"))',
    'FILTER (REGEX(STR(?t), "{n}"))',
]


def _sparql_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return escaped.replace("\n", "\\n").replace("\t", "\\t")


@pytest.fixture(scope="module")
def text_store(tmp_path_factory: pytest.TempPathFactory) -> StoreDirectory:
    """Generated CVs indexed from nothing (the bulk path), then a graph of awkward literals
    written by a second writer (the incremental path)."""
    root = tmp_path_factory.mktemp("text-store")
    write_cvs(3, root / "data", seed=11)
    directory = StoreDirectory(root / "store")
    index_paths([root / "data"], directory, "https://example.org", jobs=1)
    subject = URIRef("https://example.org/id/publication/awkward")
    triples = [(subject, URIRef(NAME), title) for title in AWKWARD]
    triples.append((subject, URIRef("http://schema.org/sameAs"), URIRef("urn:relevance")))
    record = GraphRecord(AWKWARD_GRAPH, str(root / "awkward.yaml"), "sha256:x", {})
    with directory.writer() as writer:
        writer.replace_graph(record, triples)
        writer.publish()
    return directory


@pytest.fixture(scope="module")
def engines(text_store: StoreDirectory) -> tuple[StoreEngine, StoreEngine]:
    snapshot = text_store.snapshots / str(text_store.generation())
    indexed, plain = StoreEngine.open(snapshot), StoreEngine.open(snapshot)
    plain.text_index = None
    assert indexed.text_index is not None
    return indexed, plain


def answers(engine: StoreEngine, query: str):
    outcome = decoded(engine.run(QueryRequest(query), 100_000))
    if isinstance(outcome, Boolean):
        return [repr(outcome.value)] if outcome.value else []
    rows = getattr(outcome, "rows", None) or getattr(outcome, "triples", None) or []
    return sorted(map(repr, rows))


def was_narrowed(engine: StoreEngine, query: str) -> bool:
    return narrowed(query, engine._text_candidates) != query


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("needle", NEEDLES)
def test_the_store_answers_alike_with_and_without_the_index(engines, form: str, needle: str):
    indexed, plain = engines
    query = SCHEMA + (
        f"SELECT ?w ?t {{ ?w schema:name ?t . {form.format(n=_sparql_string(needle))} }}"
    )
    assert answers(indexed, query) == answers(plain, query)
    expected = (
        len(fold(needle)) >= 3
        and not ("LCASE" in form and needle != needle.lower())  # no answer: left alone
        and not ("REGEX" in form and set(needle) & set("\\.^$|?*+()[]{}"))
    )
    assert was_narrowed(indexed, query) == expected


def test_the_awkward_titles_are_found_by_the_needles_that_name_them(engines) -> None:
    indexed, _ = engines
    query = SCHEMA + "SELECT ?t { ?w schema:name ?t FILTER (CONTAINS(LCASE(?t), '{n}')) }"
    found = {
        needle: answers(indexed, query.replace("{n}", needle))
        for needle in ("strasse", "i̇stanbul", "ǆemal")
    }
    assert all(found.values())


@pytest.mark.parametrize(
    "query",
    [
        SCHEMA + "SELECT ?w ?t { ?w schema:sameAs ?t FILTER (CONTAINS(STR(?t), 'relevance')) }",
        SCHEMA + "SELECT ?w ?t { ?w ?p ?t FILTER (CONTAINS(LCASE(STR(?t)), 'relevance')) }",
    ],
)
def test_str_of_a_variable_that_may_be_an_iri_is_not_narrowed(engines, query: str) -> None:
    indexed, plain = engines
    assert answers(indexed, query) == answers(plain, query) != []
    assert not was_narrowed(indexed, query)


def test_a_variable_predicate_without_str_is_narrowed_to_every_literal(engines) -> None:
    indexed, plain = engines
    query = SCHEMA + "SELECT ?w ?p ?t { ?w ?p ?t FILTER (CONTAINS(LCASE(?t), 'relevance')) }"
    assert answers(indexed, query) == answers(plain, query) != []
    assert was_narrowed(indexed, query)


def test_too_many_candidates_leave_the_query_to_the_engine(engines, monkeypatch) -> None:
    indexed, plain = engines
    query = SCHEMA + "SELECT ?t { ?w schema:name ?t FILTER (CONTAINS(LCASE(?t), 'relevance')) }"
    assert was_narrowed(indexed, query)
    monkeypatch.setattr(store_engine_module, "TEXT_CANDIDATES_FLOOR", 2)
    monkeypatch.setattr(store_engine_module, "TEXT_CANDIDATES_SHARE", 0.01)
    assert not was_narrowed(indexed, query)  # four titles hold it: more than 2
    assert answers(indexed, query) == answers(plain, query) != []


def test_a_query_anchored_on_a_literal_is_left_to_the_engine(engines) -> None:
    indexed, plain = engines
    example = (
        Path(store_engine_module.__file__).parent / "queries" / "4-describe-a-paper.rq"
    ).read_text(encoding="utf-8")
    unanchored = example.replace('?author schema:familyName "Samek" .', "")
    assert not was_narrowed(indexed, example)
    assert was_narrowed(indexed, unanchored)
    assert answers(indexed, example) == answers(plain, example)


def test_the_example_answers_alike_and_is_narrowed(engines) -> None:
    indexed, plain = engines
    example = (
        Path(store_engine_module.__file__).parent / "queries" / "5-title-search.rq"
    ).read_text(encoding="utf-8")
    assert was_narrowed(indexed, example)
    assert decoded(indexed.run(QueryRequest(example), 10_000)) == decoded(
        plain.run(QueryRequest(example), 10_000)
    )


def test_a_changed_title_is_found_by_its_new_text_only(engines, text_store, tmp_path) -> None:
    import shutil

    copy = StoreDirectory(tmp_path / "store")
    shutil.copytree(text_store.path, copy.path)
    record = GraphRecord(AWKWARD_GRAPH, str(tmp_path / "awkward.yaml"), "sha256:y", {})
    subject = URIRef("https://example.org/id/publication/awkward")
    with copy.writer() as writer:
        writer.replace_graph(record, [(subject, URIRef(NAME), Literal("Salience instead"))])
        generation = writer.publish()
    engine = StoreEngine.open(copy.snapshots / str(generation))
    query = SCHEMA + "SELECT ?t { ?w schema:name ?t FILTER (CONTAINS(LCASE(?t), '{n}')) }"

    old, new = query.replace("{n}", "straße und"), query.replace("{n}", "salience")
    assert was_narrowed(engine, old) and answers(engine, old) == []
    assert answers(engine, new) == [repr((decoded_term("Salience instead"),))]


def decoded_term(text: str):
    from ldcv.sparql import Term

    return Term("literal", text)


@pytest.mark.slow
def test_the_query_workers_of_a_store_read_its_text_index(text_store, tmp_path) -> None:
    import shutil
    import sqlite3

    from ldcv.sparql import QueryPool
    from ldcv.store.text_index import index_path

    copy = tmp_path / "store"
    shutil.copytree(text_store.path, copy)
    query = SCHEMA + "SELECT ?t { ?w schema:name ?t FILTER (CONTAINS(LCASE(?t), 'relevanz')) }"
    snapshot = copy / "snapshots" / str(text_store.generation())

    def titles() -> bytes:
        pool = QueryPool("oxigraph", snapshot, size=1)
        try:
            return pool.run(QueryRequest(query, accept="text/tab-separated-values"), 60).body
        finally:
            pool.close()

    assert b"Stra\xc3\x9fe und Relevanz" in titles()
    # An index that lost a literal (never so kept) shows that the worker asked it.
    with sqlite3.connect(index_path(copy)) as db:
        db.execute("DELETE FROM literals WHERE term = ?", ('"Straße und Relevanz"',))
    assert b"Stra\xc3\x9fe und Relevanz" not in titles()
    assert b"Relevanz der Methode" in titles()


SHAPES = [
    # the filter before the triple that binds the variable
    "SELECT ?w ?t { FILTER (CONTAINS(LCASE(?t), 'relevan')) ?w schema:name ?t }",
    # a BIND before and an OPTIONAL after, in the same group
    "SELECT ?w ?t ?s ?d { BIND ('x' AS ?s) ?w schema:name ?t "
    "OPTIONAL { ?w schema:datePublished ?d } FILTER (REGEX(?t, 'relevan', 'i')) }",
    # inside an OPTIONAL's group: the left join's condition
    "SELECT ?w ?t ?u { ?w schema:name ?t OPTIONAL { ?w schema:name ?u "
    "FILTER (CONTAINS(LCASE(?u), 'of')) } FILTER (CONTAINS(LCASE(?t), 'relevan')) }",
    # each branch of a UNION, a MINUS beside
    "SELECT ?w ?t { { ?w schema:name ?t FILTER (CONTAINS(?t, 'Relevan')) } UNION "
    "{ ?w schema:name ?t FILTER (CONTAINS(LCASE(?t), 'istanbul')) } "
    "MINUS { ?w schema:name 'Relevance of methods'@en-GB } }",
    # a subquery with its own modifiers, and GRAPH ?g
    "SELECT ?g ?w ?t { { SELECT ?w ?t { ?w schema:name ?t "
    "FILTER (CONTAINS(LCASE(STR(?t)), 'relevan')) } ORDER BY ?t LIMIT 3 } "
    "GRAPH ?g { ?w schema:name ?t } }",
    # two filters on one variable
    "SELECT ?t { ?w schema:name ?t FILTER (CONTAINS(LCASE(?t), 'relevan')) "
    "FILTER (CONTAINS(LCASE(?t), 'method')) }",
    # aggregates over a narrowed group
    "SELECT (COUNT(?t) AS ?n) (SAMPLE(?w) AS ?any) { ?w schema:name ?t "
    "FILTER (CONTAINS(LCASE(?t), 'relevan')) } GROUP BY ?w HAVING (COUNT(?t) > 0)",
    # escapes in the needle, as the engine reads them
    'SELECT ?t { ?w schema:name ?t FILTER (CONTAINS(LCASE(?t), "stra\\u00dfe und")) }',
    "SELECT ?t { ?w schema:name ?t FILTER (CONTAINS(?t, 'Tab\\tand\\nnewline')) }",
    # an ASK and a CONSTRUCT
    "ASK { ?w schema:name ?t FILTER (CONTAINS(LCASE(?t), 'σοφιας')) }",
    "CONSTRUCT { ?w schema:name ?t } WHERE { ?w schema:name ?t "
    "FILTER (CONTAINS(LCASE(?t), 'relevan')) }",
]


@pytest.mark.parametrize("shape", SHAPES)
def test_queries_of_every_shape_answer_alike_narrowed(engines, shape: str) -> None:
    indexed, plain = engines
    query = SCHEMA + shape
    assert was_narrowed(indexed, query)
    assert answers(indexed, query) == answers(plain, query)
    assert answers(plain, query) != []
