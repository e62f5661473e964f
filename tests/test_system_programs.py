"""Tests that drive nginx, Apache, Chromium or Node skip where the program is missing.

The test modules that mark tests with these programs run again in a subprocess with every
program hidden (an empty ``PATH``): outside CI each such test is a skip naming the Debian
package that brings the program; under CI (``CI=true``) each is a failure, so CI cannot
pass without them. Only those modules: collecting the whole suite cost each run 5 s.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PROGRAMS = ("nginx", "apache2", "chromium", "node")
PROGRAM_MARKERS = " or ".join(PROGRAMS)
# A test carries a marker as a decorator, in ``pytestmark`` or in ``pytest.param(marks=…)``.
MARKED = re.compile(r"\bmark\.(?:" + "|".join(PROGRAMS) + r")\b")
PACKAGES = ("apt-get install nginx", "apt-get install apache2", "apt-get install chromium")

pytestmark = pytest.mark.slow


def modules_marking_programs() -> list[str]:
    """The test modules that mark any test as driving one of the programs."""
    modules = sorted(TESTS.rglob("test_*.py"))
    return [str(m) for m in modules if MARKED.search(m.read_text(encoding="utf-8"))]


def run_with_programs_hidden(tmp_path: Path, ci: bool) -> subprocess.Popen[str]:
    """Start the tests that drive system programs with none of them on the ``PATH``."""
    empty = tmp_path / "empty-path"
    empty.mkdir(exist_ok=True)
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment["PATH"] = str(empty)
    if ci:
        environment["CI"] = "true"
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            *modules_marking_programs(),
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
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@pytest.fixture(scope="module")
def hidden_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, tuple[int, str]]:
    """The exit code and output of the run outside CI (False) and under CI (True).

    Both run at once.
    """
    tmp_path = tmp_path_factory.mktemp("hidden")
    runs = {ci: run_with_programs_hidden(tmp_path, ci) for ci in (False, True)}
    results = {}
    try:
        for ci, process in runs.items():
            output, _ = process.communicate(timeout=300)
            results[ci] = (process.returncode, output)
        return results
    finally:
        for process in runs.values():
            process.kill()  # one left running by a timeout; nothing, once it ended
            process.wait()


def outcome_counts(output: str) -> dict[str, int]:
    """The counts of pytest's closing summary line: {"skipped": 12, "deselected": 900 …}."""
    summary = output.strip().splitlines()[-1]
    return {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", summary)}


def test_missing_programs_are_skips_that_name_their_debian_package(hidden_runs) -> None:
    returncode, stdout = hidden_runs[False]
    counts = outcome_counts(stdout)
    assert returncode == 0, stdout[-3000:]
    assert counts.get("skipped", 0) >= 20, counts
    assert not {"passed", "failed", "error", "errors"} & counts.keys(), counts
    for package in (*PACKAGES, "apt-get install nodejs"):
        assert package in stdout, package


def test_under_ci_a_missing_program_is_a_failure_not_a_skip(hidden_runs) -> None:
    returncode, stdout = hidden_runs[True]
    counts = outcome_counts(stdout)
    assert returncode != 0
    assert "skipped" not in counts, counts
    assert counts.get("errors", counts.get("error", 0)) >= 20, counts
    assert "CI must have it" in stdout
