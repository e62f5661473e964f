"""Benchmark ldcv on the embedded store and on ``oxigraph serve``, side by side in one run.

    .venv/bin/python bench/remote.py --data DIR [--duration 10] [--documents 300]

``--data`` holds generated CVs (``ldcv generate N DIR``). Measured, each for both stores:

1. writing the store from nothing: ``ldcv index`` (embedded) and ``ldcv publish`` to an
   ``oxigraph serve`` started here (remote); then again after one CV changed. Wall time,
   and the CPU time of ldcv (the command and its workers; oxigraph's own is not counted);
2. ``ldcv serve`` (granian, 2 workers × 4 threads) on each store: a cached document (the
   first owner's, Turtle) under ``wrk -t2 -c32``: requests per second, p99;
3. uncached documents: ``--documents`` distinct documents from the sitemap, each asked for
   once, in Turtle and in HTML, from fresh servers: p50 and p99;
4. the five example queries (``ldcv/sparql/queries``) through each server's ``/sparql``,
   and sent to ``oxigraph serve`` directly (its ``/query``, over the merge graph, as ldcv
   forwards them): median of 5 runs each, and ldcv-on-oxigraph's speed relative to it.

Prints a table and the load average; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
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

from serve import Server, _free_port, _wait_for, wrk  # noqa: E402
from store_serve import _disjoint_paths, _get  # noqa: E402

ROOT = BENCH.parent
BIN = Path(sys.executable).parent
QUERIES = ROOT / "ldcv" / "sparql" / "queries"
MERGE_GRAPH = "urn:ldcv:store:merge"  # ldcv.store.remote_reads: the default graph of every read
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


def timed(command: list[object], cwd: Path) -> tuple[float, float, str]:
    """Run ``command``; return its wall time, the CPU time of it and its children, stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 3):  # 3: some CV failed, the others were written
        raise SystemExit(f"{command[1]} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr.strip().splitlines()[-1]


def serve(command: list[object], cwd: Path) -> Server:
    port = _free_port()
    process = subprocess.Popen(
        [str(c) for c in [*command, "--port", port, "--workers", 2, "--threads", 4]],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = Server(process, f"http://127.0.0.1:{port}")
    _wait_for(server.base + "/", process)
    return server


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--documents", type=int, default=300)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ldcv-bench-remote-"))
    data = work / "data"
    shutil.copytree(args.data, data)  # one CV is changed below
    base = "https://example.org"
    rows: dict[str, list[str]] = {}

    def row(name: str, embedded: str, remote: str) -> None:
        rows[name] = [embedded, remote]

    engine_port = _free_port()
    engine = Server(
        subprocess.Popen(
            [BIN / "oxigraph", "serve", "--location", work / "oxigraph",
             "--bind", f"127.0.0.1:{engine_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        ),
        f"http://127.0.0.1:{engine_port}",
    )  # fmt: skip
    servers: list[Server] = []
    try:
        time.sleep(1)
        query_url, update_url = engine.base + "/query", engine.base + "/update"
        index = [BIN / "ldcv", "index", data, "--store", work / "store", "--base-uri", base]
        publish = [BIN / "ldcv", "publish", data, "--base-uri", base]
        publish += ["--sparql-endpoint", query_url, "--sparql-update", update_url]
        n = len(list(data.glob("*.yaml")))
        first = [timed(index, work), timed(publish, work)]
        row(f"write {n} CVs from nothing: wall (CPU)",
            *(f"{w:.1f} s ({c:.1f} s)" for w, c, _ in first))  # fmt: skip
        target = sorted(data.glob("*.yaml"))[0]
        text = target.read_text(encoding="utf-8")
        bio = re.search(r"\n  bio: (>-\n    )?", text)
        assert bio is not None, f"{target} has no bio to change"
        target.write_text(text[: bio.end()] + "bench " + text[bio.end() :], encoding="utf-8")
        again = [timed(index, work), timed(publish, work)]
        row("write again after one CV changed: wall (CPU)",
            *(f"{w:.2f} s ({c:.2f} s)" for w, c, _ in again))  # fmt: skip

        embedded = serve([BIN / "ldcv", "serve", "--store", work / "store"], work)
        servers.append(embedded)
        remote = serve([BIN / "ldcv", "serve", "--sparql-endpoint", query_url], work)
        servers.append(remote)
        row("serving", embedded.base, remote.base)

        # A document is cut once for every format: each format gets documents of its own.
        disjoint = _disjoint_paths(embedded.base, args.documents, 2)
        for accept, paths in zip(("text/turtle", "text/html"), disjoint, strict=True):
            cells = []
            for server in (embedded, remote):
                timings = [_get(server.base + path, accept)[0] for path in paths]
                cells.append(f"p50 {statistics.median(timings):.1f} ms, "
                             f"p99 {percentile(timings, 0.99):.1f} ms")  # fmt: skip
            row(f"uncached document ({accept}), {len(paths)} distinct", *cells)

        owner = f"/doc/person/{target.stem}"
        cells = []
        for server in (embedded, remote):
            for _ in range(20):  # every worker has it
                _get(server.base + owner, "text/turtle")
            result = wrk(server.base + owner, args.duration, 32, "text/turtle")
            cells.append(f"{result.requests_per_second:,.0f}/s, p99 {result.p99_ms:.1f} ms")
        row("cached document (Turtle), wrk -c32", *cells)

        for query in sorted(QUERIES.glob("*.rq")):
            text = query.read_text()
            medians = []
            for server in (embedded, remote):
                url = server.base + "/sparql?" + urllib.parse.urlencode({"query": text})
                medians.append(statistics.median(_get(url, ACCEPT)[0] for _ in range(5)))
            direct = (
                engine.base
                + "/query?"
                + urllib.parse.urlencode({"query": text, "default-graph-uri": MERGE_GRAPH})
            )
            straight = statistics.median(_get(direct, ACCEPT)[0] for _ in range(5))
            ratio = straight / medians[1]
            row(f"SPARQL {query.stem}: median (oxigraph directly)", f"{medians[0]:.1f} ms",
                f"{medians[1]:.1f} ms ({straight:.1f} ms: {ratio:.2f}x)")  # fmt: skip
    finally:
        for server in servers:
            server.stop()
        engine.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"\n{'':<64} {'embedded store':<34} oxigraph serve")
    for name, (left, right) in rows.items():
        print(f"{name:<64} {left:<34} {right}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
