"""Benchmark the SPARQL endpoint: the example queries in-process on the seed, then over HTTP
against ``oxigraph serve-read-only`` on the same generated CVs, side by side in one run.

    .venv/bin/python bench/sparql.py [--cvs 100] [--duration 10] [--connections 32]
                                     [--server granian|gunicorn] [--workers 2]
    .venv/bin/python bench/sparql.py --store DIR [--repeat 20] [--merged]

With ``--store`` (a store ``ldcv index`` wrote), it times instead each example query's
latency through a ``QueryPool`` on the store's current snapshot (the workers open it
read-only) beside ``oxigraph serve-read-only --union-default-graph`` on the same
snapshot, one request at a time, and how long counting the triples for the service
description takes. ``--merged`` also times both on a copy whose default graph holds the
merge of the CV graphs (the layout the store engine reads fastest).

The data are ``--cvs`` CVs written by ``bench/generate.py`` and prepared by the real pipeline
(load, map, validate); the prepared N-Triples are kept in ``--cache`` (default: the temp
directory), because validating 100 CVs takes about half a minute. Our side is the production
app, ``ldcv.server:create_app``, under the production server command line; oxigraph's side
is its own HTTP server on a store loaded from the same N-Triples. Every query runs for
``--duration`` seconds with ``wrk -t2 -c<connections>`` on each server, one after the other,
after a warm-up; the table gives both rates, their ratio (goal >= 0.5) and the load average.
Needs ``wrk`` (Debian package) and the ``oxigraph`` CLI (PyPI package ``oxigraph``).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/sparql-query"
wrk.headers["Accept"] = "{accept}"
wrk.body = io.open(os.getenv("QUERY_FILE")):read("*a")
"""
# The production app over the cached N-Triples (no YAML to validate again).
APP = """
from datetime import UTC, datetime

from rdflib import Graph

from ldcv.pipeline import Dataset
from ldcv.server import create_app


def app():
    graph = Graph().parse({data!r}, format="nt")
    dataset = Dataset(cvs=(), graph=graph, base_uri={base!r}, modified=datetime.now(UTC))
    return create_app({{"LDCV_DATASET": dataset, "LDCV_PRERENDER": False}})
"""
BASE = "http://example.org"


# --- data ---------------------------------------------------------------------------------------


def prepared_ntriples(n_cvs: int, cache: Path) -> Path:
    """The N-Triples of ``n_cvs`` generated CVs through the whole pipeline, cached on disk."""
    path = cache / f"ldcv-bench-sparql-{n_cvs}-generated-cvs.nt"  # ldcv generate, seed 0
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import write_cvs

    from ldcv.pipeline import prepare

    with tempfile.TemporaryDirectory(prefix="ldcv-bench-cvs-") as tmp:
        paths = write_cvs(n_cvs, Path(tmp))
        started = time.perf_counter()
        graph = prepare(paths, BASE).graph
        print(f"(prepared {n_cvs} CVs in {time.perf_counter() - started:.0f} s; cached in {path})")
    partial = path.with_suffix(".partial")
    graph.serialize(partial, format="nt", encoding="utf-8")
    partial.rename(path)
    return path


# --- in-process ---------------------------------------------------------------------------------


def bench_in_process(repeat: int = 50) -> None:
    """Time each example query per engine on the seed, as the endpoint answers it."""
    from ldcv.pipeline import prepare
    from ldcv.sparql import QueryRequest, answer, example_queries, make_engine

    seed = prepare([ROOT / "data"], BASE).graph
    print(f"In-process on the seed ({len(seed)} triples), SPARQL JSON / Turtle answer, "
          f"median of {repeat} runs (target < 10 ms):")  # fmt: skip
    engines = {name: make_engine(name, seed) for name in ("oxigraph", "rdflib")}
    for example in example_queries():
        cells = []
        request = QueryRequest(example.text, base_iri=f"{BASE}/sparql", accept=ACCEPT)
        for name, engine in engines.items():
            answer(engine, request, 10_000)
            times = []
            for _ in range(repeat if name == "oxigraph" else max(3, repeat // 10)):
                start = time.perf_counter()
                answer(engine, request, 10_000)
                times.append((time.perf_counter() - start) * 1000)
            cells.append(f"{name} {statistics.median(times):8.2f} ms")
        print(f"  {example.name:28}  " + "   ".join(cells))


# --- from a store on disk -----------------------------------------------------------------------


def _milliseconds(run, repeat: int) -> tuple[float, float]:
    """The median and the slowest of ``repeat`` timed runs, after one to warm up, in ms."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def merged_copy(snapshot: Path, target: Path) -> Path:
    """Copy a snapshot and put the merge of its CV graphs into the copy's default graph."""
    import pyoxigraph as ox

    from ldcv.store.records import RECORDS_GRAPH

    shutil.copytree(snapshot, target)
    store = ox.Store(str(target))
    records = ox.NamedNode(RECORDS_GRAPH)
    store.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object)
        for q in store.quads_for_pattern(None, None, None, None)
        if q.graph_name != records
    )
    store.flush()
    del store  # RocksDB closes with its last reference
    return target


def _oxigraph_latency(
    oxigraph: str, location: Path, union: bool, text: str, repeat: int, timeout: float
) -> tuple[float, float]:
    port = _free_port()
    server = subprocess.Popen(
        [oxigraph, "serve-read-only", "--location", str(location),
         *(["--union-default-graph"] if union else []), "--timeout-s", str(math.ceil(timeout)),
         "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait_for(url, server)
        body = text.encode()
        headers = {"Content-Type": "application/sparql-query", "Accept": ACCEPT}

        def ask() -> None:
            request = urllib.request.Request(url, data=body, headers=headers)
            with urllib.request.urlopen(request, timeout=timeout + 30) as response:
                response.read()

        return _milliseconds(ask, repeat)
    finally:
        server.terminate()
        server.wait(30)


def bench_store(options: argparse.Namespace) -> None:
    """Latency of each example query from a store: our worker pool beside oxigraph's server."""
    from ldcv.sparql import QueryPool, QueryRequest, StoreEngine, example_queries
    from ldcv.store.disk import StoreDirectory

    oxigraph = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    snapshot = StoreDirectory(options.store).open_snapshot()
    if snapshot is None:
        raise SystemExit(f"{options.store}: no snapshot published yet (run ldcv index)")
    with tempfile.TemporaryDirectory(prefix="ldcv-bench-store-") as tmp:
        layouts = {"graphs": snapshot.path}
        if options.merged:
            started = time.perf_counter()
            layouts["merged"] = merged_copy(snapshot.path, Path(tmp) / "merged")
            print(f"(merged copy made in {time.perf_counter() - started:.0f} s)")
        for layout, path in layouts.items():
            engine = StoreEngine.open(path)
            started = time.perf_counter()
            default, named = engine.sizes()
            counted = time.perf_counter() - started
            union = not engine.merged  # oxigraph's own server reads what our workers read
            print(
                f"\nStore snapshot {path} ({layout}: default graph "
                f"{'the stored merge' if engine.merged else 'the list of CV graphs'}): "
                f"{len(named)} CV graphs, {default} distinct triples "
                f"({sum(named.values())} summed over the graphs), counted in {counted:.2f} s."
            )
            del engine
            print(f"  Latency per query, median / slowest of {options.repeat}, one at a time "
                  f"(target < 100 ms); timeout {options.timeout:g} s.")  # fmt: skip
            flag = " --union-default-graph" if union else ""
            print(f"  {'query':28} {'ldcv pool (ms)':>20}   oxigraph serve{flag} (ms)")
            pool = QueryPool("oxigraph", Path(path), size=1, max_rows=10_000)
            try:
                for example in example_queries():
                    request = QueryRequest(example.text, base_iri=f"{BASE}/sparql", accept=ACCEPT)
                    try:
                        ours = "{:8.1f} / {:8.1f}".format(*_milliseconds(
                            lambda r=request, p=pool: p.run(r, timeout=options.timeout),
                            options.repeat,
                        ))  # fmt: skip
                    except Exception as error:  # a timeout is a result here
                        ours = type(error).__name__
                    try:
                        theirs = "{:8.1f} / {:8.1f}".format(*_oxigraph_latency(
                            oxigraph, path, union, example.text, options.repeat, options.timeout
                        ))  # fmt: skip
                    except OSError as error:  # its time limit answers with an HTTP error
                        theirs = type(error).__name__
                    print(f"  {example.name:28} {ours:>20} {theirs:>22}")
            finally:
                pool.close()


# --- over HTTP ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    query = urllib.parse.urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}?{query}", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


@dataclass
class Rate:
    requests_per_second: float
    failed: int  # non-2xx answers and socket errors


def _wrk(url: str, query_file: Path, script: Path, duration: int, connections: int) -> Rate:
    env = {**os.environ, "QUERY_FILE": str(query_file)}
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "-s",
         str(script), url],
        capture_output=True, text=True, env=env, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    count = int(failed.group(1)) if failed else 0
    count += sum(int(n) for n in errors.groups()) if errors else 0
    return Rate(rate, count)


def server_command(kind: str, workers: int, threads: int, port: int) -> list[str]:
    """The production command line (granian) or the supported alternative (gunicorn)."""
    if kind == "granian":
        return [str(BIN / "granian"), "--interface", "wsgi", "--factory",
                "--workers", str(workers), "--host", "127.0.0.1", "--port", str(port),
                "bench_app:app"]  # fmt: skip
    return [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "gthread",
            "--threads", str(threads), "--preload", "--bind", f"127.0.0.1:{port}",
            "bench_app:app()"]  # fmt: skip


def _pythonpath(work: Path) -> str:
    return os.pathsep.join(p for p in (str(work), os.environ.get("PYTHONPATH")) if p)


def _load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def bench_http(options: argparse.Namespace) -> None:
    """Requests per second of our endpoint and of ``oxigraph serve-read-only``, query by query."""
    from ldcv.sparql import example_queries

    oxigraph = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    if not shutil.which("wrk") or not oxigraph:
        raise SystemExit("needs wrk and the oxigraph CLI (pip install oxigraph)")
    data = prepared_ntriples(options.cvs, options.cache)
    with tempfile.TemporaryDirectory(prefix="ldcv-bench-") as tmp:
        work = Path(tmp)
        script = work / "post.lua"
        script.write_text(WRK_SCRIPT.format(accept=ACCEPT))
        store = work / "store"
        subprocess.run([oxigraph, "load", "--location", str(store), "--file", str(data)],
                       check=True, capture_output=True)  # fmt: skip
        ox_port, our_port = _free_port(), _free_port()
        (work / "bench_app.py").write_text(APP.format(data=str(data), base=BASE))
        ours_command = server_command(options.server, options.workers, options.threads, our_port)
        servers = [
            subprocess.Popen([oxigraph, "serve-read-only", "--location", str(store),
                              "--bind", f"127.0.0.1:{ox_port}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
            subprocess.Popen(ours_command, cwd=work,
                             env={**os.environ, "PYTHONPATH": _pythonpath(work)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]  # fmt: skip
        try:
            ours = f"http://127.0.0.1:{our_port}/sparql"
            theirs = f"http://127.0.0.1:{ox_port}/query"
            _wait_for(theirs, servers[0])
            _wait_for(ours, servers[1])
            triples = sum(1 for _ in data.open("rb"))
            print(
                f"\nOver HTTP, {options.cvs} generated CVs ({triples} triples), POST "
                f"application/sparql-query, wrk -t2 -c{options.connections} "
                f"-d{options.duration}s per server and query."
            )
            print(
                f"  ours:     {' '.join(Path(a).name for a in ours_command)}"
                " (LDCV_SPARQL_WORKERS per server process: default)"
            )
            print(f"  oxigraph: oxigraph serve-read-only; load average before: {_load()}")
            print(f"  {'query':28} {'ldcv req/s':>11} {'oxigraph req/s':>15} {'ratio':>6}"
                  f"  failed (ldcv/oxigraph)")  # fmt: skip
            ratios = []
            for example in example_queries():
                query_file = work / f"{example.name}.rq"
                query_file.write_text(example.text)
                for url in (ours, theirs):  # warm every server process and query worker
                    _wrk(url, query_file, script, 2, options.connections)
                our = _wrk(ours, query_file, script, options.duration, options.connections)
                their = _wrk(theirs, query_file, script, options.duration, options.connections)
                ratio = our.requests_per_second / max(their.requests_per_second, 0.01)
                ratios.append(max(ratio, 0.01))
                print(f"  {example.name:28} {our.requests_per_second:11.1f} "
                      f"{their.requests_per_second:15.1f} {ratio:6.2f}  "
                      f"{our.failed}/{their.failed}")  # fmt: skip
            print(f"  geometric mean ratio {statistics.geometric_mean(ratios):.2f} (goal >= 0.5 "
                  f"per query); load average after: {_load()}")  # fmt: skip
        finally:
            for server in servers:
                server.terminate()
                try:
                    server.wait(30)
                except subprocess.TimeoutExpired:
                    server.kill()


def main() -> None:
    """Run both benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cvs", type=int, default=100)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--server", choices=("granian", "gunicorn"), default="granian")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per process")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument("--store", type=Path, help="time the queries from this store instead")
    parser.add_argument("--merged", action="store_true", help="with --store: also merged")
    parser.add_argument("--repeat", type=int, default=20, help="with --store: runs per query")
    parser.add_argument("--timeout", type=float, default=30.0, help="with --store: per query")
    options = parser.parse_args()
    if options.store is not None:
        bench_store(options)
        return
    if not options.skip_in_process:
        bench_in_process()
    if not options.skip_http:
        bench_http(options)


if __name__ == "__main__":
    main()
