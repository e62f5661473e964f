"""Fixtures of the store tests: a fresh store directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldcv.pipeline import Dataset
from ldcv.store.disk import StoreDirectory


@pytest.fixture
def store_directory(tmp_path: Path) -> StoreDirectory:
    """A store directory in ``tmp_path`` that nothing has written yet."""
    return StoreDirectory(tmp_path / "store")


@pytest.fixture(scope="session")
def seed_ntriples(tmp_path_factory: pytest.TempPathFactory, seed_dataset: Dataset) -> Path:
    """The seed's graph as an N-Triples file, for processes that need it quickly."""
    path = tmp_path_factory.mktemp("seed") / "seed.nt"
    seed_dataset.graph.serialize(path, format="nt", encoding="utf-8")
    return path
