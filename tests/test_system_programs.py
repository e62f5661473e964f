"""Tests that drive nginx, Apache, Chromium or Node skip where the program is missing.

The suite runs again in a subprocess with every program hidden (an empty ``PATH``):
outside CI each such test is a skip naming the Debian package that brings the
program; under CI (``CI=true``) each is a failure, so CI cannot pass without them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PROGRAM_MARKERS = "nginx or apache2 or chromium or node"
PACKAGES = ("apt-get install nginx", "apt-get install apache2", "apt-get install chromium")

pytestmark = pytest.mark.slow


def run_with_programs_hidden(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    """Run the tests that drive system programs with none of them on the ``PATH``."""
    empty = tmp_path / "empty-path"
    empty.mkdir(exist_ok=True)
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment["PATH"] = str(empty)
    if ci:
        environment["CI"] = "true"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(TESTS),
            "-m",
            PROGRAM_MARKERS,
            "-rsE",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
        ],
        cwd=TESTS.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def outcome_counts(output: str) -> dict[str, int]:
    """The counts of pytest's closing summary line: {"skipped": 12, "deselected": 900 …}."""
    summary = output.strip().splitlines()[-1]
    return {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", summary)}


def test_missing_programs_are_skips_that_name_their_debian_package(tmp_path: Path) -> None:
    result = run_with_programs_hidden(tmp_path, ci=False)
    counts = outcome_counts(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:]
    assert counts.get("skipped", 0) >= 20, counts
    assert not {"passed", "failed", "error", "errors"} & counts.keys(), counts
    for package in (*PACKAGES, "apt-get install nodejs"):
        assert package in result.stdout, package


def test_under_ci_a_missing_program_is_a_failure_not_a_skip(tmp_path: Path) -> None:
    result = run_with_programs_hidden(tmp_path, ci=True)
    counts = outcome_counts(result.stdout)
    assert result.returncode != 0
    assert "skipped" not in counts, counts
    assert counts.get("errors", counts.get("error", 0)) >= 20, counts
    assert "CI must have it" in result.stdout
