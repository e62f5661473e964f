"""Benchmark rendering uncached documents from a store, in one process, by CPU time.

    .venv/bin/python bench/store_render.py --store DIR [--documents 300]
                                           [--base-uri https://example.org] [--thresholds 700,10,10]
                                           [--slowest 20] [--ahead]

What ``bench/store_serve.py`` measures through HTTP, without the server: the catalog a
server process builds on the store's current snapshot (opened read-only), then
``--documents`` distinct documents taken evenly from all the store's document paths,
each rendered once in Turtle, then each once in HTML, as the first request for them
would. For each format: the CPU time per document (mean, p50, p90, p99, max: on a machine
shared with other work CPU time moves far less than wall time), then the wall time, and
the time the cycle collector took, by generation (a full collection stops the request it
falls into).
``--thresholds`` sets the collector's thresholds (default: the server's, from
``ldcv.server.collector``) to compare them side by side. ``--slowest N`` lists the N
documents that took the most CPU (both formats together) with their size in triples, and
the mean by kind of document (``/page/N`` apart): where the slow tail comes from.
``--ahead`` reads the documents made ahead for the snapshot (``DIR/ahead/N``, made by
``ldcv.documents.documents_ahead``) as a server does, and renders the others.

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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ldcv.documents.ahead_files import MANIFEST, AheadDocuments, ahead_files  # noqa: E402
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
    parser.add_argument("--slowest", type=int, default=0)
    parser.add_argument("--ahead", action="store_true", help="read documents made ahead")
    args = parser.parse_args()
    gc.set_threshold(*(int(n) for n in args.thresholds.split(",")))

    snapshot = StoreDirectory(args.store).open_snapshot()
    if snapshot is None:
        raise SystemExit(f"{args.store}: no snapshot published yet")
    base = args.base_uri.rstrip("/")
    formats = {f.key: f for f in FORMATS}

    def fresh_catalog() -> Any:
        """A catalog as a server process opens it: nothing cut yet."""
        ahead = None
        if args.ahead:
            ahead = AheadDocuments(ahead_files(args.store, snapshot.generation).folder)
            if not (ahead.folder / MANIFEST).is_file():
                raise SystemExit(f"{ahead.folder}: no documents made ahead for this snapshot")
        made = store_catalog(
            snapshot.store,
            base,
            modified=datetime.now(UTC),
            sparql_endpoint=base + "/sparql",
            ahead=ahead,
        )
        # What the server does before its first request: the home page, the templates.
        made.resources["/"].representation(formats["html"])
        return made

    catalog = fresh_catalog()
    paths = _paths(args.store, catalog)
    chosen = paths[:: max(1, len(paths) // args.documents)][: args.documents]

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
    print(f"{'format':<12} " + " ".join(f"{h:>7}" for h in heads) + "  ms a document (CPU; wall)")
    by_path: dict[str, float] = dict.fromkeys(chosen, 0.0)
    for key in ("turtle", "html"):
        # A catalog keeps each document it cut, for every format: each format starts afresh.
        catalog = fresh_catalog()
        cpu, wall = [], []
        for path in chosen:
            before, started_at = time.thread_time(), time.perf_counter()
            catalog.resources[path].representation(formats[key])
            cpu.append((time.thread_time() - before) * 1000)
            wall.append((time.perf_counter() - started_at) * 1000)
            by_path[path] += cpu[-1]
        for name, times in ((key, cpu), (f"{key} wall", wall)):
            times.sort()
            figures = [sum(times) / len(times), *(_percentile(times, q) for q in (0.5, 0.9, 0.99))]
            print(f"{name:<12} " + " ".join(f"{f:7.1f}" for f in [*figures, times[-1]]))
    gc.callbacks.remove(on_collection)
    for generation, times in pauses.items():
        print(f"collections of generation {generation}: {len(times)}, {sum(times):.0f} ms "
              f"in all, the longest {max(times, default=0):.1f} ms")  # fmt: skip
    if args.slowest:
        _print_slowest(catalog, by_path, args.slowest)
    print(f"load average: {os.getloadavg()}")


def _print_slowest(catalog: object, by_path: dict[str, float], count: int) -> None:
    """The slowest documents with their triples, then the mean CPU by kind of document."""
    print(f"\nthe {count} slowest documents (ms CPU, Turtle and HTML together)")
    documents = catalog.documents  # type: ignore[attr-defined]
    for path, cpu in sorted(by_path.items(), key=lambda item: -item[1])[:count]:
        print(f"{cpu:8.1f}  {len(documents[path].graph):6,} triples  {path}")
    kinds: dict[str, list[float]] = {}
    for path, cpu in by_path.items():
        kind = path.split("/")[2] + (" (page N)" if "/page/" in path else "")
        kinds.setdefault(kind, []).append(cpu)
    print(f"\n{'kind':<24} {'documents':>9} {'mean':>7} {'max':>7}  ms CPU, both formats")
    for kind, times in sorted(kinds.items(), key=lambda item: -sum(item[1]) / len(item[1])):
        print(f"{kind:<24} {len(times):>9} {sum(times) / len(times):7.1f} {max(times):7.1f}")


if __name__ == "__main__":
    main()
