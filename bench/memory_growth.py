"""Benchmark how the store server's memory grows with the documents it renders, at two sizes.

    .venv/bin/python bench/memory_growth.py --store SMALL --store LARGE [--documents 20000]
                                            [--cache-mb N] [--queries [--query-idle-exit S]]

For each ``--store``, all at once (e.g. 1,000 and 10,000 generated CVs, indexed under
``https://example.org``): ``ldcv serve --store`` (granian, 2 workers × 4 threads, nothing
made ahead: every document is rendered by the workers; ``--cache-mb`` is its
``LDCV_CACHE_MB``, else its default), then distinct documents taken
evenly from its sitemap, each asked once in HTML and once in Turtle, and the PSS of all
the server's processes (summed; its anonymous part beside it) at each checkpoint. With
``--queries``, the five example queries first, each until every query worker has run it,
and the workers kept alive to the end (``LDCV_SPARQL_IDLE_EXIT`` an hour, unless
``--query-idle-exit`` says otherwise; 0: the setting's default): the whole server as it
is after queries. A server's memory that keeps growing with the documents
it has rendered, at the same pace at both sizes, is its caches filling; a plateau is
their bounds. The last table gives each process's PSS at the end, and the mean and
highest PSS sampled each second (a worker replaced under ``LDCV_WORKER_MAX_MB``, which like
every ``LDCV_*`` setting passes from the environment, overlaps with its successor). Prints
tables; asserts nothing. Opens the stores read-only: it writes nothing into them.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ldcv.config import environment_value

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from serve import Server, _free_port, _wait_for  # noqa: E402
from store_serve import (  # noqa: E402
    BIN,
    QUERIES,
    _disjoint_paths,
    _get,
    _tree,
    _tree_memory_mib,
)

CHECKPOINTS = (0, 300, 1000, 3000, 6000, 10000, 15000, 20000, 25000, 30000)
QUERIES_CHECKPOINT = -1  # the row after the example queries, before any document


def _grow(
    store: Path,
    documents: int,
    cache_mb: int | None,
    queries: bool,
    query_idle_exit: float | None = 3600,
) -> tuple[dict[int, tuple[float, float]], list[tuple[str, float, float]], str]:
    """PSS (all, anonymous) in MiB of a server on ``store`` after each checkpoint's documents,
    each process's (role, PSS, anonymous) at the end, and the highest PSS sampled."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [BIN / "ldcv", "serve", "--store", store, "--port", str(port)]
    env = {**os.environ, "LDCV_AHEAD_TRIPLES": "0"}
    if cache_mb is not None:
        env["LDCV_CACHE_MB"] = str(cache_mb)
    if queries and query_idle_exit is not None:
        env["LDCV_SPARQL_IDLE_EXIT"] = str(query_idle_exit)
    process = subprocess.Popen(
        [*command, "--workers", "2", "--threads", "4"],
        cwd=tempfile.mkdtemp(),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = Server(process, base)
    peak = PeakSampler(process.pid)
    try:
        _wait_for(base + "/", process, timeout=600)
        peak.start()
        (paths,) = _disjoint_paths(base, documents, 1)
        measured: dict[int, tuple[float, float]] = {}
        if queries:
            _run_queries(base)
            time.sleep(1)
            _, pss, anonymous = _tree_memory_mib(process.pid)
            measured[QUERIES_CHECKPOINT] = (pss, anonymous)
        for done in range(len(paths) + 1):
            if done in CHECKPOINTS:
                time.sleep(1)  # let the workers' last answers settle
                _, pss, anonymous = _tree_memory_mib(process.pid)
                measured[done] = (pss, anonymous)
                # As it goes: a run at 10,000 CVs takes the better part of an hour.
                print(f"{store}: {done} documents, PSS {pss:.0f} MiB", file=sys.stderr, flush=True)
            if done < len(paths):
                _get(base + paths[done], "text/html")
                _get(base + paths[done], "text/turtle")
        return measured, _processes(process.pid), peak.report()
    finally:
        peak.stop()
        server.stop()


class PeakSampler(threading.Thread):
    """The server's whole PSS every second, its mean and highest, and how many processes it
    started.

    Checkpoints see the server between documents; a worker replaced (``LDCV_WORKER_MAX_MB``)
    overlaps with its successor for a moment, and that moment is what the machine must hold.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.highest = 0.0
        self.samples: list[float] = []
        self.at_highest: list[tuple[str, float, float]] = []
        self.seen: set[int] = set()
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(1.0):
            self.seen.update(_tree(self.pid))
            processes = _processes(self.pid)
            whole = sum(pss for _, pss, _ in processes)
            self.samples.append(whole)
            if whole > self.highest:
                self.highest, self.at_highest = whole, processes

    def stop(self) -> None:
        self.halt.set()

    def report(self) -> str:
        mean = sum(self.samples) / max(1, len(self.samples))
        lines = [
            f"mean PSS {mean:.0f} MiB over {len(self.samples)} samples, one a second; "
            f"highest {self.highest:.0f} MiB; {len(self.seen)} processes seen; then:"
        ]
        lines += [
            f"  {pss:7.0f} MiB ({anon:4.0f} anon)  {role}" for role, pss, anon in self.at_highest
        ]
        return "\n".join(lines)


def _run_queries(base: str) -> None:
    """Each example query, at once as often as there are query workers: every worker runs it.

    A worker starts when a query finds none idle: queries one after the other would keep
    only one. One that finds every worker busy (503) is asked again. The query service of
    ``ldcv serve`` runs ``LDCV_SPARQL_WORKERS`` for the whole server (before session 12:
    that many for each of the two server processes).
    """
    workers = environment_value("LDCV_SPARQL_WORKERS")
    for query in sorted(QUERIES.glob("*.rq")):
        url = base + "/sparql?" + urllib.parse.urlencode({"query": query.read_text()})
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(_query, [url] * 2 * workers))


def _query(url: str) -> None:
    for _ in range(10):
        try:
            _get(url, "application/sparql-results+json, text/turtle;q=0.9")
            return
        except urllib.error.HTTPError as error:
            if error.code != 503:
                raise
            time.sleep(0.5)


def _processes(pid: int) -> list[tuple[str, float, float]]:
    """Each of the server's processes: what it is, its PSS and anonymous PSS in MiB."""
    found = []
    for current in _tree(pid):
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            command = Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        pss = int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1)) / 1024
        anonymous = int(re.search(r"^Pss_Anon:\s+(\d+) kB", rollup, re.M).group(1)) / 1024
        role = f"{current} " + ("server" if current == pid else command.strip()[-60:])
        found.append((role, pss, anonymous))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, action="append", required=True)
    parser.add_argument("--documents", type=int, default=20000)
    parser.add_argument("--cache-mb", type=int, default=None, help="the servers' LDCV_CACHE_MB")
    parser.add_argument("--queries", action="store_true", help="the example queries first")
    parser.add_argument(
        "--query-idle-exit",
        type=float,
        default=3600,
        help="the servers' LDCV_SPARQL_IDLE_EXIT with --queries (default 3600: the query "
        "workers alive to the end, the memory they keep; 0: the setting's default)",
    )
    args = parser.parse_args()
    # At once: the ratios side by side, each server under the same load, in half the time.
    with ThreadPoolExecutor(len(args.store)) as servers:
        runs = [
            servers.submit(
                _grow,
                store,
                args.documents,
                args.cache_mb,
                args.queries,
                args.query_idle_exit or None,
            )
            for store in args.store
        ]
        grown = {store: run.result() for store, run in zip(args.store, runs, strict=True)}
    first = args.store[0]
    print(f"{'documents rendered':<20}" + "".join(f"{s.parent.name:>28}" for s in args.store))
    for checkpoint in (QUERIES_CHECKPOINT, *CHECKPOINTS):
        if checkpoint not in grown[first][0]:
            continue
        cells = []
        for store in args.store:
            pss, anonymous = grown[store][0].get(checkpoint, (float("nan"), float("nan")))
            ratio = pss / grown[first][0][checkpoint][0]
            cells.append(f"{pss:7.0f} MiB ({anonymous:4.0f} anon) {ratio:4.2f}x")
        label = "after the queries" if checkpoint == QUERIES_CHECKPOINT else str(checkpoint)
        print(f"{label:<20}" + "".join(f"{cell:>28}" for cell in cells))
    for store in args.store:
        print(f"\n{store}: {grown[store][2]}")
        print(f"each process at the end, {store}:")
        for role, pss, anonymous in grown[store][1]:
            print(f"  {pss:7.0f} MiB ({anonymous:4.0f} anon)  {role}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
