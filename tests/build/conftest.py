"""Fixtures of the build tests: the seed's site built from its YAML, to hold others against."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldcv.build.site import build_site
from ldcv.pipeline import Dataset


@pytest.fixture(scope="module")
def seed_yaml_site(seed_dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static site of ``seed_dataset`` (``data/`` under http://cv.example.org), built in
    one process (read it only)."""
    outdir = tmp_path_factory.mktemp("seed-yaml-site") / "site"
    build_site(seed_dataset, outdir, jobs=1)
    return outdir
