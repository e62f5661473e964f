"""Fixtures of the document tests: the in-memory catalogs the store's are held against, and
the crawler files of the seed's store snapshot.

The stores themselves (``seed_store``, ``overlapping_cv_store``) and the datasets of the
same triples (``seed_dataset``, ``overlapping_cv_dataset``) are in ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ldcv.documents.catalog import Catalog, build_catalog
from ldcv.documents.snapshot_crawler_files import SnapshotCrawlerFiles
from ldcv.pipeline import Dataset

SPARQL_PATH = "/sparql"


@pytest.fixture(scope="session")
def seed_memory_catalog(seed_dataset: Dataset) -> Catalog:
    """The seed's catalog as the server builds it in memory, rendered as tests ask."""
    endpoint = seed_dataset.base_uri + SPARQL_PATH
    return build_catalog(seed_dataset, prerender=False, sparql_endpoint=endpoint)


@pytest.fixture(scope="session")
def overlapping_cv_memory_catalog(overlapping_cv_dataset: Dataset) -> Catalog:
    """The catalog of the two overlapping CVs, built in memory, rendered as tests ask."""
    endpoint = overlapping_cv_dataset.base_uri + SPARQL_PATH
    return build_catalog(overlapping_cv_dataset, prerender=False, sparql_endpoint=endpoint)


@pytest.fixture
def snapshot_files(seed_store_copy: Any, seed_dataset: Dataset) -> Iterator[SnapshotCrawlerFiles]:
    """The crawler files of the seed's store snapshot (a copy of the test's own), none made."""
    with seed_store_copy.open_snapshot() as snapshot:
        yield SnapshotCrawlerFiles(
            snapshot.store,
            snapshot.records,
            snapshot.generation,
            seed_store_copy.path,
            seed_dataset.base_uri,
        )
