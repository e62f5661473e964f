"""Benchmark ``ldcv serve --store``: the path a group's users take (YAML → index → serve).

    .venv/bin/python bench/store_serve.py --store DIR --data DIR [--duration 10]

``--store`` is a store ``ldcv index --data --base-uri`` made (``bench/index.py`` makes
one from generated CVs under ``https://example.org``). Measured here, side by side in one run:

1. ``ldcv serve --store`` (granian, 2 workers × 4 threads) opening the existing store:
   seconds to the first answer, and the resident memory of every process of the server
   (granian, its workers, their SPARQL workers) after the runs below;
2. a cached document (the first owner's, Turtle) under ``wrk -t2 -c32``, against nginx
   serving the same bytes as a static file: requests per second and the ratio;
3. uncached documents: 300 distinct documents (taken evenly from the sitemap), each
   asked for once, in Turtle and in HTML: p50 and p99 latency;
4. the five example SPARQL queries (``ldcv/sparql/queries``) through ``/sparql``:
   median of 5 runs each;
5. a reload under load: with wrk running against the cached document, one CV's file is
   changed and ``ldcv index`` run; seconds until the change is served, and wrk's non-2xx/3xx
   answers and socket errors over the whole run.

Prints a table and the load average; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from serve import Server, _free_port, _wait_for, start_nginx, wrk  # noqa: E402

ROOT = BENCH.parent
BIN = Path(sys.executable).parent
QUERIES = ROOT / "ldcv" / "sparql" / "queries"


def _get(url: str, accept: str | None = None) -> tuple[float, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


def _tree_memory_mib(pid: int) -> tuple[float, float]:
    """Resident memory of ``pid`` and all its descendants, in MiB: RSS and PSS summed.

    RSS counts a page shared by several processes (forked workers share their parent's
    code and data until they write it) in each of them; PSS splits it between them, so
    its sum is what the server as a whole keeps resident.
    """
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    rss = pss = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
        except OSError:
            continue
        rss += int(re.search(r"^Rss:\s+(\d+) kB", rollup, re.M).group(1))
        pss += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1))
        pending.extend(children.get(current, []))
    return rss / 1024, pss / 1024


def _sitemap_paths(base: str, wanted: int) -> list[str]:
    _, index = _get(base + "/sitemap.xml")
    locations = re.findall(rb"<loc>([^<]+)</loc>", index)
    if b"<sitemapindex" in index:
        pages = []
        for part in locations:
            local = base + urllib.parse.urlparse(part.decode()).path  # the store's base is not ours
            pages += re.findall(rb"<loc>([^<]+)</loc>", _get(local)[1])
        locations = pages
    paths = [urllib.parse.urlparse(loc.decode()).path for loc in locations]
    step = max(1, len(paths) // wanted)
    return paths[::step][:wanted]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument(
        "--base-uri", default="https://example.org", help="the base the store was indexed under"
    )
    args = parser.parse_args()
    # Generated CVs (and the seed) are named after their owner's key; one the store holds.
    status = args.store / "status.json"
    failed = json.loads(status.read_text(encoding="utf-8"))["failed"] if status.exists() else {}
    target = next(p for p in sorted(args.data.glob("*.yaml")) if str(p.resolve()) not in failed)
    owner_key = target.stem
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [BIN / "ldcv", "serve", "--store", str(args.store), "--port", str(port)]
    command += ["--workers", "2", "--threads", "4"]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=tempfile.mkdtemp(),  # no data/ folder here: the store is served as it is
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = Server(process, base)
    rows: list[tuple[str, str]] = []
    try:
        _wait_for(base + "/", process)
        rows.append(("first answer after start", f"{time.perf_counter() - started:.1f} s"))

        document = f"{base}/doc/person/{owner_key}"
        for _ in range(20):  # both workers render it
            _, body = _get(document, "text/turtle")
        nginx, static_url = start_nginx(body, Path(tempfile.mkdtemp()) / "nginx")
        try:
            ours = wrk(document, args.duration, 32, "text/turtle")
            theirs = wrk(static_url, args.duration, 32, None)
        finally:
            nginx.stop()
        rows.append(("cached document, requests/s (nginx)", f"{ours.requests_per_second:,.0f} "
                     f"({theirs.requests_per_second:,.0f}): "
                     f"{ours.requests_per_second / theirs.requests_per_second:.2f}x nginx, "
                     f"p99 {ours.p99_ms:.1f} ms"))  # fmt: skip

        paths = _sitemap_paths(base, 300)
        for accept in ("text/turtle", "text/html"):
            timings = sorted(_get(base + path, accept)[0] for path in paths)
            p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
            rows.append((f"uncached document ({accept}), {len(paths)} distinct",
                         f"p50 {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms"))  # fmt: skip

        for query in sorted(QUERIES.glob("*.rq")):
            url = base + "/sparql?" + urllib.parse.urlencode({"query": query.read_text()})
            accept = "application/sparql-results+json, text/turtle;q=0.9"
            times = [_get(url, accept)[0] for _ in range(5)]
            rows.append((f"SPARQL {query.stem}", f"median {statistics.median(times):.1f} ms"))
        rss, pss = _tree_memory_mib(process.pid)
        rows.append(("memory of all server processes, RSS summed", f"{rss:.0f} MiB"))
        rows.append(("the same, shared pages counted once (PSS)", f"{pss:.0f} MiB"))
    finally:
        server.stop()

    # The reload runs against a server that watches the data.
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [BIN / "ldcv", "serve", str(args.data), "--store", str(args.store), "--reload"]
    command += ["--port", str(port), "--workers", "2", "--threads", "4"]
    command += ["--base-uri", args.base_uri]  # another base would index every CV again
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    server = Server(process, base)
    try:
        _wait_for(base + "/", process)
        document = f"{base}/doc/person/{owner_key}"
        result: dict[str, object] = {}
        loading = threading.Thread(
            target=lambda: result.update(run=wrk(document, 30, 32, "text/turtle"))
        )
        loading.start()
        time.sleep(3)
        text = target.read_text(encoding="utf-8")
        marker = f"bench-{int(time.time())}"
        # The owner's bio: only the owner's own document shows it.
        bio = re.search(r"\n  bio: (>-\n    )?", text)
        target.write_text(text[: bio.end()] + f"{marker} " + text[bio.end() :], encoding="utf-8")
        changed = time.perf_counter()
        seen = None
        while time.perf_counter() - changed < 60:
            if marker.encode() in _get(document, "text/turtle")[1]:
                seen = time.perf_counter() - changed
                break
            time.sleep(0.1)
        loading.join()
        target.write_text(text, encoding="utf-8")
        run = result["run"]
        rows.append(("reload of one CV under load: visible after",
                     f"{seen:.1f} s" if seen is not None else "not within 60 s"))  # fmt: skip
        during = f"{run.requests_per_second:,.0f}/s, {run.bad} non-2xx/3xx or errors"
        rows.append(("  wrk during the reload: requests, bad answers", during))
    finally:
        server.stop()

    print(f"\nldcv serve --store {args.store}")
    for name, value in rows:
        print(f"{name:<52} {value}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
