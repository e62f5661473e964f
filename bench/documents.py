"""Benchmark documents rendered on demand from a pyoxigraph store of about 2 M triples.

    .venv/bin/python bench/documents.py [--copies 750] [--store DIR] [--samples 200]
                                        [--documents 5000] [--cache-mb 64]

The store holds ``--copies`` copies of the seed's validated graph (2,717 triples each),
one named graph per copy (and their merge in the default graph, as ``ldcv index`` keeps
it), every IRI minted under the base and every blank node renamed per copy so that
copies do not collide: 750 copies are about 2.04 M triples. It is built
once into ``--store`` (default: a directory under the system's temporary directory) by a
child process with ``bulk_extend``, and reused by later runs.

Then, in this process, which has read nothing else:

1. time to the first document: open the store read-only, make the catalog
   (``store_catalog``), render the first owner's profile page;
2. listing every document path (what a sitemap or a static build asks once);
3. p50/p99 to render one uncached document in each format: ``--samples`` distinct
   documents per format, each asked for the first time;
4. resident memory (``ru_maxrss``, and the current RSS) every 1,000 documents while
   ``--documents`` distinct documents are rendered (one format each, in turn) with the
   cache bounded at ``--cache-mb``: it must stay flat.

Goal (issue 11): uncached p99 under 50 ms, memory flat. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ldcv.documents.store_catalog import store_catalog  # noqa: E402
from ldcv.rdf.formats import FORMATS  # noqa: E402
from ldcv.store.terms import to_oxigraph  # noqa: E402

BASE = "http://cv.example.org"
SEED_TRIPLES = 2717


def seed_graph() -> Graph:
    """The seed CV (``data/``), loaded, mapped and validated."""
    from ldcv.pipeline import prepare

    return prepare([ROOT / "data"], BASE).graph


def copy_quads(graph: Graph, copy: int) -> Iterator[ox.Quad]:
    """``graph`` as copy number ``copy``: minted IRIs and blank nodes renamed, in its own graph."""
    minted = (BASE + "/id/", BASE + "/doc/")
    suffix = f"-c{copy:05d}"
    renamed: dict[object, object] = {}

    def rename(term: object) -> object:
        found = renamed.get(term)
        if found is None:
            if isinstance(term, URIRef) and str(term).startswith(minted):
                found = to_oxigraph(URIRef(term + suffix))
            elif isinstance(term, BNode):
                found = ox.BlankNode(f"{term}c{copy}")
            else:
                found = to_oxigraph(term)  # type: ignore[arg-type]
            renamed[term] = found
        return found

    name = ox.NamedNode(f"urn:bench:cv:{copy:05d}")
    for s, p, o in graph:
        yield ox.Quad(rename(s), rename(p), rename(o), name)  # type: ignore[arg-type]


def build_store(path: Path, copies: int) -> None:
    """Write ``copies`` copies of the seed's graph into a new store at ``path``.

    As ``ldcv index`` writes a store: each copy in its named graph, and their merge in
    the default graph (``ldcv.store.disk``).
    """
    graph = seed_graph()
    store = ox.Store(str(path))
    store.bulk_extend(
        quad
        for copy in range(copies)
        for named in copy_quads(graph, copy)
        for quad in (named, ox.Quad(named.subject, named.predicate, named.object))
    )
    store.flush()
    store.optimize()


def rss_mib() -> tuple[float, float, float]:
    """Peak resident memory of this process, and now: its heap and the files it maps, in MiB.

    The store's files are mapped: pages of them read count as resident (``RssFile``) but
    belong to the page cache; the heap (``RssAnon``) is what this process holds.
    """
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    kib = {key: int(status[key].split()[0]) for key in ("RssAnon", "RssFile")}
    return peak, kib["RssAnon"] / 1024, kib["RssFile"] / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=750)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--documents", type=int, default=5000)
    parser.add_argument("--cache-mb", type=float, default=64)
    args = parser.parse_args()
    path = args.store or Path(tempfile.gettempdir()) / f"ldcv-bench-documents-{args.copies}-merged"

    if not path.exists():
        started = time.perf_counter()
        child = multiprocessing.get_context("spawn").Process(
            target=build_store, args=(path, args.copies)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            sys.exit(f"building the store failed ({child.exitcode})")
        print(f"built {path} ({args.copies} copies) in {time.perf_counter() - started:.1f} s")
    print(f"store {path}: about {args.copies * SEED_TRIPLES / 1e6:.2f} M triples")
    print(
        "memory before opening: ru_maxrss {:.0f} MiB (heap {:.0f}, files {:.0f})".format(*rss_mib())
    )

    started = time.perf_counter()
    store = ox.Store.read_only(str(path))
    catalog = store_catalog(
        store,
        BASE,
        modified=datetime.now(UTC),
        sparql_endpoint=BASE + "/sparql",
        cache_mb=args.cache_mb,
    )
    made = time.perf_counter()
    first_owner = catalog.owners[0]
    first_path = catalog.documents.page_index()[0][first_owner]
    html = next(f for f in FORMATS if f.key == "html")
    catalog.resources[first_path].representation(html)
    first = time.perf_counter()
    print(
        f"first document: {first - started:.2f} s (open + catalog {made - started:.2f} s, "
        f"{len(catalog.owners)} owners; profile page {first - made:.3f} s)"
    )

    print(
        "after the first document: ru_maxrss {:.0f} MiB (heap {:.0f}, files {:.0f})".format(
            *rss_mib()
        )
    )
    started, started_cpu = time.perf_counter(), time.process_time()
    paths = list(catalog.documents)
    print(
        f"listing every document path: {len(paths)} in {time.perf_counter() - started:.2f} s"
        f" ({time.process_time() - started_cpu:.2f} s CPU)"
    )

    chosen = random.Random(11).sample(paths, len(paths))
    samples = iter(chosen)
    print(f"uncached render, {args.samples} distinct documents per format (ms):")
    for fmt in FORMATS:
        wall, cpu = [], []
        for _ in range(args.samples):
            resource_ = catalog.resources[next(samples)]
            begun, begun_cpu = time.perf_counter(), time.thread_time()
            resource_.representation(fmt)
            wall.append((time.perf_counter() - begun) * 1000)
            cpu.append((time.thread_time() - begun_cpu) * 1000)
        print(
            f"  {fmt.key:8} wall p50 {statistics.median(wall):6.1f}"
            f"  p99 {percentile(wall, 0.99):6.1f}  max {max(wall):6.1f}"
            f" | cpu p50 {statistics.median(cpu):6.1f}  p99 {percentile(cpu, 0.99):6.1f}"
        )

    cache = catalog.resources.cache  # type: ignore[attr-defined]
    print(f"rendering {args.documents} documents, cache bounded at {args.cache_mb:g} MiB:")
    started = time.perf_counter()
    for count in range(1, args.documents + 1):
        path_ = next(samples, None) or chosen[count % len(chosen)]
        catalog.resources[path_].representation(FORMATS[count % len(FORMATS)])
        if count % 1000 == 0:
            peak, heap, files = rss_mib()
            print(
                f"  {count:6} documents: ru_maxrss {peak:4.0f} MiB (heap {heap:4.0f}, "
                f"mapped files {files:4.0f}), "
                f"cache {cache.weight / 2**20:5.1f} MiB in {len(cache)} resources, "
                f"{(time.perf_counter() - started) / count * 1000:.1f} ms/document"
            )


if __name__ == "__main__":
    main()
