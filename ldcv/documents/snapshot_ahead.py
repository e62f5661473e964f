"""Make a snapshot's whole-dataset files ahead of the first request, in a child process.

The index of the people (``/``), VoID's counts and the sitemap each read the whole
dataset: seconds to minutes at 10,000 CVs, which the first request after each
publication waited for, in a server process that kept the memory the walk took. So as
soon as a server installs a new snapshot, one process (whichever takes the lock of the
generation's ``.prepared`` marker first) starts ``python -m ldcv.documents.snapshot_ahead``,
which opens the snapshot read-only and makes those files in the generation's folder
(``ldcv.store.generation_files``), the home page's first, exactly as a request would
(the same functions, so the same bytes), and exits, returning its memory. A request
that comes meanwhile waits for the file it needs (its lock), or finds it made.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import URIRef

from ldcv.documents.background import in_background
from ldcv.documents.counts_update import updated_counts
from ldcv.documents.crawler_files import SITEMAP_LIMIT
from ldcv.documents.people_index import PEOPLE_INDEX_FILE
from ldcv.documents.sitemap_update import read_pages, updated_pages
from ldcv.documents.snapshot_change import SnapshotChange, snapshot_change
from ldcv.documents.snapshot_crawler_files import (
    COUNTS_FILE,
    SnapshotCrawlerFiles,
    snapshot_files,
)
from ldcv.documents.snapshot_sitemap import SITEMAP_PAGES, write_walked
from ldcv.documents.store_catalog import make_people_index, record_owners
from ldcv.errors import LdcvError
from ldcv.store.disk import StoreDirectory
from ldcv.store.generation_files import GenerationFiles
from ldcv.store.record_table import RecordTable, made_table

PREPARED = ".prepared"  # made once the child has made every file (hidden: never served)


def prepare_in_background(
    snapshot_path: Path,
    store_path: Path,
    generation: int,
    base_uri: str,
    lastmod: datetime,
    limit: int = SITEMAP_LIMIT,
) -> threading.Thread:
    """Start a thread that has the generation's files made by a child, once across processes."""
    work = partial(prepare, snapshot_path, store_path, generation, base_uri, lastmod, limit)
    # On failure a request makes the file itself; the log says why not here.
    failure = "making the store generation's files ahead of requests failed"
    return in_background("ldcv-ahead", work, failure)


def prepare(
    snapshot_path: Path,
    store_path: Path,
    generation: int,
    base_uri: str,
    lastmod: datetime,
    limit: int = SITEMAP_LIMIT,
) -> Path:
    """Have the generation's whole-dataset files made by a child, unless they were; wait for it."""
    files = snapshot_files(store_path, generation)
    child = [sys.executable, "-m", __name__, str(snapshot_path), str(store_path)]
    child += [str(generation), base_uri, lastmod.isoformat(), str(limit)]
    return files.made(PREPARED, partial(_run, child))


def make_files(
    store: ox.Store,
    store_path: Path,
    generation: int,
    base_uri: str,
    lastmod: datetime,
    limit: int = SITEMAP_LIMIT,
    *,
    owners: Sequence[URIRef] | None = None,
    records: RecordTable | None = None,
) -> None:
    """Make generation ``generation``'s whole-dataset files from ``store``, in this process.

    ``owners``: the CVs' owners as the server names them (``record_owners``); ``records``:
    the generation's record table, which says what changed since the last generation
    whose files are left: its files are then updated with the change, not made afresh.
    """
    files = snapshot_files(store_path, generation)
    found = None if records is None else _last_files(store, store_path, files, records, base_uri)
    previous, change = found if found is not None else (None, None)

    rows = None
    if previous is not None and change is not None and _holds(previous, PEOPLE_INDEX_FILE):
        rows = ((previous.folder / PEOPLE_INDEX_FILE).read_bytes(), set(change.touched.values()))
    make_people_index(store, base_uri, files, owners=owners, previous=rows)

    crawler = SnapshotCrawlerFiles(store, {}, generation, store_path, base_uri)
    if previous is not None and change is not None and _holds(previous, COUNTS_FILE):
        counted = (previous.folder / COUNTS_FILE).read_bytes()
        files.made(COUNTS_FILE, lambda file: file.write(updated_counts(counted, change)))
    crawler.counts_file()

    pages = None
    if previous is not None and change is not None and _holds(previous, SITEMAP_PAGES):
        listed = previous.folder / SITEMAP_PAGES
        pages = partial(updated_pages, read_pages(listed), change, base_uri)
    write_walked(store, files, base_uri, lastmod, limit, pages=pages)


def _last_files(
    store: ox.Store,
    store_path: Path,
    files: GenerationFiles,
    records: RecordTable,
    base_uri: str,
) -> tuple[GenerationFiles, SnapshotChange] | None:
    """The last generation's files still there and the change since, if its snapshot is too."""
    previous = files.previous()
    if previous is None:
        return None
    try:
        old = ox.Store.read_only(
            str(StoreDirectory(store_path).snapshots / str(previous.generation))
        )
    except OSError:  # pruned: superseded a while ago
        return None
    written = records.written_after(previous.generation)
    change = snapshot_change(old, store, records, written, base_uri.rstrip("/"))
    return None if change is None else (previous, change)


def _holds(files: GenerationFiles, name: str) -> bool:
    return (files.folder / name).is_file()


def _run(command: list[str], marker: IO[bytes]) -> None:
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise LdcvError(f"{command[3]}: making the generation's files failed: {error[-1:]}")
    marker.write(b"done\n")


def main(arguments: list[str]) -> None:
    """Make the files: ``SNAPSHOT STORE GENERATION BASE LASTMOD LIMIT``."""
    snapshot, store_path, generation, base, lastmod, limit = arguments
    store = ox.Store.read_only(snapshot)
    # The owners as the server's catalog has them: from the generation's records.
    records = RecordTable(made_table(Path(store_path), int(generation), Path(snapshot)))
    owners = record_owners(records, base)
    modified = datetime.fromisoformat(lastmod)
    make_files(
        store, Path(store_path), int(generation), base, modified, int(limit),
        owners=owners, records=records,
    )  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
