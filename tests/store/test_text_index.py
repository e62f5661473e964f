"""The text index: folding as the engine's LCASE and REGEX fold, a superset, kept by writers."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from ldcv.store.disk import StoreDirectory
from ldcv.store.records import GraphRecord
from ldcv.store.text_index import (
    TextIndex,
    TextIndexWriter,
    fold,
    index_continues,
    index_path,
)

EX = "https://example.org/"
NAME = URIRef("http://schema.org/name")
SAME_AS = URIRef("http://schema.org/sameAs")
# Letters whose cases do not map one to one: what a naive lower() would miss.
TRICKY = "ßẞİıIiΣσςǄǅǆKkKſsÅåÅﬁ"


def _engine_lowercase(texts: list[str]) -> list[str]:
    """pyoxigraph's LCASE of each text, in one query."""
    values = " ".join(str(ox.Literal(text)) for text in texts)
    rows = ox.Store().query(f"SELECT ?t (LCASE(?t) AS ?l) {{ VALUES ?t {{ {values} }} }}")
    lowered = {row[0].value: row[1].value for row in rows}
    return [lowered[text] for text in texts]


def test_fold_covers_the_engines_lcase_of_every_code_point() -> None:
    characters = [chr(c) for c in range(0x21, 0x110000) if not 0xD800 <= c < 0xE000]
    mismatched = []
    for start in range(0, len(characters), 20_000):
        chunk = characters[start : start + 20_000]
        (lowered,) = _engine_lowercase([" ".join(chunk)])
        for character, lower in zip(chunk, lowered.split(" "), strict=True):
            if fold(lower) != fold(character):
                mismatched.append(hex(ord(character)))
    assert mismatched == []


def test_fold_is_one_character_at_a_time() -> None:
    # So a substring of a text folds to a substring of the folded text.
    text = "".join(chr(c) for c in range(0x21, 0x30000) if not 0xD800 <= c < 0xE000)
    assert fold(text) == "".join(fold(character) for character in text)


@pytest.mark.parametrize("letter", list(TRICKY))
def test_what_regex_i_matches_folds_alike(letter: str) -> None:
    values = " ".join(str(ox.Literal(other)) for other in TRICKY)
    query = (
        f"SELECT ?o {{ VALUES ?o {{ {values} }} FILTER (REGEX(?o, {ox.Literal(letter)}, 'i')) }}"
    )
    matched = [row[0].value for row in ox.Store().query(query)]
    assert letter in matched
    assert all(fold(letter) in fold(other) for other in matched)


def test_final_sigma_is_found_by_its_capital() -> None:
    (lowered,) = _engine_lowercase(["ΟΔΟΣ"])
    assert lowered.endswith("ς")  # the engine writes a final sigma
    assert fold("σ") in fold(lowered) and fold("Σ") == fold("ς")


def quad(subject: str, predicate: URIRef, value: ox.Literal | ox.NamedNode) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + subject), ox.NamedNode(str(predicate)), value)


@pytest.fixture
def written_index(tmp_path: Path) -> Path:
    writer = TextIndexWriter(index_path(tmp_path))
    writer.make(ox.Store(), built=1)
    writer.add_quads(
        [
            quad("a", NAME, ox.Literal("Straße der Relevanz")),
            quad("b", NAME, ox.Literal("İSTANBUL notes", language="en")),
            quad("c", NAME, ox.Literal('Quote " and \\ backslash')),
            quad("d", SAME_AS, ox.NamedNode(EX + "relevance")),
            quad(
                "e",
                URIRef(EX + "year"),
                ox.Literal("2019", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
            ),
        ]
    )
    writer.covers(1)
    writer.close()
    return tmp_path


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("STRASSE", ['"Straße der Relevanz"']),
        ("relevanz", ['"Straße der Relevanz"']),
        ("i̇stanbul", ['"İSTANBUL notes"@en']),
        ('" and \\', ['"Quote \\" and \\\\ backslash"']),
        ("201", ['"2019"^^<http://www.w3.org/2001/XMLSchema#gYear>']),
        ("nothing of the sort", []),
    ],
)
def test_candidates_are_the_literals_holding_the_text_in_any_case(
    written_index: Path, needle: str, expected: list[str]
) -> None:
    index = TextIndex.of_snapshot(written_index, 1)
    assert index is not None
    assert index.candidates(needle, None, 100) == expected


def test_candidates_narrow_to_the_predicates_asked(written_index: Path) -> None:
    index = TextIndex.of_snapshot(written_index, 1)
    assert index.candidates("rel", (str(NAME),), 100) == ['"Straße der Relevanz"']
    assert index.candidates("rel", (EX + "other",), 100) == []


def test_a_needle_too_short_or_matching_too_many_is_left_to_the_engine(written_index) -> None:
    index = TextIndex.of_snapshot(written_index, 1)
    assert index.candidates("ss", None, 100) is None  # "ß" folds to two letters: still short
    assert index.candidates("ß", None, 100) is None
    assert index.candidates("e", None, 100) is None
    assert index.candidates("an", None, 100) is None
    assert len(index.candidates("str", None, 1)) == 1
    assert index.candidates("s", None, 0) is None


def test_the_index_counts_the_literals_of_each_predicate(written_index: Path) -> None:
    index = TextIndex.of_snapshot(written_index, 1)
    assert index.literal_count((str(NAME),)) == 3
    assert index.literal_count((str(NAME), EX + "year")) == 4
    assert index.literal_count((str(SAME_AS),)) == 0
    assert index.literal_count(None) == 4


def test_a_predicate_with_other_objects_than_literals_is_marked(written_index: Path) -> None:
    index = TextIndex.of_snapshot(written_index, 1)
    assert index.literal_objects_only((str(NAME),))
    assert not index.literal_objects_only((str(SAME_AS),))


def test_the_index_serves_only_the_generations_it_holds_every_literal_of(written_index) -> None:
    assert TextIndex.of_snapshot(written_index, 1).candidates("relevanz", None, 9)
    assert TextIndex.of_snapshot(written_index, 2).candidates("relevanz", None, 9) is None
    assert TextIndex.of_snapshot(written_index, 0).candidates("relevanz", None, 9) is None
    assert index_continues(written_index, 1) and not index_continues(written_index, 2)


def test_a_store_without_an_index_has_none(tmp_path: Path) -> None:
    assert TextIndex.of_snapshot(tmp_path, 1) is None
    assert not index_continues(tmp_path, 1)


# -- kept by the store's writers ---------------------------------------------------------


def record(graph: str) -> GraphRecord:
    return GraphRecord(graph, f"/data/{graph.rsplit('/', 1)[-1]}.yaml", "sha256:x", {})


def titled(subject: str, *titles: str) -> list[tuple[URIRef, URIRef, Literal]]:
    return [(URIRef(EX + subject), NAME, Literal(title)) for title in titles]


def test_a_first_index_is_made_from_the_whole_store_when_published(tmp_path: Path) -> None:
    directory = StoreDirectory(tmp_path / "store")
    with directory.writer(fresh=True) as writer:
        writer.replace_graph(record(EX + "graph/a"), titled("a", "On Relevance"))
        assert not index_path(directory.path).exists()
        generation = writer.publish()

    index = TextIndex.of_snapshot(directory.path, generation)
    assert index.candidates("RELEVANCE", None, 9) == ['"On Relevance"']


def test_a_changed_title_stays_a_candidate_and_the_new_one_is_one(tmp_path: Path) -> None:
    directory = StoreDirectory(tmp_path / "store")
    with directory.writer(fresh=True) as writer:
        writer.replace_graph(record(EX + "graph/a"), titled("a", "On Relevance"))
        writer.publish()
    with directory.writer() as writer:
        writer.replace_graph(record(EX + "graph/a"), titled("a", "On Salience"))
        second = writer.publish()

    index = TextIndex.of_snapshot(directory.path, second)
    # Superset: the old title may still be read in the older snapshot, so it stays.
    assert index.candidates("relevance", None, 9) == ['"On Relevance"']
    assert index.candidates("salience", None, 9) == ['"On Salience"']
    assert TextIndex.of_snapshot(directory.path, second - 1).candidates("relevance", None, 9)


def test_a_store_published_by_a_writer_that_kept_no_index_has_it_made(tmp_path: Path) -> None:
    directory = StoreDirectory(tmp_path / "store")
    with directory.writer(fresh=True) as writer:
        writer.replace_graph(record(EX + "graph/a"), titled("a", "On Relevance"))
        writer.publish()
    index_path(directory.path).unlink()  # as an older ldcv leaves a store
    generation = directory.generation()

    with directory.writer():
        pass  # opening it is enough: nothing is published

    assert directory.generation() == generation
    found = TextIndex.of_snapshot(directory.path, generation).candidates("relev", None, 9)
    assert found == ['"On Relevance"']


def test_the_writer_indexes_a_graphs_literals_before_the_graph_changes(tmp_path: Path) -> None:
    directory = StoreDirectory(tmp_path / "store")
    with directory.writer(fresh=True) as writer:
        writer.replace_graph(record(EX + "graph/a"), titled("a", "On Relevance"))
        writer.publish()
    with directory.writer() as writer:
        writer.replace_graph(record(EX + "graph/a"), titled("a", "Unpublished Salience"))
        # Not published yet: the index already holds it (an extra candidate is harmless).
        rows = sqlite3.connect(index_path(directory.path)).execute("SELECT term FROM literals")
        assert '"Unpublished Salience"' in {row[0] for row in rows}


_ADD_FOREVER = """
import sys, pyoxigraph as ox
from ldcv.store.text_index import TextIndexWriter
writer = TextIndexWriter(sys.argv[1])
name = ox.NamedNode("http://schema.org/name")
n = 0
while True:
    batch = [ox.Triple(ox.NamedNode(f"https://example.org/w{n}-{i}"), name,
                       ox.Literal(f"title number {n} part {i}")) for i in range(200)]
    writer.add_quads(batch)
    n += 1
    if n == 3:
        print("added", flush=True)
"""


@pytest.mark.slow
def test_an_index_killed_while_adding_stays_usable_with_all_it_committed(tmp_path) -> None:
    path = index_path(tmp_path)
    TextIndexWriter(path).covers(1, built=1)
    child = subprocess.Popen(
        [sys.executable, "-c", _ADD_FOREVER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdout.readline() == "added\n"
    time.sleep(0.3)
    child.send_signal(signal.SIGKILL)
    child.wait(10)

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        committed = db.execute("SELECT COUNT(*) FROM literals").fetchone()[0]
    assert committed >= 600 and committed % 200 == 0  # whole batches only
    index = TextIndex.of_snapshot(tmp_path, 1)
    assert index.candidates("title number 2 part 199", None, 10) == ['"title number 2 part 199"']
    writer = TextIndexWriter(path)  # and it is written to again
    writer.add_quads([quad("z", NAME, ox.Literal("after the kill"))])
    assert index.candidates("after the kill", None, 10) == ['"after the kill"']


def test_made_from_a_store_and_added_to_one_graph_at_a_time_alike(tmp_path: Path) -> None:
    triples = [
        *titled("a", "On Relevance", "Über Relevanz"),
        *titled("b", "On Relevance"),
        (URIRef(EX + "a"), SAME_AS, URIRef(EX + "relevance")),
        (URIRef(EX + "b"), URIRef(EX + "year"), Literal("2019")),
    ]
    made, added = StoreDirectory(tmp_path / "made"), StoreDirectory(tmp_path / "added")
    with made.writer(fresh=True) as writer:
        writer.replace_graph(record(EX + "graph/a"), triples)
        writer.publish()
    with added.writer() as writer:  # not fresh: each graph's literals added as it is written
        writer.replace_graph(record(EX + "graph/a"), triples)
        writer.publish()

    def described(directory: StoreDirectory):
        index = TextIndex.of_snapshot(directory.path, directory.generation())
        return (
            index.candidates("relev", None, 9),
            [index.literal_count(p) for p in ((str(NAME),), (str(SAME_AS),), None)],
            [index.literal_objects_only(p) for p in ((str(NAME),), (str(SAME_AS),))],
        )

    assert described(made) == described(added)
    assert described(made) == (
        ['"On Relevance"', '"Über Relevanz"'],
        [2, 0, 3],
        [True, False],
    )
