"""Benchmark how the store server's memory grows with the documents it renders, at two sizes.

    .venv/bin/python bench/memory_growth.py --store SMALL --store LARGE [--documents 6000]
                                            [--cache-mb 256]

For each ``--store`` in turn (e.g. 1,000 and 10,000 generated CVs, indexed under
``https://example.org``): ``ldcv serve --store`` (granian, 2 workers × 4 threads, nothing
made ahead: every document is rendered by the workers; ``--cache-mb`` is its
``LDCV_CACHE_MB``), then distinct documents taken
evenly from its sitemap, each asked once in HTML and once in Turtle, and the PSS of all
the server's processes (summed; its anonymous part beside it) at each checkpoint. A
server's memory that keeps growing with the documents it has rendered, at the same pace
at both sizes, is its caches filling; the question the last column answers is whether
the larger dataset costs more memory for the same work. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from serve import Server, _free_port, _wait_for  # noqa: E402
from store_serve import BIN, _disjoint_paths, _get, _tree_memory_mib  # noqa: E402

CHECKPOINTS = (0, 300, 1000, 3000, 6000, 10000)


def _grow(store: Path, documents: int, cache_mb: int) -> dict[int, tuple[float, float]]:
    """PSS (all, anonymous) in MiB of a server on ``store`` after each checkpoint's documents."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [BIN / "ldcv", "serve", "--store", store, "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", "2", "--threads", "4"],
        cwd=tempfile.mkdtemp(),
        env={**os.environ, "LDCV_AHEAD_TRIPLES": "0", "LDCV_CACHE_MB": str(cache_mb)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = Server(process, base)
    try:
        _wait_for(base + "/", process, timeout=600)
        (paths,) = _disjoint_paths(base, documents, 1)
        measured: dict[int, tuple[float, float]] = {}
        for done in range(len(paths) + 1):
            if done in CHECKPOINTS:
                time.sleep(1)  # let the workers' last answers settle
                _, pss, anonymous = _tree_memory_mib(process.pid)
                measured[done] = (pss, anonymous)
            if done < len(paths):
                _get(base + paths[done], "text/html")
                _get(base + paths[done], "text/turtle")
        return measured
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, action="append", required=True)
    parser.add_argument("--documents", type=int, default=6000)
    parser.add_argument("--cache-mb", type=int, default=256, help="the servers' LDCV_CACHE_MB")
    args = parser.parse_args()
    grown = {store: _grow(store, args.documents, args.cache_mb) for store in args.store}
    first = args.store[0]
    print(f"{'documents rendered':<20}" + "".join(f"{s.parent.name:>28}" for s in args.store))
    for checkpoint in CHECKPOINTS:
        if checkpoint not in grown[first]:
            continue
        cells = []
        for store in args.store:
            pss, anonymous = grown[store].get(checkpoint, (float("nan"), float("nan")))
            ratio = pss / grown[first][checkpoint][0]
            cells.append(f"{pss:7.0f} MiB ({anonymous:4.0f} anon) {ratio:4.2f}x")
        print(f"{checkpoint:<20}" + "".join(f"{cell:>28}" for cell in cells))
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
