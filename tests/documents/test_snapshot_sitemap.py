"""A store snapshot's sitemap files, written by a child process that walks the snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldcv.documents import snapshot_sitemap
from ldcv.documents.crawler_files import Sitemap, sitemap_paths
from ldcv.documents.selection import build_documents
from ldcv.documents.snapshot_crawler_files import SnapshotCrawlerFiles
from ldcv.documents.snapshot_sitemap import WALKED, write_in_child
from ldcv.errors import LdcvError
from ldcv.pipeline import Dataset
from ldcv.store.generation_files import GenerationFiles


@pytest.mark.slow  # starts a process
def test_the_child_writes_the_sitemap_the_dataset_in_memory_has(
    seed_store_copy, seed_dataset: Dataset, monkeypatch
) -> None:
    def not_here(*args: object) -> None:
        raise AssertionError("the walk ran in the server's process")

    monkeypatch.setattr(snapshot_sitemap, "sorted_page_paths", not_here)
    sitemap = Sitemap(
        seed_dataset.base_uri,
        sitemap_paths(build_documents(seed_dataset)),
        seed_dataset.modified,
        limit=100,
    )
    with seed_store_copy.open_snapshot() as snapshot:
        walked = SnapshotCrawlerFiles(
            snapshot.store,
            snapshot.records,
            snapshot.generation,
            seed_store_copy.path,
            seed_dataset.base_uri,
            snapshot_path=snapshot.path,
        )
        assert sitemap.parts > 1
        for served in reversed(sitemap.files):  # a crawler may ask for a part first
            found = walked.walked_sitemap_file(served, seed_dataset.modified, limit=100)
            assert found is not None and found.read_bytes() == sitemap.render(served), served
        assert (
            walked.walked_sitemap_file(f"/sitemap-{sitemap.parts + 1}.xml", sitemap.lastmod) is None
        )
        assert walked.walked_sitemap_file("/robots.txt", sitemap.lastmod) is None
    # The child said what it wrote; once written, asking again starts no child.
    listed = (walked.files.folder / WALKED).read_text().split()
    assert listed == [*sitemap.files[1:], "/sitemap.xml"]


@pytest.mark.slow  # starts a process
def test_a_child_that_fails_names_the_snapshot_and_leaves_no_sitemap(
    tmp_path: Path, seed_dataset: Dataset
) -> None:
    files = GenerationFiles(tmp_path / "crawler", 1)
    missing = tmp_path / "snapshots" / "1"
    with pytest.raises(LdcvError, match=str(missing)):
        write_in_child(files, missing, seed_dataset.base_uri, seed_dataset.modified)
    assert not (files.folder / WALKED).exists()
    assert not (files.folder / "sitemap.xml").exists()
