"""What an uncached document costs on a remote store: time, ldcv's CPU, requests to the engine.

    .venv/bin/python bench/remote_documents.py --sparql-endpoint URL [--documents 200]

Reads a store ``ldcv publish`` wrote to a running engine. Lists the documents through
the sitemap (its time and requests are printed: the whole-site path must stay cheap),
then asks ``--documents`` distinct ones, spread over the sitemap, each once from a fresh
app (in this process, no HTTP server between), in Turtle and in HTML: p50 and p99 of the
time and of ldcv's CPU, the requests each made to the engine, and the slowest documents.
Run it twice, with ``PYTHONPATH`` pointing at another checkout's copy of ``ldcv``, to
compare two versions on the same engine. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
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


def _app(endpoint: str) -> Any:
    settings = {"LDCV_SPARQL_STORE": endpoint, "LDCV_BASE_URI": BASE}
    # A loaded machine: a slow answer is measured, not turned into a 503.
    settings |= {"LDCV_RELOAD_INTERVAL": 3600, "LDCV_STORE_TIMEOUT": 60}
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sparql-endpoint", required=True)
    parser.add_argument("--documents", type=int, default=200)
    args = parser.parse_args()
    sparql_protocol.SparqlClient._post = _counting(sparql_protocol.SparqlClient._post)  # type: ignore[method-assign]

    client = _app(args.sparql_endpoint)
    started, cpu, sent = time.perf_counter(), time.process_time(), _sent["requests"]
    paths = sitemap_paths(client)
    print(
        f"sitemap: {len(paths)} documents in {time.perf_counter() - started:.1f} s "
        f"(CPU {time.process_time() - cpu:.1f} s), {_sent['requests'] - sent} requests"
    )
    chosen = paths[:: max(1, len(paths) // args.documents)][: args.documents]
    for accept in ("text/turtle", "text/html"):
        fresh = _app(args.sparql_endpoint)
        rows = []
        for path in chosen:
            sent, got = _sent["requests"], _sent["bytes"]
            started, cpu = time.perf_counter(), time.process_time()
            response = fresh.get(path, headers={"Accept": accept})
            assert response.status_code == 200, (path, response.status_code)
            wall = (time.perf_counter() - started) * 1000
            rows.append((wall, (time.process_time() - cpu) * 1000,
                         _sent["requests"] - sent, _sent["bytes"] - got, path))  # fmt: skip
        walls, cpus, requests = ([r[i] for r in rows] for i in range(3))
        print(
            f"{accept}, {len(rows)} documents: p50 {statistics.median(walls):.1f} ms, "
            f"p99 {percentile(walls, 0.99):.1f} ms; CPU p50 {statistics.median(cpus):.1f} ms, "
            f"p99 {percentile(cpus, 0.99):.1f} ms; requests p50 {statistics.median(requests)}, "
            f"max {max(requests)}, {sum(requests)} in all"
        )
        for wall, used, count, size, path in sorted(rows, reverse=True)[:5]:
            print(
                f"  {wall:7.1f} ms (CPU {used:6.1f} ms) {count:4d} requests "
                f"{size // 1000:6d} kB {path}"
            )
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
