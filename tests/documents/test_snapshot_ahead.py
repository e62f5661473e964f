"""A snapshot's whole-dataset files made ahead of requests: the bytes requests would make."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ldcv.documents import paging, sitemap_update, snapshot_ahead, snapshot_sitemap, store_walk
from ldcv.documents.crawler_files import SITEMAP_PATH
from ldcv.documents.people_index import PEOPLE_INDEX_FILE, PeopleIndex
from ldcv.documents.snapshot_ahead import PREPARED, make_files, prepare
from ldcv.documents.snapshot_crawler_files import (
    COUNTS_FILE,
    SnapshotCrawlerFiles,
    snapshot_files,
)
from ldcv.documents.snapshot_sitemap import SITEMAP_PAGES, WALKED, write_sitemap
from ldcv.documents.store_catalog import record_owners, store_catalog
from ldcv.errors import LdcvError
from ldcv.generator import write_cvs
from ldcv.rdf.formats import BY_KEY
from ldcv.store.disk import StoreDirectory
from ldcv.store.index import index_paths

BASE = "https://example.org"  # the overlapping store's
GENERATED = "https://cv.example.org"
HIDDEN = (SITEMAP_PAGES, WALKED)
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


@pytest.mark.slow  # starts a process
def test_the_background_thread_logs_a_failure_and_returns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    thread = snapshot_ahead.prepare_in_background(
        tmp_path / "snapshots" / "3", tmp_path / "no-store", 3, BASE, LASTMOD
    )
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert "making the store generation's files ahead of requests failed" in caplog.text


def generation_files(directory: StoreDirectory, generation: int) -> dict[str, bytes]:
    """A generation's files made ahead, the sitemap's list of pages and marker included."""
    folder = snapshot_files(directory.path, generation).folder
    return {**visible_files(folder), **{n: (folder / n).read_bytes() for n in HIDDEN}}


def made_ahead(directory: StoreDirectory, *, update: bool) -> int:
    """Make the current generation's files as the child does; return the generation."""
    with directory.open_snapshot() as snapshot:
        records = snapshot.records if update else None
        make_files(
            snapshot.store, directory.path, snapshot.generation, GENERATED, LASTMOD, LIMIT,
            records=records,  # type: ignore[arg-type]
        )  # fmt: skip
        return snapshot.generation


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Six generated CVs whose publications overlap, as files."""
    folder = tmp_path_factory.mktemp("pool")
    write_cvs(6, folder, seed=5)
    return sorted(folder.iterdir())


@pytest.mark.slow  # indexes generated CVs three times
@pytest.mark.parametrize("page_size", [100, 4])  # 4: hubs are paged, and their pages change
def test_after_cvs_are_added_removed_and_edited_the_updated_files_are_those_made_afresh(
    tmp_path: Path, pool: list[Path], monkeypatch: pytest.MonkeyPatch, page_size: int
) -> None:
    if page_size != paging.PAGE_SIZE:
        monkeypatch.setattr(paging.page_count, "__defaults__", (page_size,))
        monkeypatch.setattr(store_walk, "PAGE_SIZE", page_size)
        monkeypatch.setattr(sitemap_update, "PAGE_SIZE", page_size)
    data = tmp_path / "data"
    data.mkdir()
    for path in pool[:4]:
        shutil.copy2(path, data / path.name)
    served = StoreDirectory(tmp_path / "served")
    assert not index_paths([data], served, GENERATED, jobs=1).failed
    first = made_ahead(served, update=True)  # nothing before it: walked
    before = generation_files(served, first)

    shutil.copy2(pool[4], data / pool[4].name)
    shutil.copy2(pool[5], data / pool[5].name)
    (data / pool[0].name).unlink()
    edited = next(p for p in sorted(data.iterdir()) if "\nawards:" in p.read_text("utf-8"))
    text = edited.read_text(encoding="utf-8")
    award = text.index("\n    name: ", text.index("\nawards:"))  # the owner's own
    text = text[:award] + "\n    name: Renamed" + text[award + 11 :]
    owner = text.index("\n  name: ", text.index("\nperson:"))  # their row in the index
    edited.write_text(text[:owner] + "\n  name: Renamed " + text[owner + 9 :], encoding="utf-8")
    report = index_paths([data], served, GENERATED, jobs=1)
    assert not report.failed and len(report.added) == 2 and report.removed

    def walked(*args: object) -> None:
        raise AssertionError("the snapshot was walked")

    with monkeypatch.context() as patched:  # each file is updated, none made afresh
        patched.setattr(snapshot_sitemap, "sorted_page_paths", walked)
        patched.setattr(PeopleIndex, "_rows", walked)
        patched.setattr(SnapshotCrawlerFiles, "_write_counts", walked)
        second = made_ahead(served, update=True)
    fresh = StoreDirectory(tmp_path / "fresh")  # the same data, indexed and walked afresh
    assert not index_paths([data], fresh, GENERATED, jobs=1).failed
    assert made_ahead(fresh, update=False) == 1

    updated, expected = generation_files(served, second), generation_files(fresh, 1)
    assert updated == expected
    assert {PEOPLE_INDEX_FILE, COUNTS_FILE, "sitemap-2.xml"} <= set(updated)
    for name in (PEOPLE_INDEX_FILE, COUNTS_FILE, SITEMAP_PAGES):
        assert updated[name] != before[name], name
    paged = [line for line in updated[SITEMAP_PAGES].split(b"\n") if b"/page/" in line]
    assert bool(paged) == (page_size < 100)
    # The last generation's files are gone once the new one has its own pages.
    assert not snapshot_files(served.path, first).folder.exists()


@pytest.mark.slow  # indexes generated CVs
def test_without_the_last_generations_snapshot_the_new_one_is_walked(
    tmp_path: Path, pool: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for path in pool[:2]:
        shutil.copy2(path, data / path.name)
    served = StoreDirectory(tmp_path / "served")
    index_paths([data], served, GENERATED, jobs=1)
    first = made_ahead(served, update=True)
    shutil.copy2(pool[2], data / pool[2].name)
    index_paths([data], served, GENERATED, jobs=1)
    shutil.rmtree(served.snapshots / str(first))  # superseded long ago: pruned
    calls = []
    monkeypatch.setattr(
        snapshot_sitemap,
        "sorted_page_paths",
        lambda index, walk=snapshot_sitemap.sorted_page_paths: calls.append(1) or walk(index),
    )
    made_ahead(served, update=True)
    assert calls == [1]
