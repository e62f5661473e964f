"""A snapshot's whole-dataset files made ahead of requests: the bytes requests would make."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ldcv.documents import snapshot_ahead
from ldcv.documents.crawler_files import SITEMAP_PATH
from ldcv.documents.people_index import PEOPLE_INDEX_FILE
from ldcv.documents.snapshot_ahead import PREPARED, make_files, prepare
from ldcv.documents.snapshot_crawler_files import (
    COUNTS_FILE,
    SnapshotCrawlerFiles,
    snapshot_files,
)
from ldcv.documents.snapshot_sitemap import WALKED, write_sitemap
from ldcv.documents.store_catalog import record_owners, store_catalog
from ldcv.errors import LdcvError
from ldcv.rdf.formats import BY_KEY

BASE = "https://example.org"  # the overlapping store's
LASTMOD = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
LIMIT = 5  # URLs a sitemap file: the two CVs' documents fill several


def visible_files(folder: Path) -> dict[str, bytes]:
    """The files a generation's folder serves or reads back, by name (no locks, no markers)."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def made_by_requests(directory: Any) -> Path:
    """Make the files as the first request for each page does, from nothing; their folder."""
    with directory.open_snapshot() as snapshot:
        files = snapshot_files(directory.path, snapshot.generation)
        catalog = store_catalog(snapshot.store, BASE, modified=LASTMOD, files=files)
        catalog.resources["/"].representation(BY_KEY["html"])  # reads the people's rows
        crawler = SnapshotCrawlerFiles(
            snapshot.store, snapshot.records, snapshot.generation, directory.path, BASE
        )
        crawler.facts()  # VoID's counts
        # What the sitemap's child runs (the test of the child holds it against memory).
        write_sitemap(snapshot.store, files, BASE, LASTMOD, LIMIT)
        return files.folder


def test_the_files_made_ahead_are_the_bytes_requests_make(
    overlapping_store_copy: Any, overlapping_store: Any, tmp_path: Path
) -> None:
    import shutil

    from ldcv.store.disk import StoreDirectory

    other = tmp_path / "other"
    shutil.copytree(overlapping_store.path, other, ignore=shutil.ignore_patterns("crawler"))
    expected = visible_files(made_by_requests(StoreDirectory(other)))

    with overlapping_store_copy.open_snapshot() as snapshot:
        generation = snapshot.generation
        owners = record_owners(snapshot.records, BASE)  # requests read them from the graph
        make_files(
            snapshot.store, overlapping_store_copy.path, generation, BASE, LASTMOD, LIMIT,
            owners=owners,
        )  # fmt: skip
    folder = snapshot_files(overlapping_store_copy.path, generation).folder

    made = visible_files(folder)
    assert {PEOPLE_INDEX_FILE, COUNTS_FILE, SITEMAP_PATH.lstrip("/"), "sitemap-2.xml"} <= set(made)
    assert made == expected
    # The sitemap is marked walked, so a request for it starts no child of its own.
    listed = (folder / WALKED).read_text().split()
    assert listed[-1] == SITEMAP_PATH and len(listed) == len(made) - 2


@pytest.mark.slow  # starts a process
def test_a_child_makes_the_files_once_across_processes(
    overlapping_store_copy: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with overlapping_store_copy.open_snapshot() as snapshot:
        path, generation = snapshot.path, snapshot.generation
    marker = prepare(path, overlapping_store_copy.path, generation, BASE, LASTMOD, LIMIT)

    assert marker.name == PREPARED
    folder = marker.parent
    assert {PEOPLE_INDEX_FILE, COUNTS_FILE, "sitemap.xml"} <= set(visible_files(folder))

    def no_child(*args: object, **kwargs: object) -> None:
        raise AssertionError("a second child was started")

    monkeypatch.setattr(subprocess, "run", no_child)
    assert prepare(path, overlapping_store_copy.path, generation, BASE, LASTMOD, LIMIT) == marker


@pytest.mark.slow  # starts a process
def test_a_child_that_fails_names_the_snapshot_and_marks_nothing(
    overlapping_store_copy: Any, tmp_path: Path
) -> None:
    missing = tmp_path / "snapshots" / "7"
    with pytest.raises(LdcvError, match=str(missing)):
        prepare(missing, overlapping_store_copy.path, 7, BASE, LASTMOD)
    assert not (snapshot_files(overlapping_store_copy.path, 7).folder / PREPARED).exists()


def test_the_background_thread_logs_a_failure_and_returns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    thread = snapshot_ahead.prepare_in_background(
        tmp_path / "snapshots" / "3", tmp_path / "no-store", 3, BASE, LASTMOD
    )
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert "making the store generation's files ahead of requests failed" in caplog.text
