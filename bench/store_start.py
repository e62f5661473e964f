"""Benchmark what the store server holds before and after its whole-dataset pages, per process.

    .venv/bin/python bench/store_start.py --store S1 [--store S2 …] [--settle 5]

For each store in turn (side by side: 1,000 and 10,000 CVs), ``ldcv serve --store``
(granian, 2 workers × 4 threads) is started on it, and measured: seconds to the first
answer; then, ``--settle`` seconds later (a worker may still be preparing the
generation's files in the background), each process of the server — its command, PSS
and the anonymous part of it (its own heap, not files) — and their sum; once the
generation's files made ahead (``LDCV_PREPARE_FILES``) are there, how long after the
start that was, and the memory again; then the first
request of each page that reads the whole dataset (``/``, ``/sitemap.xml``, VoID: wall
time and the server's CPU, finished children included) and the memory again; with
``--documents N``, N distinct HTML documents taken evenly from the sitemap (as
``bench/store_serve.py`` asks for them) and the memory once more.

A store is served as it is (``ldcv serve`` may add files under it: the record table
and the generation's files, as any server does). Prints a table; asserts nothing.
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
from store_serve import (  # noqa: E402
    _get,
    _sitemap_paths,
    _tree,
    _tree_cpu_seconds,
    _tree_memory_mib,
)

BIN = Path(sys.executable).parent


def _processes(pid: int) -> list[tuple[str, float, float]]:
    """Each process of the tree: a short command line, PSS and anonymous PSS in MiB."""
    found = []
    for current in _tree(pid):
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            command = Path(f"/proc/{current}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in rollup.splitlines()[1:])
        pss = int(fields["Pss"].split()[0]) / 1024
        anonymous = int(fields["Pss_Anon"].split()[0]) / 1024
        name = " ".join(Path(p.decode()).name for p in command[:3] if p)
        found.append((f"{current} {name}"[:48], pss, anonymous))
    return found


def _memory(pid: int, label: str) -> list[tuple[str, str]]:
    rows = [(f"{label}: {name}", f"PSS {pss:.0f} (anon {anon:.0f})") for name, pss, anon in
            _processes(pid)]  # fmt: skip
    _, pss, anonymous = _tree_memory_mib(pid)
    rows.append((f"{label}: all processes", f"PSS {pss:.0f} MiB (anon {anonymous:.0f})"))
    return rows


def measure(store: Path, settle: float, documents: int = 0) -> list[tuple[str, str]]:
    """Serve ``store`` and measure it (see the module's docstring)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [BIN / "ldcv", "serve", "--store", str(store), "--port", str(port)]
    command += ["--workers", "2", "--threads", "4"]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=tempfile.mkdtemp(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = Server(process, base)
    rows: list[tuple[str, str]] = []
    try:
        _wait_for(base + "/robots.txt", process)
        rows.append(("first answer after start", f"{time.perf_counter() - started:.1f} s"))
        rows.append(("server CPU until then", f"{_tree_cpu_seconds(process.pid):.1f} s"))
        time.sleep(settle)
        rows += _memory(process.pid, "start")
        generation = (store / "current").read_text().strip()
        prepared = store / "crawler" / generation / ".prepared"
        waited = time.perf_counter()
        while not prepared.exists() and time.perf_counter() - waited < 1800:
            time.sleep(0.5)
        if prepared.exists():  # LDCV_PREPARE_FILES: its child has made them
            seconds = time.perf_counter() - started
            rows.append(("files made ahead, after the start", f"{seconds:.1f} s"))
            rows += _memory(process.pid, "prepared")
        for path, accept in (
            ("/", "text/html"),
            ("/sitemap.xml", None),
            ("/.well-known/void", "text/turtle"),
        ):
            cpu = _tree_cpu_seconds(process.pid)
            milliseconds, body = _get(base + path, accept, timeout=1800)
            cpu = _tree_cpu_seconds(process.pid) - cpu
            took = f"{milliseconds / 1000:.2f} s, server CPU {cpu:.2f} s, {len(body):,} bytes"
            rows.append((f"first {path}", took))
        rows += _memory(process.pid, "after")
        if documents:
            paths = _sitemap_paths(base, documents)
            cpu = _tree_cpu_seconds(process.pid)
            for path in paths:
                _get(base + path, "text/html")
            cpu = (_tree_cpu_seconds(process.pid) - cpu) * 1000 / len(paths)
            rows.append((f"{len(paths)} HTML documents", f"server CPU {cpu:.1f} ms a document"))
            rows += _memory(process.pid, f"after {len(paths)} documents")
    finally:
        server.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, action="append", required=True)
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--documents", type=int, default=0, help="then ask for this many")
    args = parser.parse_args()
    for store in args.store:
        rows = measure(store, args.settle, args.documents)
        print(f"\nldcv serve --store {store}")
        for name, value in rows:
            print(f"{name:<56} {value}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
