"""A new generation's sitemap made from the last one's pages and what changed: as walked."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ldcv.documents import paging, sitemap_update, snapshot_sitemap, store_walk
from ldcv.documents.sitemap_update import _document_of
from ldcv.documents.snapshot_ahead import make_files
from ldcv.documents.snapshot_crawler_files import snapshot_files
from ldcv.documents.snapshot_sitemap import SITEMAP_PAGES, WALKED
from ldcv.generator import write_cvs
from ldcv.store.disk import StoreDirectory
from ldcv.store.index import index_paths

BASE = "https://cv.example.org"
LASTMOD = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
LIMIT = 40  # several sitemap parts


def sitemap_files(directory: StoreDirectory, generation: int) -> dict[str, bytes]:
    """The sitemap's files of a generation and its list of pages, by name."""
    folder = snapshot_files(directory.path, generation).folder
    names = [p.name for p in folder.iterdir() if p.name.startswith("sitemap")]
    return {name: (folder / name).read_bytes() for name in [*names, SITEMAP_PAGES, WALKED]}


def made(directory: StoreDirectory, *, update: bool) -> int:
    """Make the current generation's files as the child does; return the generation."""
    with directory.open_snapshot() as snapshot:
        records = snapshot.records if update else None
        make_files(
            snapshot.store, directory.path, snapshot.generation, BASE, LASTMOD, LIMIT,
            records=records,  # type: ignore[arg-type]
        )  # fmt: skip
        return snapshot.generation


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Six generated CVs whose publications overlap, as files."""
    folder = tmp_path_factory.mktemp("pool")
    write_cvs(6, folder, seed=5)
    return sorted(folder.iterdir())


@pytest.mark.parametrize("page_size", [100, 4])  # 4: hubs are paged, and their pages change
def test_after_cvs_are_added_removed_and_edited_the_updated_sitemap_is_the_walked_one(
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
    assert not index_paths([data], served, BASE, jobs=1).failed
    first = made(served, update=True)  # nothing before it: walked
    before = sitemap_files(served, first)

    shutil.copy2(pool[4], data / pool[4].name)
    shutil.copy2(pool[5], data / pool[5].name)
    (data / pool[0].name).unlink()
    edited = next(p for p in sorted(data.iterdir()) if "\nawards:" in p.read_text("utf-8"))
    text = edited.read_text(encoding="utf-8")
    award = text.index("\n    name: ", text.index("\nawards:"))  # the owner's own
    edited.write_text(text[:award] + "\n    name: Renamed" + text[award + 11 :], encoding="utf-8")
    report = index_paths([data], served, BASE, jobs=1)
    assert not report.failed and len(report.added) == 2 and report.removed

    def walked(*args: object) -> None:
        raise AssertionError("the snapshot was walked")

    with monkeypatch.context() as patched:
        patched.setattr(snapshot_sitemap, "sorted_page_paths", walked)
        second = made(served, update=True)
    fresh = StoreDirectory(tmp_path / "fresh")  # the same data, indexed and walked afresh
    assert not index_paths([data], fresh, BASE, jobs=1).failed
    assert made(fresh, update=False) == 1

    updated, expected = sitemap_files(served, second), sitemap_files(fresh, 1)
    assert updated == expected
    assert len(updated) > 4 and updated[SITEMAP_PAGES] != before[SITEMAP_PAGES]
    paged = [line for line in updated[SITEMAP_PAGES].split(b"\n") if b"/page/" in line]
    assert bool(paged) == (page_size < 100)
    # The last generation's files are gone once the new one has its own pages.
    assert not snapshot_files(served.path, first).folder.exists()


def test_without_the_last_generations_snapshot_the_new_one_is_walked(
    tmp_path: Path, pool: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for path in pool[:2]:
        shutil.copy2(path, data / path.name)
    served = StoreDirectory(tmp_path / "served")
    index_paths([data], served, BASE, jobs=1)
    first = made(served, update=True)
    shutil.copy2(pool[2], data / pool[2].name)
    index_paths([data], served, BASE, jobs=1)
    shutil.rmtree(served.snapshots / str(first))  # superseded long ago: pruned
    calls = []
    monkeypatch.setattr(
        snapshot_sitemap,
        "sorted_page_paths",
        lambda index, walk=snapshot_sitemap.sorted_page_paths: calls.append(1) or walk(index),
    )
    made(served, update=True)
    assert calls == [1]


@pytest.mark.parametrize(
    ("page", "document"),
    [
        ("/", "/"),
        ("/doc/person/ada", "/doc/person/ada"),
        ("/doc/skill/git/page/12", "/doc/skill/git"),
        ("/doc/work/page/x", "/doc/work/page/x"),  # a slug, not a page number
    ],
)
def test_a_page_belongs_to_its_document(page: str, document: str) -> None:
    assert _document_of(page) == document
