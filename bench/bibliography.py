"""Benchmark the bibliographic formats: negotiated GETs beside Turtle, and one citation.

    .venv/bin/python bench/bibliography.py [--duration 5] [--connections 16] [--rounds 2]

1. One production server (``granian --interface wsgi --factory 'ldcv.server:create_app'``,
   2 workers of 4 blocking threads) serves the seed; after a warm-up of each target,
   ``wrk -t2 -c16 --latency`` measures, round-robin, the negotiated GET of one work's
   document as Turtle, BibTeX, RIS, CSL-JSON and a formatted citation (APA), then the
   owner's whole bibliography (46 works) as Turtle and BibTeX: requests per second and
   p99, each ratio against the Turtle run of the same round.
2. In this process, for each offered style, the median of 100 runs: one work's citation
   made by citeproc-py once the style is warm (parsed and used once), and the same
   entry asked again (kept: author-date styles keep each work's entry; the server keeps
   every representation it made, so a GET costs neither).

Goal (issue 13): the bibliographic GETs at Turtle's rate; a warm citation under 5 ms.
Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from ldcv.bibliography.styles import OFFERED_STYLES, CitationStyles  # noqa: E402

WORK = "/doc/publication/lapuschkin-2019-unmasking-clever-hans-predictors"
PERSON = "/doc/person/sebastian-lapuschkin"
TARGETS = [
    ("work, Turtle", WORK, "text/turtle"),
    ("work, BibTeX", WORK, "application/x-bibtex"),
    ("work, RIS", WORK, "application/x-research-info-systems"),
    ("work, CSL-JSON", WORK, "application/vnd.citationstyles.csl+json"),
    ("work, citation (APA)", WORK, "text/x-bibliography"),
    ("work, citation (IEEE)", WORK, "text/x-bibliography; style=ieee"),
    ("person, Turtle", PERSON, "text/turtle"),
    ("person, BibTeX (46 works)", PERSON, "application/x-bibtex"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, duration: int, connections: int, accept: str) -> tuple[float, float, int]:
    """Requests per second, p99 in ms and failed requests of one wrk run."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-H"]
    output = subprocess.run(
        [*command, f"Accept: {accept}", url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rps, p99, int(bad.group(1)) if bad else 0


def serve(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "LDCV_DATA": str(ROOT / "data"),
        "LDCV_BASE_URI": f"http://127.0.0.1:{port}",
    }
    command = [
        str(BIN / "granian"),
        "--interface", "wsgi", "--factory", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "2", "--blocking-threads", "4", "--log-level", "warning",
        "ldcv.server:create_app",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the server did not start")


def citation_times() -> list[tuple[str, float, float]]:
    """Per offered style, the median ms of one work's citation made by citeproc-py (the
    style warm, the entry new) and asked again (the entry kept, as the server answers)."""
    from rdflib import URIRef

    from ldcv.bibliography.exports import bibliography_items
    from ldcv.pipeline import prepare

    dataset = prepare([ROOT / "data"], "http://127.0.0.1:8000")
    (item,) = bibliography_items(dataset.graph, URIRef(f"http://127.0.0.1:8000/id{WORK[4:]}"))
    styles = CitationStyles()
    times = []
    for style in OFFERED_STYLES:
        styles.format([item], style)  # warm: the style parsed and used once
        made, kept = [], []
        for run in range(100):
            fresh = {**item, "id": f"{item['id']}{run}"}  # not kept yet: citeproc-py runs
            start = time.perf_counter()
            styles.format([fresh], style)
            made.append(time.perf_counter() - start)
            start = time.perf_counter()
            styles.format([fresh], style)
            kept.append(time.perf_counter() - start)
        times.append((style, statistics.median(made) * 1000, statistics.median(kept) * 1000))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    port = free_port()
    server = serve(port)
    base = f"http://127.0.0.1:{port}"
    try:
        for _, path, accept in TARGETS:  # warm both workers: every representation made once
            for _ in range(8):
                request = urllib.request.Request(base + path, headers={"Accept": accept})
                urllib.request.urlopen(request, timeout=30).read()
        results: dict[str, list[tuple[float, float, int, float]]] = {t[0]: [] for t in TARGETS}
        for _ in range(args.rounds):
            turtle = {}
            for label, path, accept in TARGETS:
                rps, p99, bad = wrk(base + path, args.duration, args.connections, accept)
                turtle.setdefault(path, rps)
                results[label].append((rps, p99, bad, rps / turtle[path]))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\n{'negotiated GET':<28} {'req/s':>9} {'p99 ms':>8} {'x Turtle':>9} {'failed':>7}")
    for label, runs in results.items():
        rps = statistics.median(r[0] for r in runs)
        p99 = statistics.median(r[1] for r in runs)
        ratio = statistics.median(r[3] for r in runs)
        failed = sum(r[2] for r in runs)
        print(f"{label:<28} {rps:>9.0f} {p99:>8.2f} {ratio:>9.2f} {failed:>7}")
    print(f"\n{'warm citation, one work':<28} {'made ms':>9} {'kept ms':>9}")
    for style, made, kept in citation_times():
        print(f"{style:<28} {made:>9.2f} {kept:>9.2f}")
    print(f"\nload average: {json.dumps(os.getloadavg())}")


if __name__ == "__main__":
    main()
