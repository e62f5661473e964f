"""What an uncached document costs on a remote store: time, ldcv's CPU, requests to the engine.

    .venv/bin/python bench/remote_documents.py --sparql-endpoint URL [--documents 200]

Reads a store ``ldcv publish`` wrote to a running engine. Lists the documents through
the sitemap (its time and requests are printed: the whole-site path must stay cheap),
then asks ``--documents`` distinct ones, spread over the sitemap, each once from a fresh
app (in this process, no HTTP server between), in Turtle and in HTML: p50 and p99 of the
time and of ldcv's CPU, the requests each made to the engine, and the slowest documents.
Run it twice, with ``PYTHONPATH`` pointing at another checkout's copy of ``ldcv``, to
compare two versions on the same engine. Asserts nothing.

    .venv/bin/python bench/remote_documents.py --sparql-endpoint URL --ahead-dir DIR [--make-ahead]

also asks the same documents of an app reading the documents made ahead into ``DIR``
(``LDCV_AHEAD_DIR``), side by side with the app rendering every one (``LDCV_AHEAD_TRIPLES=0``);
``--make-ahead`` first has the child make them (as a server does for each generation), and
prints its time and CPU, and the time of the weights query alone.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from ldcv.server import create_app
from ldcv.store import sparql_protocol

BASE = "https://example.org"
_sent = {"requests": 0, "bytes": 0}


def _counting(post: Any) -> Any:
    def counted(self: Any, url: str, body: bytes, headers: Any, timeout: Any) -> Any:
        answer = post(self, url, body, headers, timeout)
        _sent["requests"] += 1
        _sent["bytes"] += len(answer.body)
        return answer

    return counted


def _app(endpoint: str, ahead_dir: str | None = None) -> Any:
    settings: dict[str, Any] = {"LDCV_SPARQL_STORE": endpoint, "LDCV_BASE_URI": BASE}
    # A loaded machine: a slow answer is measured, not turned into a 503.
    settings |= {"LDCV_RELOAD_INTERVAL": 3600, "LDCV_STORE_TIMEOUT": 60}
    # No child making documents ahead meanwhile: what is made ahead is made by --make-ahead.
    settings |= {"LDCV_PREPARE_FILES": False}
    if ahead_dir is not None:
        settings["LDCV_AHEAD_DIR"] = ahead_dir
    else:
        settings["LDCV_AHEAD_TRIPLES"] = 0  # an older ldcv has no LDCV_AHEAD_DIR: not named
    return create_app(settings).test_client()


def _local(location: bytes) -> str:
    return re.sub(rb"^https?://[^/]+", b"", location).decode()


def sitemap_paths(client: Any) -> list[str]:
    """Every document path the sitemap lists."""
    index = client.get("/sitemap.xml").data
    locations = re.findall(rb"<loc>([^<]+)</loc>", index)
    if b"<sitemapindex" in index:
        pages = []
        for part in locations:
            pages += re.findall(rb"<loc>([^<]+)</loc>", client.get(_local(part)).data)
        locations = pages
    return [p for p in map(_local, locations) if p.startswith("/doc/")]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _measured(client: Any, paths: list[str], accept: str) -> list[tuple[Any, ...]]:
    """Ask each of ``paths`` once: (ms, CPU ms, requests, bytes read, path) each."""
    rows = []
    for path in paths:
        sent, got = _sent["requests"], _sent["bytes"]
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 200, (path, response.status_code)
        wall = (time.perf_counter() - started) * 1000
        rows.append((wall, (time.process_time() - cpu) * 1000,
                     _sent["requests"] - sent, _sent["bytes"] - got, path))  # fmt: skip
    return rows


def _closed(client: Any) -> None:
    """Let the app go: its objects would otherwise lengthen the next app's collections."""
    client.application.extensions["ldcv.follower"].stop()
    gc.collect()


def _summary(label: str, rows: list[tuple[Any, ...]]) -> str:
    walls, cpus, requests = ([r[i] for r in rows] for i in range(3))
    return (
        f"{label}, {len(rows)} documents: p50 {statistics.median(walls):.1f} ms, "
        f"p99 {percentile(walls, 0.99):.1f} ms; CPU p50 {statistics.median(cpus):.1f} ms, "
        f"p99 {percentile(cpus, 0.99):.1f} ms; requests p50 {statistics.median(requests)}, "
        f"max {max(requests)}, {sum(requests)} in all"
    )


def _row(row: tuple[Any, ...]) -> str:
    wall, used, count, size, _ = row
    return f"{wall:7.1f} ms (CPU {used:6.1f} ms) {count:4d} requests {size // 1000:6d} kB"


def _held(endpoint: str, ahead_dir: str, paths: list[str]) -> int:
    """How many of ``paths`` the store's current generation has made ahead in ``ahead_dir``."""
    from ldcv.documents.ahead_files import AheadDocuments
    from ldcv.documents.remote_ahead import remote_ahead_files
    from ldcv.store.remote import RemoteStore
    from ldcv.store.sparql_protocol import SparqlClient

    generation = RemoteStore(SparqlClient(endpoint), Path(tempfile.mkdtemp())).generation()
    made = AheadDocuments(remote_ahead_files(Path(ahead_dir), generation or 0).folder)
    return sum(made.holds(path) for path in paths)


def _make_ahead(endpoint: str, ahead_dir: str, threshold: int) -> None:
    """Have the child make the store's heavy documents into ``ahead_dir``; print its cost."""
    from ldcv.documents.remote_ahead import TIMEOUT, made_ahead
    from ldcv.store.remote import RemoteStore
    from ldcv.store.remote_weights import heavy_weights
    from ldcv.store.sparql_protocol import SparqlClient

    client = SparqlClient(endpoint, timeout=TIMEOUT)
    started = time.perf_counter()
    heavy = heavy_weights(client, BASE, threshold)
    spent = time.perf_counter() - started
    print(f"weights query: {spent:.1f} s, {len(heavy)} IRIs over {threshold}")
    generation = RemoteStore(client, Path(tempfile.mkdtemp())).generation()
    assert generation is not None, f"{endpoint}: nothing published"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    manifest = made_ahead(endpoint, Path(ahead_dir), generation, BASE, threshold)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    made = 0 if manifest is None else len(manifest.read_bytes().splitlines())
    print(
        f"made ahead: {made} documents in {time.perf_counter() - started:.1f} s "
        f"(the child's CPU {cpu:.1f} s, peak {after.ru_maxrss // 1024} MiB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sparql-endpoint", required=True)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--slowest", type=int, default=20, help="documents listed")
    parser.add_argument("--ahead-dir", help="also measure a server reading the documents made "
                        "ahead into this folder (LDCV_AHEAD_DIR)")  # fmt: skip
    parser.add_argument("--make-ahead", action="store_true",
                        help="make them first, as a server's child does")  # fmt: skip
    parser.add_argument("--ahead-triples", type=int, default=100, help="LDCV_AHEAD_TRIPLES")
    args = parser.parse_args()
    sparql_protocol.SparqlClient._post = _counting(sparql_protocol.SparqlClient._post)  # type: ignore[method-assign]

    if args.make_ahead and args.ahead_dir is not None:
        _make_ahead(args.sparql_endpoint, args.ahead_dir, args.ahead_triples)
    client = _app(args.sparql_endpoint)
    started, cpu, sent = time.perf_counter(), time.process_time(), _sent["requests"]
    paths = sitemap_paths(client)
    print(
        f"sitemap: {len(paths)} documents in {time.perf_counter() - started:.1f} s "
        f"(CPU {time.process_time() - cpu:.1f} s), {_sent['requests'] - sent} requests"
    )
    _closed(client)
    del client
    chosen = paths[:: max(1, len(paths) // args.documents)][: args.documents]
    if args.ahead_dir is not None:
        print(f"made ahead: {_held(args.sparql_endpoint, args.ahead_dir, chosen)} of them")
    for accept in ("text/turtle", "text/html"):
        rendering = _app(args.sparql_endpoint)
        rows = _measured(rendering, chosen, accept)
        _closed(rendering)
        del rendering
        print(_summary(accept, rows))
        if args.ahead_dir is None:
            for row in sorted(rows, reverse=True)[: args.slowest]:
                print(f"  {_row(row)} {row[4]}")
            continue
        reading = _app(args.sparql_endpoint, args.ahead_dir)
        ahead = _measured(reading, chosen, accept)
        _closed(reading)
        del reading
        print(_summary(f"{accept}, made ahead", ahead))
        print("  the slowest rendered on request, then from the server reading those made ahead:")
        for row, other in sorted(zip(rows, ahead, strict=True), reverse=True)[: args.slowest]:
            print(f"  {_row(row)} | {_row(other)} {row[4]}")
        print("  the slowest from the server reading those made ahead:")
        for row in sorted(ahead, reverse=True)[: args.slowest]:
            print(f"  {_row(row)} {row[4]}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
