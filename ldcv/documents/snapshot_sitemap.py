"""Write a store snapshot's sitemap files in a child process, so that no server process grows.

Listing every page of a dataset reads all of it: at 10,000 CVs some 600,000 documents,
minutes of lookups and a few hundred megabytes at the peak. A server worker that did it
would keep that peak for good (granian's workers, like most, keep their high-water
mark), and each worker would do it again. So the first process to ask for the sitemap
starts ``python -m ldcv.documents.snapshot_sitemap`` and waits for it: the child opens
the snapshot read-only, walks it in bounded memory (``ldcv.documents.store_walk``),
writes each sitemap file as soon as it is complete (``crawler_files.sitemap_files``)
into the generation's folder (``ldcv.store.generation_files``), and exits, returning
its memory. The other processes wait on the same lock and then serve the files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ldcv.documents.crawler_files import SITEMAP_LIMIT, sitemap_files
from ldcv.documents.store_index import StoreIndex
from ldcv.documents.store_reads import RecentReads
from ldcv.documents.store_walk import sorted_page_paths
from ldcv.errors import LdcvError
from ldcv.store.generation_files import GenerationFiles
from ldcv.store.rdflib_view import UnionView
from ldcv.store.records import RECORDS_GRAPH

# Made, under its lock, once the child has written every sitemap file: its presence
# says there is nothing left to walk (a hidden name: never served).
WALKED = ".sitemap-walked"
# Every page the sitemap lists, one a line, in its order: the next generation's sitemap
# is this list with the pages of what changed (``ldcv.documents.sitemap_update``).
SITEMAP_PAGES = ".sitemap-pages"


def write_in_child(
    files: GenerationFiles,
    snapshot_path: Path,
    base_uri: str,
    lastmod: datetime,
    limit: int = SITEMAP_LIMIT,
) -> None:
    """Make the sitemap files of the snapshot at ``snapshot_path`` in ``files`` once, in a child."""
    files.made(WALKED, partial(_run_child, files, snapshot_path, base_uri, lastmod, limit))


def write_walked(
    store: ox.Store,
    files: GenerationFiles,
    base_uri: str,
    lastmod: datetime,
    limit: int = SITEMAP_LIMIT,
    *,
    pages: Callable[[], Iterable[str]] | None = None,
) -> None:
    """``write_in_child``'s files and marker, walked in this process (a child of its own).

    ``pages()``: the pages to list, in their order, if not walked from ``store``.
    """
    if pages is None:
        pages = partial(sorted_page_paths, _index(store, base_uri, RECORDS_GRAPH))
    files.made(WALKED, partial(_walk_here, pages, files, base_uri, lastmod, limit))


def _walk_here(
    pages: Callable[[], Iterable[str]],
    files: GenerationFiles,
    base_uri: str,
    lastmod: datetime,
    limit: int,
    marker: IO[bytes],
) -> None:
    written = write_sitemap_pages(files, base_uri, pages(), lastmod, limit)
    marker.write("".join(f"{path}\n" for path in written).encode("utf-8"))


def write_sitemap(
    store: ox.Store,
    files: GenerationFiles,
    base_uri: str,
    lastmod: datetime,
    limit: int = SITEMAP_LIMIT,
    *,
    records_graph: str = RECORDS_GRAPH,
) -> list[str]:
    """Write the sitemap files of the dataset in ``store`` into ``files``; return their paths."""
    pages = sorted_page_paths(_index(store, base_uri, records_graph))
    return write_sitemap_pages(files, base_uri, pages, lastmod, limit)


def write_sitemap_pages(
    files: GenerationFiles,
    base_uri: str,
    pages: Iterable[str],
    lastmod: datetime,
    limit: int = SITEMAP_LIMIT,
) -> list[str]:
    """Write the sitemap files listing ``pages`` (in order) and the list; return their paths."""
    base = base_uri.rstrip("/")
    written = []
    files.folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=files.folder) as listed:
        for served, body in sitemap_files(base, _listed(pages, listed), lastmod, limit):
            files.made(served.lstrip("/"), partial(_write, body))
            written.append(served)
        listed.seek(0)
        files.made(SITEMAP_PAGES, partial(shutil.copyfileobj, listed))
    return written


def _listed(pages: Iterable[str], listed: IO[bytes]) -> Iterator[str]:
    """``pages``, each written into ``listed`` as it passes (one a line)."""
    for page in pages:
        listed.write(f"{page}\n".encode())
        yield page


def _index(store: ox.Store, base_uri: str, records_graph: str) -> StoreIndex:
    return StoreIndex(RecentReads(UnionView(store, records_graph)), base_uri.rstrip("/"))


def _run_child(
    files: GenerationFiles,
    snapshot_path: Path,
    base_uri: str,
    lastmod: datetime,
    limit: int,
    marker: IO[bytes],
) -> None:
    command = [sys.executable, "-m", __name__, str(snapshot_path), str(files.root)]
    command += [str(files.generation), base_uri, lastmod.isoformat(), str(limit)]
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise LdcvError(f"{snapshot_path}: writing the sitemap failed: {error[-1:]}")
    marker.write(done.stdout)


def _write(body: bytes, file: IO[bytes]) -> None:
    file.write(body)


def main(arguments: list[str]) -> None:
    """Write the sitemap files: ``SNAPSHOT ROOT GENERATION BASE LASTMOD LIMIT``."""
    snapshot, root, generation, base, lastmod, limit = arguments
    store = ox.Store.read_only(snapshot)
    files = GenerationFiles(Path(root), int(generation), carry=(SITEMAP_PAGES,))
    written = write_sitemap(store, files, base, datetime.fromisoformat(lastmod), int(limit))
    sys.stdout.write("".join(f"{path}\n" for path in written))


if __name__ == "__main__":
    main(sys.argv[1:])
