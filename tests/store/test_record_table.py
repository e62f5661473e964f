"""A generation's records in an SQLite table: made by the writer, read by key by every reader."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from ldcv.store import record_table
from ldcv.store.disk import StoreDirectory
from ldcv.store.record_table import RecordTable, table_path
from ldcv.store.records import GraphRecord, read_records

EX = "https://example.org/"
NAME = URIRef("https://schema.org/name")
ADA, GRACE, ALAN = (f"{EX}doc/person/{key}" for key in ("ada", "grace", "alan"))


def record(graph: str, content_hash: str = "h1", **details) -> GraphRecord:
    details = {"base": EX, "owner": graph.rsplit("/", 1)[-1], **details}
    return GraphRecord(graph, f"data/{graph.rsplit('/', 1)[-1]}.yaml", content_hash, details)


def person(graph: str, name: str) -> list[tuple]:
    return [(URIRef(graph.replace("/doc/", "/id/")), NAME, Literal(name))]


def as_stored(store: ox.Store) -> dict[str, GraphRecord]:
    """The records the store itself holds, every one read (what the table must give)."""
    return read_records(store, details_when_asked=True)


def test_a_published_generation_has_a_table_of_its_records(store_directory):
    with store_directory.writer() as writer:
        writer.replace_graph(record(ADA, declarations={"people": ["ada"]}), person(ADA, "Ada"))
        writer.replace_graph(record(GRACE), person(GRACE, "Grace"))
        generation = writer.publish()

    assert table_path(store_directory.path, generation).is_file()
    with store_directory.open_snapshot() as snapshot:
        assert isinstance(snapshot.records, RecordTable)
        assert snapshot.records == as_stored(snapshot.store)
        assert snapshot.records[ADA].details["owner"] == "ada"
        # The indexer's part is not in the table; it is read from the store when asked.
        assert snapshot.records[ADA].details["declarations"] == {"people": ["ada"]}
        assert ALAN not in snapshot.records and snapshot.records.get(ALAN) is None
        assert len(snapshot.records) == 2 and sorted(snapshot.records) == [ADA, GRACE]


def test_the_next_generations_table_is_the_last_one_with_what_the_writer_changed(
    store_directory,
):
    with store_directory.writer() as writer:
        for graph in (ADA, GRACE, ALAN):
            writer.replace_graph(record(graph), person(graph, graph[-4:]))
        writer.publish()
    with store_directory.writer() as writer:
        writer.replace_graph(record(ADA, "h2", note="edited"), person(ADA, "Ada L."))  # edited
        writer.remove_graph(GRACE)  # removed
        writer.replace_graph(record(EX + "doc/person/kurt"), person(EX + "kurt", "Kurt"))  # added
        writer.replace_graph(record(ALAN), person(ALAN, "alan"))  # the same again: unchanged
        generation = writer.publish()

    with store_directory.open_snapshot() as snapshot:
        assert snapshot.generation == generation
        assert snapshot.records == as_stored(snapshot.store)
        assert set(snapshot.records) == {ADA, ALAN, EX + "doc/person/kurt"}
        assert snapshot.records[ADA].details["note"] == "edited"
        # What changed since the last generation: the graphs written (a removed one is gone).
        assert snapshot.records.written_after(generation - 1) == [ADA, EX + "doc/person/kurt"]
        assert snapshot.records.written_after(0) == sorted(snapshot.records)


def test_changes_a_killed_writer_left_unpublished_are_in_the_next_table(store_directory):
    written = StoreDirectory(store_directory.path)
    with written.writer() as writer:
        writer.replace_graph(record(ADA), person(ADA, "Ada"))
        writer.publish()
    with written.writer() as writer:  # changes the primary, then dies before publishing
        writer.replace_graph(record(GRACE), person(GRACE, "Grace"))
    assert (store_directory.path / "unpublished").exists()

    with written.writer() as writer:
        writer.replace_graph(record(ALAN), person(ALAN, "Alan"))
        writer.publish()

    assert not (store_directory.path / "unpublished").exists()
    with store_directory.open_snapshot() as snapshot:
        assert set(snapshot.records) == {ADA, GRACE, ALAN}
        assert snapshot.records == as_stored(snapshot.store)
        # Whatever the killed writer did is not known: every graph counts as written now.
        assert snapshot.records.written_after(snapshot.generation - 1) == [ADA, ALAN, GRACE]


def test_a_table_made_for_a_generation_never_published_is_not_used(store_directory):
    with store_directory.writer() as writer:
        writer.replace_graph(record(ADA), person(ADA, "Ada"))
        generation = writer.publish()
    stale = table_path(store_directory.path, generation + 1)
    stale.parent.mkdir(parents=True)
    shutil.copyfile(table_path(store_directory.path, generation), stale)  # a run killed late

    with store_directory.writer() as writer:
        writer.remove_graph(ADA)
        writer.replace_graph(record(GRACE), person(GRACE, "Grace"))
        assert writer.publish() == generation + 1

    with store_directory.open_snapshot() as snapshot:
        assert set(snapshot.records) == {GRACE}


@pytest.mark.slow  # a child process reads the records
def test_a_snapshot_published_without_a_table_has_one_made_when_opened(store_directory):
    with store_directory.writer() as writer:
        writer.replace_graph(record(ADA, declarations={"people": ["ada"]}), person(ADA, "Ada"))
        generation = writer.publish()
    shutil.rmtree(table_path(store_directory.path, generation).parent)  # as ldcv 2026-12-05

    with store_directory.open_snapshot() as snapshot:
        assert table_path(store_directory.path, generation).is_file()
        assert snapshot.records == as_stored(snapshot.store)
        assert snapshot.records[ADA].details["declarations"] == {"people": ["ada"]}


def test_walking_a_table_reads_it_in_chunks_in_graph_order(store_directory, monkeypatch):
    graphs = [f"{EX}doc/person/p{number:02}" for number in range(7)]
    with store_directory.writer() as writer:
        for graph in reversed(graphs):
            writer.replace_graph(record(graph), person(graph, graph[-3:]))
        writer.publish()
    monkeypatch.setattr(record_table, "_CHUNK", 2)

    with store_directory.open_snapshot() as snapshot:
        assert list(snapshot.records) == graphs
        assert [r.graph for r in snapshot.records.values()] == graphs
        assert [g for g, r in snapshot.records.items() if r.graph == g] == graphs
