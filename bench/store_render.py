"""Benchmark rendering uncached documents from a store, in one process, by CPU time.

    .venv/bin/python bench/store_render.py --store DIR [--documents 300]
                                           [--base-uri https://example.org] [--thresholds 700,10,10]

What ``bench/store_serve.py`` measures through HTTP, without the server: the catalog a
server process builds on the store's current snapshot (opened read-only), then
``--documents`` distinct documents taken evenly from all the store's document paths,
each rendered once in Turtle, then each once in HTML, as the first request for them
would. For each format: the CPU time per document (mean, p50, p90, p99, max: on a machine
shared with other work CPU time moves far less than wall time), and the time the cycle
collector took, by generation (a full collection stops the request it falls into).
``--thresholds`` sets the collector's thresholds (default: the server's, from
``ldcv.server.collector``) to compare them side by side.

Listing every path reads the whole store once (half a minute at 1,000 CVs); the list is
kept beside the store (``DIR.paths``) for the next run. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ldcv.documents.store_catalog import store_catalog  # noqa: E402
from ldcv.rdf.formats import FORMATS  # noqa: E402
from ldcv.server.collector import THRESHOLDS  # noqa: E402
from ldcv.store.disk import StoreDirectory  # noqa: E402


def _paths(store: Path, catalog: object) -> list[str]:
    kept = store.with_name(store.name + ".paths")
    if kept.exists():
        return kept.read_text(encoding="utf-8").split()
    paths = list(catalog.documents)  # type: ignore[attr-defined]
    kept.write_text("\n".join(paths), encoding="utf-8")
    return paths


def _percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--base-uri", default="https://example.org")
    parser.add_argument("--thresholds", default=",".join(map(str, THRESHOLDS)))
    args = parser.parse_args()
    gc.set_threshold(*(int(n) for n in args.thresholds.split(",")))

    snapshot = StoreDirectory(args.store).open_snapshot()
    if snapshot is None:
        raise SystemExit(f"{args.store}: no snapshot published yet")
    base = args.base_uri.rstrip("/")
    catalog = store_catalog(
        snapshot.store, base, modified=datetime.now(UTC), sparql_endpoint=base + "/sparql"
    )
    paths = _paths(args.store, catalog)
    chosen = paths[:: max(1, len(paths) // args.documents)][: args.documents]
    formats = {f.key: f for f in FORMATS}
    # What the server does before its first request: the home page, the templates.
    catalog.resources["/"].representation(formats["html"])

    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    started: list[float] = [0.0]

    def on_collection(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.thread_time()
        else:
            pauses[info["generation"]].append((time.thread_time() - started[0]) * 1000)

    gc.callbacks.append(on_collection)
    print(f"{args.store}: {len(paths):,} documents, {len(chosen)} rendered; "
          f"collector thresholds {gc.get_threshold()}")  # fmt: skip
    heads = ("mean", "p50", "p90", "p99", "max")
    print(f"{'format':<8} " + " ".join(f"{h:>7}" for h in heads) + "  ms CPU a document")
    for key in ("turtle", "html"):
        cpu = []
        for path in chosen:
            before = time.thread_time()
            catalog.resources[path].representation(formats[key])
            cpu.append((time.thread_time() - before) * 1000)
        cpu.sort()
        figures = [sum(cpu) / len(cpu), *(_percentile(cpu, q) for q in (0.5, 0.9, 0.99)), cpu[-1]]
        print(f"{key:<8} " + " ".join(f"{f:7.1f}" for f in figures))
    gc.callbacks.remove(on_collection)
    for generation, times in pauses.items():
        print(f"collections of generation {generation}: {len(times)}, {sum(times):.0f} ms "
              f"in all, the longest {max(times, default=0):.1f} ms")  # fmt: skip
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
