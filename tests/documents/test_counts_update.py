"""VoID's counts updated for a change: what the merge gained and lost, classes that went."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Literal, URIRef

from ldcv.documents.counts_update import updated_counts
from ldcv.documents.snapshot_change import snapshot_change
from ldcv.documents.snapshot_crawler_files import counts_json
from ldcv.store.disk import StoreDirectory
from ldcv.store.records import GraphRecord
from ldcv.store.union_queries import classes, predicate_counts

EX = "https://example.org"
NAME, KNOWS = URIRef("https://schema.org/name"), URIRef("https://schema.org/knows")
PERSON, ROBOT = URIRef("https://schema.org/Person"), URIRef("https://example.org/Robot")
ADA, BOB = URIRef(f"{EX}/id/person/ada"), URIRef(f"{EX}/id/person/bob")


def record(key: str) -> GraphRecord:
    return GraphRecord(f"{EX}/doc/person/{key}", f"data/{key}.yaml", "h", {"owner": key})


def counted(store: ox.Store) -> bytes:
    """The counts file made from nothing, as a request makes it."""
    return counts_json(predicate_counts(store), classes(store))


def test_counts_updated_for_a_removed_and_an_edited_graph_are_those_counted_afresh(
    tmp_path: Path,
) -> None:
    directory = StoreDirectory(tmp_path / "store")
    with directory.writer() as writer:
        writer.replace_graph(
            record("ada"),
            [(ADA, RDF.type, PERSON), (ADA, NAME, Literal("Ada")), (ADA, KNOWS, BOB)],
        )
        writer.replace_graph(
            record("bob"),
            [(BOB, RDF.type, ROBOT), (BOB, NAME, Literal("Bob")), (ADA, NAME, Literal("Ada"))],
        )
        first = writer.publish()
    with directory.writer() as writer:
        writer.remove_graph(record("bob").graph)  # Robot goes, and Bob's name; Ada's stays
        writer.replace_graph(record("ada"), [(ADA, RDF.type, PERSON), (ADA, NAME, Literal("A"))])
        writer.publish()  # knows goes

    old = ox.Store.read_only(str(directory.snapshots / str(first)))
    previous = counted(old)
    with directory.open_snapshot() as snapshot:
        records = snapshot.records
        written = records.written_after(first)  # type: ignore[attr-defined]
        change = snapshot_change(old, snapshot.store, records, written, EX)
        assert change is not None and change.graphs == {record("ada").graph, record("bob").graph}
        updated = updated_counts(previous, change)
        assert updated == counted(snapshot.store)
    assert b"Robot" in previous and b"Robot" not in updated
    assert b"knows" in previous and b"knows" not in updated
