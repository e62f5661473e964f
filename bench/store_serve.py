"""Benchmark ``ldcv serve --store``: the path a group's users take (YAML → index → serve).

    .venv/bin/python bench/store_serve.py --store DIR --data DIR [--duration 10]

``--store`` is a store ``ldcv index --data --base-uri`` made (``bench/index.py`` makes
one from generated CVs under ``https://example.org``). Measured here, side by side in one run:

1. ``ldcv serve --store`` (granian, 2 workers × 4 threads) opening the existing store:
   seconds to the first answer, and the resident memory of every process of the server
   (granian, its workers, their SPARQL workers) at the start, after a crawl (below) and
   after the runs below: PSS summed, its anonymous part (the processes' own heaps, not
   files the kernel could read again) and RSS summed;
1b. the pages that read the whole dataset, each on its first request (wall and the
   server's CPU, its finished children's included): the index of the people (``/``,
   ``/people/by-publications``), ``/sitemap.xml`` and every part it lists, the VoID
   description (and with ``--dumps`` the dumps); then the memory of the server;
2. a cached document (the first owner's, Turtle) under ``wrk -t2 -c32``, against nginx
   serving the same bytes as a static file: requests per second and the ratio;
3. uncached documents: 300 distinct documents (taken evenly from the sitemap), each
   asked for once, in Turtle, and 300 others in HTML (none of them asked before in any
   format: a server keeps the documents it cut): p50 and p99 latency. First the bench
   waits until the generation's heaviest documents are made ahead (``LDCV_AHEAD_TRIPLES``,
   ``--ahead-triples``; the child's wall and CPU time, peak memory and disk, if it runs
   now); the same two sets are then asked of a fresh server with nothing made ahead
   (``LDCV_AHEAD_TRIPLES=0``), after the rest, so the two are side by side;
3b. with ``--ahead-change``: one CV of ``--data`` changed (its owner's bio) and indexed;
   the time until the new generation's documents are made ahead, the child's CPU, and
   how many were rendered again and carried over (hard links);
4. the five example SPARQL queries (``ldcv/sparql/queries``) through ``/sparql``:
   median of 5 runs each, after one run for each query worker (its first, shown too);
   for 3 and 4 also the CPU time the server's processes spent, per document or query;
   then the memory of the server, and again once its query workers have exited for want
   of queries (``--idle-exit``);
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
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from serve import Server, _free_port, _wait_for, start_nginx, wrk  # noqa: E402

ROOT = BENCH.parent
BIN = Path(sys.executable).parent
QUERIES = ROOT / "ldcv" / "sparql" / "queries"
QUERY_WORKERS = 2 * 1  # server processes × LDCV_SPARQL_WORKERS (its default)
DOCUMENTS = 300  # in each set of documents: the crawl, uncached Turtle, uncached HTML


def _get(url: str, accept: str | None = None, timeout: float = 60) -> tuple[float, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


def _tree_memory_mib(pid: int) -> tuple[float, float, float]:
    """Resident memory of ``pid`` and all its descendants, in MiB: RSS, PSS and anonymous PSS.

    RSS counts a page shared by several processes (forked workers share their parent's
    code and data until they write it) in each of them; PSS splits it between them, so
    its sum is what the server as a whole keeps resident. Its anonymous part is the
    processes' own heap; the rest is mapped files (code, and whatever the kernel keeps
    of files read through mappings), which the kernel can drop and read again.
    """
    rss = pss = anonymous = 0
    for current in _tree(pid):
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
        except OSError:
            continue
        rss += int(re.search(r"^Rss:\s+(\d+) kB", rollup, re.M).group(1))
        pss += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1))
        anonymous += int(re.search(r"^Pss_Anon:\s+(\d+) kB", rollup, re.M).group(1))
    return rss / 1024, pss / 1024, anonymous / 1024


def _memory_row(pid: int) -> str:
    rss, pss, anonymous = _tree_memory_mib(pid)
    return f"PSS {pss:.0f} MiB (anonymous {anonymous:.0f}); RSS summed {rss:.0f} MiB"


def _tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) that ``pid`` and all its living descendants have used.

    A process's finished children that it waited for count too (a worker's sitemap child).
    """
    stats = _process_stats()
    # utime, stime, and cutime, cstime: the children it has waited for
    total = sum(sum(int(f) for f in stats[p][11:15]) for p in _tree(pid, stats) if p in stats)
    return total / os.sysconf("SC_CLK_TCK")


def _process_stats() -> dict[int, list[str]]:
    """The fields of ``/proc/PID/stat`` after the command name, for every living process."""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
    return stats


def _tree(pid: int, stats: dict[int, list[str]] | None = None) -> list[int]:
    """``pid`` and all its living descendants."""
    children: dict[int, list[int]] = {}
    for child, fields in (stats if stats is not None else _process_stats()).items():
        children.setdefault(int(fields[1]), []).append(child)
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def _whole_dataset_pages(
    base: str, pid: int, dumps: bool
) -> tuple[list[tuple[str, str]], list[str]]:
    """Ask each page that reads the whole dataset once, first: rows of wall and CPU time.

    Returns the rows and every page the sitemap lists.
    """
    rows: list[tuple[str, str]] = []

    def timed(path: str, accept: str | None = None) -> bytes:
        cpu = _tree_cpu_seconds(pid)
        milliseconds, body = _get(base + path, accept, timeout=1800)
        cpu, wall = _tree_cpu_seconds(pid) - cpu, milliseconds / 1000
        rows.append(
            (f"  first {path}", f"{wall:.2f} s, server CPU {cpu:.2f} s, {len(body):,} bytes")
        )
        return body

    timed("/", "text/html")
    timed("/people/by-publications", "text/html")
    index = timed("/sitemap.xml")
    locations = re.findall(rb"<loc>([^<]+)</loc>", index)
    if b"<sitemapindex" in index:
        pages = []
        for part in locations:
            local = urllib.parse.urlparse(part.decode()).path  # the store's base is not ours
            pages += re.findall(rb"<loc>([^<]+)</loc>", timed(local))
        locations = pages
    timed("/.well-known/void", "text/turtle")
    if dumps:
        timed("/dumps/dataset.nt.gz")
        timed("/dumps/dataset.ttl.gz")
    return rows, [urllib.parse.urlparse(loc.decode()).path for loc in locations]


def _sitemap_paths(base: str, wanted: int) -> list[str]:
    """``wanted`` paths of documents, taken evenly from the sitemap."""
    return _disjoint_paths(base, wanted, 1)[0]


def _disjoint_paths(base: str, wanted: int, sets: int) -> list[list[str]]:
    """``sets`` lists of ``wanted`` paths of documents, each taken evenly from the sitemap.

    No path is in two lists: a server keeps each document it cut, for every format, so a
    document asked once (in another format too) is not uncached any more.
    """
    # A store served for the first time makes its sitemap on this request: 45 s at 10,000.
    _, index = _get(base + "/sitemap.xml", timeout=1800)
    locations = re.findall(rb"<loc>([^<]+)</loc>", index)
    if b"<sitemapindex" in index:
        pages = []
        for part in locations:
            local = base + urllib.parse.urlparse(part.decode()).path  # the store's base is not ours
            pages += re.findall(rb"<loc>([^<]+)</loc>", _get(local)[1])
        locations = pages
    paths = [urllib.parse.urlparse(loc.decode()).path for loc in locations]
    spread = paths[:: max(1, len(paths) // (wanted * sets))]
    return [spread[first::sets][:wanted] for first in range(sets)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument(
        "--base-uri", default="https://example.org", help="the base the store was indexed under"
    )
    parser.add_argument(
        "--dumps", action="store_true", help="in 1b, ask for the dumps too (minutes at 10,000 CVs)"
    )
    parser.add_argument(
        "--idle-exit",
        type=float,
        default=10,
        help="the server's LDCV_SPARQL_IDLE_EXIT: after 4, memory is measured once more when "
        "the query workers have been idle this long",
    )
    parser.add_argument(
        "--ahead-triples",
        type=int,
        default=100,
        help="the server's LDCV_AHEAD_TRIPLES (0: nothing made ahead; the comparison in 3 "
        "is then of two servers alike)",
    )
    parser.add_argument(
        "--ahead-change",
        action="store_true",
        help="3b: edit a file of --data, index it into --store, time the next generation's "
        "documents made ahead",
    )
    parser.add_argument(
        "--no-reload",
        action="store_true",
        help="skip 5 (it edits a file of --data and indexes it into --store)",
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
        env={
            **os.environ,
            "LDCV_SPARQL_IDLE_EXIT": str(args.idle_exit),
            "LDCV_AHEAD_TRIPLES": str(args.ahead_triples),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = Server(process, base)
    rows: list[tuple[str, str]] = []
    uncached: list[list[str]] = []
    try:
        _wait_for(base + "/robots.txt", process)  # the home page is measured below
        rows.append(("first answer after start", f"{time.perf_counter() - started:.1f} s"))
        rows.append(("memory at the start", _memory_row(process.pid)))

        rows.append(("pages reading the whole dataset, first request", ""))
        whole, _ = _whole_dataset_pages(base, process.pid, args.dumps)
        rows += whole
        # A crawler's first few hundred documents, then two sets of uncached ones (3).
        crawled, *uncached = _disjoint_paths(base, DOCUMENTS, 3)
        for path in crawled:
            _get(base + path, "text/html")
        rows.append((f"memory after that and {len(crawled)} documents",
                     _memory_row(process.pid)))  # fmt: skip

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

        if args.ahead_triples > 0:
            generation = _generation(args.store)
            rows.append((f"waiting for generation {generation}'s documents made ahead", ""))
            rows += _ahead_made(args.store, generation, process.pid)
        label = "made ahead" if args.ahead_triples > 0 else "nothing made ahead"
        rows += _uncached(base, process.pid, uncached, f"{label}, ready")
        if args.ahead_change and args.ahead_triples > 0:
            rows += _ahead_after_change(args, target, process.pid)

        for query in sorted(QUERIES.glob("*.rq")):
            url = base + "/sparql?" + urllib.parse.urlencode({"query": query.read_text()})
            accept = "application/sparql-results+json, text/turtle;q=0.9"
            # Each query worker (1 a server process) opens the store on its own: a query's
            # first run in a worker reads the store's indexes from disk. Once in each, first.
            try:
                first = [_get(url, accept)[0] for _ in range(QUERY_WORKERS)]
                cpu = _tree_cpu_seconds(process.pid)
                times = [_get(url, accept)[0] for _ in range(5)]
                cpu = (_tree_cpu_seconds(process.pid) - cpu) * 1000 / len(times)
            except urllib.error.HTTPError as error:  # 503: past the endpoint's time limit
                rows.append((f"SPARQL {query.stem}", f"HTTP {error.code}: {error.read()[:80]!r}"))
                continue
            rows.append((f"SPARQL {query.stem}",
                         f"median {statistics.median(times):.1f} ms, "
                         f"server CPU {cpu:.0f} ms a query "
                         f"(first runs: {', '.join(f'{t:.0f}' for t in first)} ms)"))  # fmt: skip
        rows.append(("memory of all server processes after 4", _memory_row(process.pid)))
        time.sleep(args.idle_exit * 1.5 + 1)  # the workers look every idle_exit / 2 seconds
        rows.append((f"  and {args.idle_exit * 1.5 + 1:g} s later, query workers idle",
                     _memory_row(process.pid)))  # fmt: skip
    finally:
        server.stop()

    if args.ahead_triples > 0 and uncached:
        rows += _uncached_without_ahead(args, uncached)
    if not args.no_reload:
        rows += _reload_under_load(args, target)
    print(f"\nldcv serve --store {args.store}")
    for name, value in rows:
        print(f"{name:<52} {value}")
    print(f"load average: {os.getloadavg()}")


def _uncached(base: str, pid: int, sets: list[list[str]], label: str) -> list[tuple[str, str]]:
    """Ask each path of the two sets once (Turtle, then HTML): p50, p99 and server CPU."""
    rows = []
    for accept, paths in zip(("text/turtle", "text/html"), sets, strict=True):
        # The server's CPU time besides the wall time: on a shared machine it is the
        # figure that does not move with the other workers' load.
        cpu = _tree_cpu_seconds(pid)
        timings = sorted(_get(base + path, accept)[0] for path in paths)
        cpu = (_tree_cpu_seconds(pid) - cpu) * 1000 / len(paths)
        p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
        rows.append((f"uncached document ({accept}), {len(paths)} distinct ({label})",
                     f"p50 {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms, "
                     f"server CPU {cpu:.1f} ms a document"))  # fmt: skip
    return rows


def _generation(store: Path) -> int:
    return int((store / "current").read_text(encoding="ascii").split()[0].rsplit("/", 1)[-1])


def _ahead_made(store: Path, generation: int, pid: int) -> list[tuple[str, str]]:
    """Wait for the generation's manifest of documents made ahead; the child's costs.

    The child (``ldcv.documents.documents_ahead``, a grandchild of the server) is watched
    in ``/proc`` every 0.2 s: its CPU time and peak memory as last seen.
    """
    folder = store / "ahead" / str(generation)
    started = time.perf_counter()
    seen: dict[int, tuple[float, int]] = {}
    while not (folder / "manifest").is_file():
        for current in _tree(pid):
            try:
                command = Path(f"/proc/{current}/cmdline").read_bytes()
                if b"ldcv.documents.documents_ahead" not in command:
                    continue
                fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
                status = Path(f"/proc/{current}/status").read_text()
            except OSError:
                continue
            cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            peak = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))
            seen[current] = (cpu, peak)
        time.sleep(0.2)
        if time.perf_counter() - started > 7200:
            return [("  not made within 2 hours", "")]
    wall = time.perf_counter() - started
    documents = len((folder / "manifest").read_bytes().splitlines())
    disk = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True, check=True)
    kib = int(disk.stdout.split()[0])
    if not seen:
        child = "made before the bench looked (no child seen)"
    else:
        cpu = sum(c for c, _ in seen.values())
        peak = max(p for _, p in seen.values()) / 1024
        child = f"child {cpu:.1f} s CPU, peak {peak:.0f} MiB"
    return [(f"  {documents:,} documents ready after",
             f"{wall:.1f} s wall; {child}; {kib / 1024:.0f} MiB on disk")]  # fmt: skip


def _ahead_after_change(args: argparse.Namespace, target: Path, pid: int) -> list[tuple[str, str]]:
    """Change one CV, index it, and time the next generation's documents made ahead."""
    old = args.store / "ahead" / str(_generation(args.store))
    inodes = {f.stat().st_ino for f in old.glob("documents/*/*")}
    text = target.read_text(encoding="utf-8")
    bio = re.search(r"\n  bio: (>-\n    )?", text)
    marker = f"bench-{int(time.time())}"
    target.write_text(text[: bio.end()] + f"{marker} " + text[bio.end() :], encoding="utf-8")
    try:
        command = [BIN / "ldcv", "index", str(args.data), "--store", str(args.store)]
        command += ["--base-uri", args.base_uri]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        indexed = time.perf_counter() - started
        generation = _generation(args.store)
        rows = [(f"3b. one CV changed ({target.name}), indexed", f"{indexed:.1f} s; "
                 f"generation {generation}")]  # fmt: skip
        rows += _ahead_made(args.store, generation, pid)
        new = args.store / "ahead" / str(generation) / "documents"
        carried = rendered = 0
        for document in new.iterdir():
            if document.name.startswith("."):
                continue
            linked = any(f.stat().st_ino in inodes for f in document.iterdir())
            carried, rendered = carried + linked, rendered + (not linked)
        rows.append(("  documents rendered again, carried over", f"{rendered:,}, {carried:,}"))
        return rows
    finally:
        target.write_text(text, encoding="utf-8")  # indexed back by the next run


def _uncached_without_ahead(
    args: argparse.Namespace, sets: list[list[str]]
) -> list[tuple[str, str]]:
    """The same uncached documents from a fresh server with nothing made ahead."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [BIN / "ldcv", "serve", "--store", str(args.store), "--port", str(port)]
    command += ["--workers", "2", "--threads", "4"]
    process = subprocess.Popen(
        command,
        cwd=tempfile.mkdtemp(),
        env={**os.environ, "LDCV_AHEAD_TRIPLES": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = Server(process, base)
    try:
        _wait_for(base + "/robots.txt", process)
        _get(base + "/", "text/html")  # what a server does first: the index of the people
        return _uncached(base, process.pid, sets, "nothing made ahead: a fresh server")
    finally:
        server.stop()


def _reload_under_load(args: argparse.Namespace, target: Path) -> list[tuple[str, str]]:
    """Change one CV under wrk's load and say when the change is served, and what failed."""
    rows: list[tuple[str, str]] = []
    owner_key = target.stem
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
    return rows


if __name__ == "__main__":
    main()
