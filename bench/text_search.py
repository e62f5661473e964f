"""Benchmark the store's text index: example query 5 (title search) with and without it.

    .venv/bin/python bench/text_search.py --store DIR [--rounds 7] [--no-http]

``--store`` is a store directory ``ldcv index`` made (work on a copy: the bench makes the
text index in it if it has none, as the first ``ldcv index`` of this version does, and
hides it for the runs without). Measured, side by side in one run:

1. making the index from the store (the writer's first open: ``ldcv index`` on a store
   an older ldcv wrote), wall and CPU, and its size on disk;
2. what indexing one changed CV adds: the literals of the largest CV graph added to a
   copy of the index (all of them new: an upper bound) and one new title, each with the
   commit that says the generation is covered;
3. example 5 (``5-title-search.rq``) and the same query for other needles, in one
   process: CPU and wall, with and without the index, the rounds alternating;
4. example 5 through ``/sparql`` of ``ldcv serve --store`` (2 workers × 4 threads):
   the server started without the index, then with it, then again without and with;
   median of 9 after a first run in each query worker, and the server's CPU a query.

Prints a table and the load average; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from serve import Server, _free_port, _wait_for  # noqa: E402
from store_serve import QUERY_WORKERS, _get, _tree_cpu_seconds  # noqa: E402

ROOT = BENCH.parent
BIN = Path(sys.executable).parent
EXAMPLE = ROOT / "ldcv" / "sparql" / "queries" / "5-title-search.rq"
NEEDLES = ("relevance", "deep", "normalizing flows", "müller", "learning")


def _index_files(store: Path) -> list[Path]:
    return [store / name for name in ("text.sqlite", "text.sqlite-wal", "text.sqlite-shm")]


def _hidden(store: Path, hide: bool) -> None:
    """Move the text index aside (``hide``) or back: readers then answer without it."""
    for path in _index_files(store):
        aside = path.with_name(path.name + ".hidden")
        source, target = (path, aside) if hide else (aside, path)
        if source.exists():
            os.replace(source, target)


def make_index(store: Path) -> list[tuple[str, str]]:
    from ldcv.store.disk import StoreDirectory

    rows = []
    if not _index_files(store)[0].exists():
        wall, cpu = time.perf_counter(), time.process_time()
        with StoreDirectory(store).writer():
            pass
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rows.append(("text index made from the store", f"{wall:.1f} s wall, {cpu:.1f} s CPU"))
    size = sum(path.stat().st_size for path in _index_files(store) if path.exists())
    rows.append(("text index on disk", f"{size / 2**20:.1f} MiB"))
    return rows


def one_change(store: Path) -> list[tuple[str, str]]:
    import pyoxigraph as ox

    from ldcv.store.disk import StoreDirectory
    from ldcv.store.text_index import TextIndexWriter

    directory = StoreDirectory(store)
    with directory.open_snapshot() as snapshot:
        largest = max(snapshot.records.values(), key=lambda r: int(r.details.get("triples", 0)))
        graph = ox.NamedNode(largest.graph)
        quads = list(snapshot.store.quads_for_pattern(None, None, None, graph))
        generation = snapshot.generation
    rows = []
    with tempfile.TemporaryDirectory(dir=store.parent) as scratch:
        copy = Path(scratch) / "text.sqlite"
        shutil.copyfile(store / "text.sqlite", copy)
        writer = TextIndexWriter(copy)
        for what, added in (
            (f"all {len(quads)} triples of the largest CV", quads),
            ("one new title", [ox.Quad(quads[0].subject, ox.NamedNode("http://schema.org/name"),
                                       ox.Literal("A title nobody wrote before"))]),
        ):  # fmt: skip
            wall, cpu = time.perf_counter(), time.process_time()
            writer.add_quads(added)
            writer.covers(generation)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            rows.append(
                (f"index adds: {what}", f"{wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU")
            )
        writer.close()
    return rows


def in_process(store: Path, rounds: int) -> list[tuple[str, str]]:
    from ldcv.sparql.outcomes import QueryRequest
    from ldcv.sparql.store_engine import StoreEngine

    snapshot = store / "snapshots" / (store / "current").read_text().strip()
    indexed, plain = StoreEngine.open(snapshot), StoreEngine.open(snapshot)
    plain.text_index = None
    example = EXAMPLE.read_text(encoding="utf-8")
    rows = []
    for needle in NEEDLES:
        query = example.replace('"relevance"', f'"{needle}"')
        times: dict[str, list[tuple[float, float]]] = {"without": [], "with": []}
        for _ in range(rounds):
            for name, engine in (("without", plain), ("with", indexed)):
                wall, cpu = time.perf_counter(), time.process_time()
                engine.run(QueryRequest(query), 100_000, encoded=True)
                times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
        cells = []
        for name, runs in times.items():
            wall = statistics.median(t[0] for t in runs) * 1000
            cpu = statistics.median(t[1] for t in runs) * 1000
            cells.append(f"{name} {cpu:.0f} ms CPU, {wall:.0f} ms wall")
        rows.append((f"one process: title search {needle!r}", "; ".join(cells)))
    return rows


def through_http(store: Path) -> list[tuple[str, str]]:
    rows = []
    for indexed in (False, True, False, True):
        _hidden(store, not indexed)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        command = [BIN / "ldcv", "serve", "--store", str(store), "--port", str(port)]
        command += ["--workers", "2", "--threads", "4"]
        process = subprocess.Popen(
            command,
            cwd=tempfile.mkdtemp(),  # no data/ folder here: the store is served as it is
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        server = Server(process, base)
        try:
            _wait_for(base + "/", process)
            url = base + "/sparql?" + urllib.parse.urlencode({"query": EXAMPLE.read_text()})
            accept = "application/sparql-results+json"
            first = [_get(url, accept)[0] for _ in range(QUERY_WORKERS)]
            cpu = _tree_cpu_seconds(process.pid)
            times = [_get(url, accept)[0] for _ in range(9)]
            cpu = (_tree_cpu_seconds(process.pid) - cpu) * 1000 / len(times)
        finally:
            server.stop()
            _hidden(store, False)
        rows.append((
            f"/sparql example 5, {'with' if indexed else 'without'} the index",
            f"median {statistics.median(times):.1f} ms, server CPU {cpu:.0f} ms a query "
            f"(first runs: {', '.join(f'{t:.0f}' for t in first)} ms)",
        ))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    store = args.store.resolve()
    rows = make_index(store) + one_change(store) + in_process(store, args.rounds)
    if not args.no_http:
        rows += through_http(store)
    width = max(len(what) for what, _ in rows)
    for what, figure in rows:
        print(f"{what:<{width}}  {figure}")
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
