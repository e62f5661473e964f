"""Write N generated CVs for benchmarks: ``python bench/generate.py N OUTDIR [--seed S]``.

A thin wrapper over ``ldcv generate`` (``ldcv.generator``): an institute's overlapping
CVs, each named ``<owner-key>.yaml``, sizes from a few papers to hundreds.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ldcv.cli import main as ldcv
from ldcv.generator import write_cvs as _write_cvs


def write_cvs(count: int, outdir: Path, seed: int = 0) -> list[Path]:
    """Write ``count`` generated CVs into ``outdir``; return their paths, sorted."""
    return sorted(_write_cvs(count, outdir, seed))


if __name__ == "__main__":
    sys.exit(ldcv(["generate", *sys.argv[1:]]))
