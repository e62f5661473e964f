"""ReopeningStore: a snapshot's read-only handle that lets go of RocksDB's caches."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from ldcv.store.reopening import ReopeningStore

PEOPLE = 20_000
SCHEMA = "https://schema.org/"


def _person(number: int) -> ox.NamedNode:
    return ox.NamedNode(f"https://example.org/people/person-number-{number}")


@pytest.fixture(scope="module")
def people_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pyoxigraph store on disk: 20,000 people, each with six literals long enough to go
    into the strings table (33 MB, made in 2 s)."""
    path = tmp_path_factory.mktemp("people") / "store"
    store = ox.Store(str(path))
    store.bulk_extend(
        ox.Quad(
            _person(n),
            ox.NamedNode(f"{SCHEMA}property{p}"),
            ox.Literal(f"a value long enough for the strings table, {n} {p}"),
            ox.NamedNode(f"https://example.org/graph/{n % 100}"),
        )
        for n in range(PEOPLE)
        for p in range(6)
    )
    store.flush()
    del store  # RocksDB lets go of the directory: now it opens read-only
    return path


def test_a_reopened_store_answers_the_same_from_a_new_handle(people_store: Path) -> None:
    store = ReopeningStore(people_store)
    first = store.handle
    before = set(store.quads_for_pattern(_person(7), None, None))
    count = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    store.reopen()
    assert store.handle is not first and store.reopened == 1
    assert set(store.quads_for_pattern(_person(7), None, None)) == before
    assert len(before) == 6
    again = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert [row["n"] for row in again] == [row["n"] for row in count]


def test_a_read_begun_before_a_reopen_reads_on_to_its_end(people_store: Path) -> None:
    store = ReopeningStore(people_store)
    reading = iter(
        store.quads_for_pattern(None, None, None, ox.NamedNode("https://example.org/graph/3"))
    )
    first = next(reading)
    store.reopen()
    rest = list(reading)  # on the old handle, which the iterator holds
    assert len([first, *rest]) == PEOPLE // 100 * 6


def test_a_reopen_keeps_no_hold_of_the_old_handle(people_store: Path) -> None:
    store = ReopeningStore(people_store)
    old = store.handle
    store.reopen()
    # Only ``old`` and getrefcount's argument: the caches go with the last reader.
    assert sys.getrefcount(old) == 2


def test_a_snapshot_removed_meanwhile_keeps_its_handle(people_store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "snapshot"
    shutil.copytree(people_store, copy)
    store = ReopeningStore(copy)
    handle = store.handle
    shutil.rmtree(copy)  # as the indexer removes a superseded generation
    assert store.reopen() is False
    assert store.handle is handle and store.reopened == 0


_FILL_AND_REOPEN = """
import random, re, sys
from pathlib import Path
import pyoxigraph as ox
from ldcv.native_memory import release_free_memory
from ldcv.store.reopening import ReopeningStore

def anonymous_mib():
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^RssAnon:\\s+(\\d+) kB", status, re.M).group(1)) / 1024

store = ReopeningStore(sys.argv[1])
release_free_memory()
opened = anonymous_mib()
for n in random.Random(1).sample(range(int(sys.argv[2])), 15_000):
    person = ox.NamedNode(f"https://example.org/people/person-number-{n}")
    list(store.quads_for_pattern(person, None, None))
release_free_memory()
filled = anonymous_mib()
store.reopen()
release_free_memory()
print(opened, filled, anonymous_mib())
"""


@pytest.mark.slow  # a fresh interpreter, whose memory is the store's alone
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_reopening_gives_back_the_memory_that_reads_filled(people_store: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _FILL_AND_REOPEN, str(people_store), str(PEOPLE)],
        capture_output=True,
        text=True,
        check=True,
    )
    opened, filled, reopened = map(float, done.stdout.split())
    # Measured: 31 MiB open, 51 filled, 32 reopened.
    assert filled - opened > 10, (opened, filled)
    assert filled - reopened > 10, (filled, reopened)
