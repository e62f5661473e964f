"""The store directory: a writer changes the primary, readers see only what was published."""

from __future__ import annotations

import json
import os
import pickle
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from ldcv.store import disk
from ldcv.store.blank_nodes import label_blank_nodes
from ldcv.store.disk import StoreBusy, StoreDirectory
from ldcv.store.records import RECORDS_GRAPH, GraphRecord
from ldcv.store.terms import to_rdflib

EX = "https://example.org/"
NAME = URIRef("https://schema.org/name")
AUTHOR_LIST = URIRef("http://purl.org/ontology/bibo/authorList")


def record(graph: str, content_hash: str = "h1", **details) -> GraphRecord:
    return GraphRecord(graph, f"data/{graph.rsplit('/', 1)[-1]}.yaml", content_hash, details)


def person(key: str, name: str) -> list[tuple]:
    return [(URIRef(f"{EX}id/person/{key}"), NAME, Literal(name))]


def triples_in(store: ox.Store, graph: str) -> set[tuple]:
    return {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    }


def union_of(store: ox.Store) -> set[tuple]:
    """The triples of every graph but the store's own, as the documents read them."""
    return {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in store
        if q.graph_name != ox.NamedNode(RECORDS_GRAPH)
    }


def graph_of(triples) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def written(directory: StoreDirectory, *graphs: tuple[GraphRecord, list[tuple]]) -> int:
    with directory.writer() as writer:
        for graph_record, triples in graphs:
            writer.replace_graph(graph_record, triples)
        return writer.publish()


def test_reading_a_store_nothing_wrote_finds_nothing_and_creates_nothing(store_directory):
    assert store_directory.generation() is None
    assert store_directory.open_snapshot() is None
    assert not store_directory.path.exists()


def test_a_published_graph_and_its_record_are_in_the_snapshot(store_directory, seed_dataset):
    graph = EX + "graph/seed"
    seed = list(seed_dataset.graph)

    generation = written(store_directory, (record(graph, people=["a", "b"]), seed))

    assert store_directory.generation() == generation == 1
    with store_directory.open_snapshot() as snapshot:
        assert snapshot.generation == 1
        assert snapshot.records == {graph: record(graph, people=["a", "b"])}
        # The seed's triples, its blank nodes named by their place in it.
        assert triples_in(snapshot.store, graph) == set(label_blank_nodes(graph, seed))


def test_the_next_writer_finds_the_records_as_json_gives_them(store_directory):
    graph = EX + "graph/ada"
    written(store_directory, (record(graph, people=("ada",), counts={"papers": 3}), []))

    with store_directory.writer() as writer:
        assert dict(writer.records) == {
            graph: GraphRecord(
                graph, "data/ada.yaml", "h1", {"people": ["ada"], "counts": {"papers": 3}}
            )
        }


def test_replacing_a_graph_replaces_all_of_it_and_nothing_else(store_directory):
    ada, grace = EX + "graph/ada", EX + "graph/grace"
    written(
        store_directory,
        (record(ada), person("ada", "Ada") + person("ada-2", "Ada II")),
        (record(grace), person("grace", "Grace")),
    )

    written(store_directory, (record(ada, "h2"), person("ada", "Ada Lovelace")))

    with store_directory.open_snapshot() as snapshot:
        assert triples_in(snapshot.store, ada) == set(person("ada", "Ada Lovelace"))
        assert triples_in(snapshot.store, grace) == set(person("grace", "Grace"))
        assert snapshot.records[ada].content_hash == "h2"
        assert snapshot.records[grace].content_hash == "h1"


def test_rewriting_the_same_triples_under_a_new_record_changes_the_record(store_directory):
    ada = EX + "graph/ada"
    written(store_directory, (record(ada, "h1"), person("ada", "Ada")))

    written(store_directory, (record(ada, "h2", note="same file, touched"), person("ada", "Ada")))

    with store_directory.open_snapshot() as snapshot:
        assert snapshot.records[ada] == record(ada, "h2", note="same file, touched")
        assert triples_in(snapshot.store, ada) == set(person("ada", "Ada"))


def test_removing_a_graph_removes_its_triples_and_its_record(store_directory):
    ada, grace = EX + "graph/ada", EX + "graph/grace"
    written(store_directory, (record(ada), person("ada", "Ada")), (record(grace), person("g", "G")))

    with store_directory.writer() as writer:
        writer.remove_graph(ada)
        assert set(writer.records) == {grace}
        writer.publish()

    with store_directory.open_snapshot() as snapshot:
        assert set(snapshot.records) == {grace}
        assert triples_in(snapshot.store, ada) == set()
        assert union_of(snapshot.store) == set(person("g", "G"))


HOSTILE = 'quote " backslash \\ newline \n return \r tab \t ünïcödé 😀 }} ; . <x> \\u0041'


@pytest.mark.parametrize(
    "value",
    [
        Literal(HOSTILE),
        Literal(HOSTILE, lang="de-CH"),
        Literal("2021-07", datatype=XSD.gYearMonth),
        Literal("42", datatype=XSD.integer),
        Literal(HOSTILE, datatype=URIRef(EX + "datatype/ä")),
        URIRef(EX + "id/ä/ö%20ü"),
    ],
)
@pytest.mark.slow
def test_terms_and_records_come_back_as_they_were_written(store_directory, value):
    # The first write of a graph adds its quads; a later one changes them by a SPARQL update.
    new, changed = EX + "graph/new", EX + "graph/changed"
    triple = (URIRef(EX + "id/thing"), NAME, value)
    written(store_directory, (record(changed), person("ada", "Ada")))

    def hostile(graph: str) -> GraphRecord:
        return GraphRecord(graph, f"data/{HOSTILE}.yaml", HOSTILE, {HOSTILE: [HOSTILE, 1]})

    written(store_directory, (hostile(new), [triple]), (hostile(changed), [triple]))

    with store_directory.open_snapshot() as snapshot:
        assert snapshot.records == {new: hostile(new), changed: hostile(changed)}
        for graph in (new, changed):
            ((_, _, back),) = triples_in(snapshot.store, graph)
            assert back == value
            assert str(back) == str(value)
            assert getattr(back, "datatype", None) == getattr(value, "datatype", None)


def author_list(paper: URIRef, authors: list[str]) -> list[tuple]:
    graph = Graph()
    head = BNode()
    graph.add((paper, AUTHOR_LIST, head))
    Collection(graph, head, [URIRef(f"{EX}id/person/{a}") for a in authors])
    return list(graph)


def test_the_same_author_list_in_two_cvs_is_one_list_in_the_union(store_directory):
    paper = URIRef(EX + "id/publication/p1")
    authors = ["ada", "grace", "kurt"]

    written(
        store_directory,
        (record(EX + "graph/ada"), author_list(paper, authors)),
        (record(EX + "graph/grace"), author_list(paper, authors)),
    )

    with store_directory.open_snapshot() as snapshot:
        union = union_of(snapshot.store)
    assert len(union) == len(author_list(paper, authors)) == 7
    heads = {o for s, p, o in union if p == AUTHOR_LIST}
    assert len(heads) == 1


def test_a_graph_read_ahead_of_its_replacement_is_replaced_as_one_read_then(tmp_path):
    paper = URIRef(EX + "id/publication/p1")
    ada, grace = EX + "graph/ada", EX + "graph/grace"
    first = author_list(paper, ["ada", "grace"]) + person("ada", "Ada")
    changed = author_list(paper, ["grace", "kurt", "ada"]) + person("ada", "Ada Lovelace")
    contents = []
    for read_ahead in (False, True):
        directory = StoreDirectory(tmp_path / f"read-ahead-{read_ahead}")
        written(directory, (record(ada), first), (record(grace), first))
        with directory.writer() as writer:
            if read_ahead:
                writer.prefetch(ada)
            writer.replace_graph(record(ada, "h2"), changed)
            writer.publish()
        with directory.open_snapshot() as snapshot:
            contents.append(set(snapshot.store))
            assert isomorphic(graph_of(triples_in(snapshot.store, ada)), graph_of(changed))
            assert snapshot.records[ada].content_hash == "h2"

    assert contents[0] == contents[1]


def test_a_changed_author_list_replaces_the_old_one_in_its_graph_only(store_directory):
    paper = URIRef(EX + "id/publication/p1")
    ada, grace = EX + "graph/ada", EX + "graph/grace"
    written(
        store_directory,
        (record(ada), author_list(paper, ["ada", "grace"])),
        (record(grace), author_list(paper, ["ada", "grace"])),
    )

    written(store_directory, (record(ada, "h2"), author_list(paper, ["grace", "kurt", "ada"])))

    with store_directory.open_snapshot() as snapshot:
        assert isomorphic(
            graph_of(triples_in(snapshot.store, ada)),
            graph_of(author_list(paper, ["grace", "kurt", "ada"])),
        )
        assert isomorphic(
            graph_of(triples_in(snapshot.store, grace)),
            graph_of(author_list(paper, ["ada", "grace"])),
        )


def test_a_literal_the_store_writes_in_canonical_form_survives_a_rewrite(store_directory):
    ada = EX + "graph/ada"
    price = [(URIRef(EX + "id/thing"), NAME, Literal("1.50", datatype=XSD.decimal))]
    written(store_directory, (record(ada, "h1"), price))

    written(store_directory, (record(ada, "h2"), price))

    with store_directory.open_snapshot() as snapshot:
        ((_, _, value),) = triples_in(snapshot.store, ada)
    assert (str(value), value.datatype) == ("1.5", XSD.decimal)


def test_writes_stay_out_of_the_snapshot_until_they_are_published(store_directory):
    ada = EX + "graph/ada"
    written(store_directory, (record(ada), person("ada", "Ada")))
    old = store_directory.open_snapshot()

    with store_directory.writer() as writer:
        writer.replace_graph(record(ada, "h2"), person("ada", "Ada Lovelace"))
        with store_directory.open_snapshot() as unpublished:
            assert triples_in(unpublished.store, ada) == set(person("ada", "Ada"))
        generation = writer.publish()

    with old, store_directory.open_snapshot() as new:
        assert (old.generation, new.generation) == (1, generation) == (1, 2)
        assert triples_in(old.store, ada) == set(person("ada", "Ada"))
        assert old.records[ada].content_hash == "h1"
        assert triples_in(new.store, ada) == set(person("ada", "Ada Lovelace"))


@pytest.mark.parametrize("graph", [RECORDS_GRAPH, "urn:ldcv:store:adding"])
def test_the_stores_own_graphs_cannot_be_written(store_directory, graph):
    with store_directory.writer() as writer, pytest.raises(ValueError, match="store's own"):
        writer.replace_graph(record(graph), person("ada", "Ada"))


def test_a_second_writer_is_refused_naming_the_store(store_directory):
    busy = pytest.raises(StoreBusy, match=str(store_directory.path))
    with store_directory.writer(), busy, store_directory.writer():
        pass
    with store_directory.writer() as writer:
        assert writer.publish() == 1


def test_a_writer_waits_a_moment_for_a_lock_that_a_forked_child_still_holds(store_directory):
    # A child another thread starts holds a copy of the lock's descriptor until its exec.
    with store_directory.writer():
        child = os.fork()
        if child == 0:
            time.sleep(0.2)  # only sleeps: safe in a fork of a threaded process
            os._exit(0)
    try:
        with store_directory.writer() as writer:
            assert writer.publish() == 1
    finally:
        os.waitpid(child, 0)


def test_publishing_keeps_the_last_three_snapshots_and_any_superseded_within_a_minute(
    store_directory,
):
    for version in range(4):
        written(store_directory, (record(EX + "graph/ada", f"h{version}"), []))
    assert store_directory.snapshot_generations() == [4, 3, 2, 1]

    two_minutes_ago = time.time() - 120
    for generation in (1, 2, 3):
        os.utime(store_directory.snapshots / str(generation), (two_minutes_ago,) * 2)
    written(store_directory, (record(EX + "graph/ada", "h5"), []))

    # 2 was superseded (by 3) two minutes ago; 1 was too; 3 is one of the last three.
    assert store_directory.snapshot_generations() == [5, 4, 3]


def test_a_checkpoint_never_made_current_is_discarded_by_the_next_writer(store_directory):
    written(store_directory, (record(EX + "graph/ada"), person("ada", "Ada")))
    with store_directory.writer() as writer:
        # As if killed between the checkpoint and the pointer.
        writer.replace_graph(record(EX + "graph/ada", "h2"), person("ada", "Ada L"))
        writer._open_store().backup(str(store_directory.snapshots / "2"))

    with store_directory.writer() as writer:
        assert store_directory.snapshot_generations() == [1]
        assert writer.publish() == 2
    with store_directory.open_snapshot() as snapshot:
        assert snapshot.records[EX + "graph/ada"].content_hash == "h2"


# -- several processes ------------------------------------------------------------------------

VERSIONS = 3
GRAPHS = 4


def run_python(code: str, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args], text=True, **popen
    )


# Defines version(graph, v): the seed's triples (N-Triples in the file SEED names) with its
# subjects' IRIs under the graph's, every literal marked with the version, so that a new
# version changes about half of the graph. Run by the test and by the processes it starts.
VERSIONED_SEED = """
from rdflib import Graph, Literal, URIRef
SEED = list(Graph().parse(SEED, format="nt"))
OWN = {s for s, _, _ in SEED if isinstance(s, URIRef)}

def version(graph, v):
    def rewrite(term):
        if term in OWN:
            return URIRef(f"{graph}/{term}")
        if isinstance(term, Literal) and term.datatype is None:
            return Literal(f"{term} v{v}", lang=term.language)
        return term
    return [tuple(rewrite(t) for t in triple) for triple in SEED]
"""

WRITER = (
    "import sys\nSEED = sys.argv[1]\n"
    + VERSIONED_SEED
    + """
import itertools
from pathlib import Path
from ldcv.store.disk import StoreDirectory
from ldcv.store.records import GraphRecord

directory = StoreDirectory(Path(sys.argv[2]))
graphs, versions = int(sys.argv[3]), int(sys.argv[4])
with directory.writer() as writer:
    print("writing", flush=True)
    for step in itertools.count():
        graph = f"https://example.org/graph/{step % graphs}"
        v = (step // graphs + int(sys.argv[5])) % versions
        writer.replace_graph(GraphRecord(graph, "data/x.yaml", f"v{v}", {"step": step}),
                             version(graph, v))
        if step % 3 == 2:
            writer.publish()
"""
)


def versioned_seed(seed_ntriples) -> Callable[[str, int], list[tuple]]:
    namespace: dict = {"SEED": str(seed_ntriples)}
    exec(VERSIONED_SEED, namespace)
    return namespace["version"]


def expected_versions(seed_ntriples) -> dict[tuple[str, str], set[tuple]]:
    version = versioned_seed(seed_ntriples)
    return {
        (graph, f"v{v}"): set(label_blank_nodes(graph, version(graph, v)))
        for graph in (f"{EX}graph/{n}" for n in range(GRAPHS))
        for v in range(VERSIONS)
    }


def assert_consistent(snapshot, versions) -> None:
    """Each graph holds exactly the version its record names, and no graph is without one."""
    graphs = {g.value for g in snapshot.store.named_graphs()} - {RECORDS_GRAPH}
    assert graphs == set(snapshot.records)
    for graph, graph_record in snapshot.records.items():
        assert triples_in(snapshot.store, graph) == versions[graph, graph_record.content_hash]


def snapshot_contents(snapshot) -> tuple:
    return snapshot.records, {g: triples_in(snapshot.store, g) for g in snapshot.records}


@pytest.mark.slow
def test_a_writer_killed_at_any_moment_leaves_the_store_as_it_was(store_directory, seed_ntriples):
    versions = expected_versions(seed_ntriples)
    chance = random.Random(11)
    for kill in range(8):
        writer = run_python(
            WRITER,
            str(seed_ntriples),
            str(store_directory.path),
            str(GRAPHS),
            str(VERSIONS),
            str(kill),
            stdout=subprocess.PIPE,
        )
        assert writer.stdout.readline() == "writing\n"
        before = store_directory.open_snapshot()
        published = None if before is None else snapshot_contents(before)
        time.sleep(chance.uniform(0.0, 1.0))
        writer.send_signal(signal.SIGKILL)
        writer.wait()

        if before is not None:
            with before:
                assert snapshot_contents(before) == published
        current = store_directory.open_snapshot()
        if current is not None:  # None if killed before its first publication
            with current:
                assert_consistent(current, versions)
        # The lock file stays behind; the kernel released the dead writer's lock.
        with store_directory.writer() as next_writer:
            next_writer.publish()
        with store_directory.open_snapshot() as primary:
            assert_consistent(primary, versions)
            assert primary.records


@pytest.mark.slow
def test_a_writer_in_another_process_makes_this_one_busy(store_directory):
    written(store_directory, (record(EX + "graph/ada"), []))
    holder = run_python(
        """
        import sys
        from pathlib import Path
        from ldcv.store.disk import StoreDirectory
        with StoreDirectory(Path(sys.argv[1])).writer():
            print("holding", flush=True)
            sys.stdin.readline()
        """,
        str(store_directory.path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline() == "holding\n"
        with pytest.raises(StoreBusy, match=rf"pid {holder.pid}\b"), store_directory.writer():
            pass
    finally:
        holder.communicate("done\n")
    with store_directory.writer() as writer:
        assert writer.publish() == 2


READER = """
import json, sys
from pathlib import Path
import pyoxigraph as ox
from ldcv.store.disk import StoreDirectory

directory = StoreDirectory(Path(sys.argv[1]))
snapshot = directory.open_snapshot()
for command in sys.stdin:
    if command.strip() == "reopen":
        snapshot.close()
        snapshot = directory.open_snapshot()
    counts = {g: sum(1 for _ in snapshot.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
              for g in snapshot.records}
    hashes = {g: r.content_hash for g, r in snapshot.records.items()}
    print(json.dumps([snapshot.generation, hashes, counts]), flush=True)
"""


@pytest.mark.slow
def test_a_reader_in_another_process_keeps_its_snapshot_until_it_reopens(
    store_directory, seed_ntriples
):
    version = versioned_seed(seed_ntriples)
    graphs = [f"{EX}graph/{n}" for n in range(GRAPHS)]
    written(store_directory, *((record(g, "v0"), version(g, 0)) for g in graphs))
    reader = run_python(
        READER, str(store_directory.path), stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )

    def ask(command: str = "read") -> list:
        reader.stdin.write(command + "\n")
        reader.stdin.flush()
        return json.loads(reader.stdout.readline())

    try:
        first = ask()
        assert first[0] == 1
        assert first[1] == {g: "v0" for g in graphs}
        with store_directory.writer() as writer:
            for step, graph in enumerate(graphs):
                writer.replace_graph(record(graph, "v1"), version(graph, 1)[: 1000 + step])
                assert ask() == first
            writer.publish()
            assert ask() == first
        generation, hashes, counts = ask("reopen")
    finally:
        reader.stdin.close()
        reader.wait()
    assert generation == 2
    assert hashes == {g: "v1" for g in graphs}
    assert counts == {g: 1000 + step for step, g in enumerate(graphs)}


def merge_of(store: ox.Store) -> set[tuple]:
    """The triples of the default graph: the merge the writer keeps of the CV graphs."""
    return {
        (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    }


def cv_union(store: ox.Store, records) -> set[tuple]:
    return set().union(*(triples_in(store, graph) for graph in records))


def test_the_default_graph_is_the_merge_of_the_cv_graphs_through_every_change(store_directory):
    shared = person("klaus", "Klaus-Robert Müller")
    cells = Graph()
    authors = [URIRef(f"{EX}id/person/ada"), URIRef(f"{EX}id/person/klaus")]
    head = Collection(cells, BNode(), authors)
    paper = [(URIRef(f"{EX}id/publication/p"), URIRef(f"{EX}authorList"), head.uri), *cells]
    ada, charles = f"{EX}doc/person/ada", f"{EX}doc/person/charles"
    states = [
        [(record(ada), [*person("ada", "Ada"), *shared, *paper]),
         (record(charles), [*person("charles", "Charles"), *shared, *paper])],
        [(record(ada, "h2"), [*person("ada", "Ada L"), *paper])],  # drops the shared name
        [(record(charles, "h2"), [*person("charles", "Charles"), *shared])],  # drops the paper
    ]  # fmt: skip
    for state in states:
        written(store_directory, *state)
        with store_directory.open_snapshot() as snapshot:
            merge = merge_of(snapshot.store)
            assert merge == cv_union(snapshot.store, snapshot.records)
    assert shared[0] in merge and (URIRef(f"{EX}id/person/ada"), NAME, Literal("Ada L")) in merge

    with store_directory.writer() as writer:
        writer.remove_graph(charles)
        writer.publish()
    with store_directory.open_snapshot() as snapshot:
        assert merge_of(snapshot.store) == triples_in(snapshot.store, ada)
        assert shared[0] not in merge_of(snapshot.store)


def test_a_snapshot_decodes_the_indexers_details_only_when_asked(store_directory):
    details = {"base": EX, "owner": "ada", "declarations": {"file": "ada.yaml"}, "depends": {}}
    written(store_directory, (record(f"{EX}doc/person/ada", **details), person("ada", "Ada")))

    with store_directory.open_snapshot() as snapshot:
        (found,) = snapshot.records.values()
        # Not even the text is held: nothing the server reads needs it (16 kB a CV).
        assert callable(found.details._large)
        assert found.details["owner"] == "ada" and callable(found.details._large)
        assert found.details["declarations"] == {"file": "ada.yaml"}
        assert dict(found.details) == details


def test_a_snapshots_records_handed_to_another_process_carry_the_indexers_details(
    store_directory,
):
    details = {"base": EX, "owner": "ada", "declarations": {"file": "ada.yaml"}, "depends": {}}
    written(store_directory, (record(f"{EX}doc/person/ada", **details), person("ada", "Ada")))

    with store_directory.open_snapshot() as snapshot:
        records = dict(snapshot.records)
    # As the indexer's child process returns them: pickled, after the snapshot closed.
    (copied,) = pickle.loads(pickle.dumps(records)).values()
    assert dict(copied.details) == details
    (again,) = pickle.loads(pickle.dumps(records)).values()  # the text read once is kept
    assert dict(again.details) == details


def _with_lists(key: str) -> list[tuple]:
    """A person and a paper whose author list is blank nodes: labels the bulk load must keep."""
    paper, author = URIRef(f"{EX}id/publication/{key}"), URIRef(f"{EX}id/person/{key}")
    graph = Graph()
    cells = BNode()
    graph.add((paper, AUTHOR_LIST, cells))
    Collection(graph, cells, [author])
    return [*graph, *person(key, key.title())]


@pytest.mark.parametrize("spool_bytes", [1, disk.SPOOL_BYTES], ids=["chunk-per-graph", "one"])
def test_a_fresh_writer_stores_what_a_transaction_per_graph_stores(
    tmp_path, monkeypatch, spool_bytes
):
    monkeypatch.setattr(disk, "SPOOL_BYTES", spool_bytes)
    graphs = [(record(EX + f"graph/{k}", f"h-{k}", n=k), _with_lists(k)) for k in "abc"]
    bulk, one_by_one = StoreDirectory(tmp_path / "bulk"), StoreDirectory(tmp_path / "each")
    with bulk.writer(fresh=True) as writer:
        for graph_record, triples in graphs:
            writer.replace_graph(graph_record, triples)
        assert set(writer.records) == {r.graph for r, _ in graphs}
        writer.publish()
    written(one_by_one, *graphs)

    with bulk.open_snapshot() as loaded, one_by_one.open_snapshot() as transacted:
        assert set(loaded.store) == set(transacted.store)  # blank node labels included
        assert loaded.records == transacted.records


def test_a_fresh_writer_starts_afresh_where_nothing_was_published(store_directory):
    ada, grace = EX + "graph/ada", EX + "graph/grace"
    with store_directory.writer() as writer:  # as if killed before publishing
        writer.replace_graph(record(ada), person("ada", "Ada"))
    with store_directory.writer(fresh=True) as writer:
        assert dict(writer.records) == {}
        writer.replace_graph(record(grace), person("grace", "Grace"))
        writer.publish()

    with store_directory.open_snapshot() as snapshot:
        assert set(snapshot.records) == {grace}
        assert union_of(snapshot.store) == set(person("grace", "Grace"))


def test_a_fresh_writer_on_a_published_store_changes_it_like_any_writer(store_directory):
    ada, grace = EX + "graph/ada", EX + "graph/grace"
    written(store_directory, (record(ada), person("ada", "Ada")))
    with store_directory.writer(fresh=True) as writer:
        writer.replace_graph(record(grace), person("grace", "Grace"))
        writer.publish()

    with store_directory.open_snapshot() as snapshot:
        assert set(snapshot.records) == {ada, grace}


def test_a_fresh_writer_closed_unpublished_publishes_nothing(store_directory):
    with store_directory.writer(fresh=True) as writer:
        writer.replace_graph(record(EX + "graph/ada"), person("ada", "Ada"))

    assert store_directory.generation() is None
    assert store_directory.open_snapshot() is None
    assert [p.name for p in store_directory.path.iterdir() if p.is_file()] == ["writer.lock"]
