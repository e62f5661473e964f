"""Measure the on-disk store: writing a CV's graph, publishing, opening and reading snapshots.

    .venv/bin/python bench/store.py [--copies 700] [--repeat 10] [--lookups 20000] [--dir DIR]

The seed's graph (``prepare(["data"], "https://example.org")``, about 2,700 triples) is
written as one named graph, then ``--copies`` copies of it under their own IRIs (about
1.9 M triples for 700), each through ``StoreWriter.replace_graph``. Printed:

1. ``replace_graph`` of the seed's graph: a new graph; the same triples under a new
   record; a new version (every plain literal changed, about half the quads); every quad
   changed (the IRIs too). Beside them, two other atomic ways to write a graph that
   ``replace_graph`` does not take: one ``DROP GRAPH; INSERT DATA`` update (it gives blank
   nodes fresh labels) and staging the whole graph then ``MOVE`` (it writes it twice).
2. Writing the copies (the cost of an index from nothing, minus loading and validating).
3. ``publish`` of the ~2 M-quad primary, after one graph changed; ``open_snapshot``;
   ``generation``; lookups by subject (``quads_for_pattern(s, None, None, None)``, each
   read to the end) per second on the snapshot; the size on disk.

Medians of ``--repeat`` runs, wall-clock time (on a shared machine, mind the load average
printed last; the copies and the lookups also give CPU time). Asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

from ldcv.pipeline import prepare
from ldcv.store.blank_nodes import label_blank_nodes
from ldcv.store.disk import StoreDirectory, StoreWriter
from ldcv.store.records import GraphRecord, read_records, record_update
from ldcv.store.terms import to_oxigraph

BASE = "https://example.org"
ROOT = Path(__file__).resolve().parents[1]

Triples = list[tuple]


def copy_of(seed: Triples, copy: str) -> Triples:
    """The seed's triples with every IRI under ``BASE`` moved under ``BASE/copy``."""

    def moved(term):
        if isinstance(term, URIRef) and term.startswith(BASE + "/"):
            return URIRef(f"{BASE}/{copy}{term[len(BASE) :]}")
        return term

    return [(moved(s), moved(p), moved(o)) for s, p, o in seed]


def version_of(seed: Triples, version: int) -> Triples:
    """The seed's triples with every plain literal marked with ``version``."""
    return [
        (s, p, Literal(f"{o} v{version}", lang=o.language))
        if isinstance(o, Literal) and o.datatype is None
        else (s, p, o)
        for s, p, o in seed
    ]


def record(graph: str, content_hash: str) -> GraphRecord:
    return GraphRecord(graph, "data/sebastian-lapuschkin.yaml", content_hash, {"bench": True})


def median_seconds(action: Callable[[int], object], repeat: int) -> float:
    times = []
    for run in range(repeat):
        start = time.perf_counter()
        action(run)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def show(label: str, seconds: float, note: str = "") -> None:
    print(f"  {label:<58} {seconds * 1000:9.3f} ms  {note}")


def bench_replace(writer: StoreWriter, seed: Triples, repeat: int) -> None:
    print(f"replace_graph of the seed's graph ({len(seed)} triples), median of {repeat}:")
    show(
        "new graph",
        median_seconds(
            lambda n: writer.replace_graph(record(f"{BASE}/g/new{n}", "h"), seed), repeat
        ),
    )
    graph = f"{BASE}/g/seed"
    writer.replace_graph(record(graph, "h"), seed)
    show(
        "same triples, new record",
        median_seconds(lambda n: writer.replace_graph(record(graph, f"h{n}"), seed), repeat),
    )
    versions = [version_of(seed, n) for n in range(repeat)]
    show(
        "new version (every plain literal changed)",
        median_seconds(lambda n: writer.replace_graph(record(graph, f"v{n}"), versions[n]), repeat),
        f"{len(set(versions[0]) - set(seed))} triples out, as many in",
    )
    copies = [copy_of(seed, f"other{n}") for n in range(repeat)]
    show(
        "every quad changed",
        median_seconds(lambda n: writer.replace_graph(record(graph, f"c{n}"), copies[n]), repeat),
    )
    show(
        "  of which: blank-node labels by place",
        median_seconds(lambda n: label_blank_nodes(graph, seed), repeat),
    )
    show(
        "  of which: rdflib → pyoxigraph quads",
        median_seconds(lambda n: [tuple(map(to_oxigraph, t)) for t in seed], repeat),
    )


def bench_alternatives(path: Path, seed: Triples, repeat: int) -> None:
    print("other atomic ways to replace a graph, on a store of its own:")
    store = ox.Store(str(path))
    graph = ox.NamedNode(f"{BASE}/g/seed")
    staging = ox.NamedNode("urn:bench:staging")
    labelled = label_blank_nodes(graph.value, seed)
    versions = [
        [tuple(map(to_oxigraph, t)) for t in version_of(labelled, n)] for n in range(repeat)
    ]

    def insert_data(n: int) -> None:
        data = " ".join(f"{s} {p} {o} ." for s, p, o in versions[n])
        store.update(
            f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{ {data} }} }} ;\n"
            + record_update(record(graph.value, f"v{n}"))
        )

    def staged_move(n: int) -> None:
        store.extend(ox.Quad(s, p, o, staging) for s, p, o in versions[n])
        store.update(
            f"DROP SILENT GRAPH {graph} ;\nMOVE SILENT GRAPH {staging} TO {graph} ;\n"
            + record_update(record(graph.value, f"v{n}"))
        )

    show(
        "DROP + INSERT DATA in one update (blank nodes relabelled)",
        median_seconds(insert_data, repeat),
    )
    show("extend into a staging graph, then DROP + MOVE", median_seconds(staged_move, repeat))


def bench_large(
    directory: StoreDirectory, seed: Triples, copies: int, lookups: int, repeat: int
) -> None:
    with directory.writer() as writer:
        start, cpu = time.perf_counter(), time.process_time()
        for n in range(copies):
            graph = f"{BASE}/g/cv{n}"
            writer.replace_graph(record(graph, "h"), copy_of(seed, f"cv{n}"))
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(
            f"writing {copies} copies as new graphs: {took:.1f} s ({took / copies * 1000:.0f} ms"
            f" each; CPU of all the process's threads {cpu / copies * 1000:.0f} ms each)"
        )
        first = median_seconds(lambda n: writer.publish(), 1)
        changed = version_of(copy_of(seed, "cv0"), 1)

        def change_and_publish(n: int) -> None:
            writer.replace_graph(record(f"{BASE}/g/cv0", f"p{n}"), version_of(changed, n))
            start = time.perf_counter()
            writer.publish()
            publish_times.append(time.perf_counter() - start)

        publish_times: list[float] = []
        median_seconds(change_and_publish, repeat)
    print(f"a store of {copies} copies:")
    show("first publish (checkpoint of the primary)", first)
    show("publish after one graph changed", statistics.median(publish_times))
    show("generation() (what servers poll)", median_seconds(lambda n: directory.generation(), 1000))
    show(
        "open_snapshot() (and read its records)",
        median_seconds(lambda n: directory.open_snapshot().close(), repeat),
    )
    with directory.open_snapshot() as snapshot:
        store = snapshot.store
        show(
            "  of which: reading the records", median_seconds(lambda n: read_records(store), repeat)
        )
        size = len(store)
        subjects = sorted(
            {
                q.subject
                for q in store.quads_for_pattern(None, None, None, None)
                if isinstance(q.subject, ox.NamedNode)
            },
            key=str,
        )
        chosen = random.Random(11).choices(subjects, k=lookups)
        start, cpu = time.perf_counter(), time.process_time()
        found = sum(sum(1 for _ in store.quads_for_pattern(s, None, None, None)) for s in chosen)
        took, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"  {size} quads, {len(subjects)} subjects, {len(snapshot.records)} records")
        print(
            f"  lookups by subject: {lookups / took:,.0f} per second "
            f"({found / lookups:.1f} quads each, {found / took:,.0f} quads per second); "
            f"{lookups / cpu:,.0f} per CPU second"
        )
    usage = subprocess.run(
        ["du", "-sh", "--apparent-size", str(directory.primary), str(directory.snapshots)],
        capture_output=True,
        text=True,
    ).stdout
    print("  on disk (snapshots share the primary's files by hard links):")
    print("".join(f"    {line}\n" for line in usage.splitlines()), end="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=700)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--lookups", type=int, default=20000)
    parser.add_argument(
        "--dir", type=Path, help="where to make the stores (default: a temporary directory)"
    )
    options = parser.parse_args()
    seed = list(prepare([ROOT / "data"], BASE).graph)
    work = Path(tempfile.mkdtemp(prefix="ldcv-bench-store-", dir=options.dir))
    try:
        directory = StoreDirectory(work / "store")
        with directory.writer() as writer:
            bench_replace(writer, seed, options.repeat)
        bench_alternatives(work / "alternatives", seed, options.repeat)
        bench_large(
            StoreDirectory(work / "large"), seed, options.copies, options.lookups, options.repeat
        )
        load = Path("/proc/loadavg").read_text().split()[:3]
        versions = f"python {sys.version.split()[0]}, pyoxigraph {ox.__version__}"
        print(f"load average: {' '.join(load)}; {versions}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
