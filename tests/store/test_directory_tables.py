"""The directory's tables on disk: what planning reads instead of every record, kept true."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ldcv.generator import write_cvs
from ldcv.load.builder import declare
from ldcv.load.directory import Directory, entries_of
from ldcv.load.files import read_file
from ldcv.store.directory_tables import TABLES_FILE, DirectoryTables, tables_of
from ldcv.store.disk import StoreDirectory
from ldcv.store.index import index_paths
from ldcv.store.plan import plan_index
from ldcv.store.records import GraphRecord

BASE = "https://example.org"


def rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the tables but their generation, in one order."""
    with sqlite3.connect(path) as db:
        return {
            table: sorted(db.execute(f"SELECT * FROM {table}"), key=repr)
            for table in ("files", "entries", "depends")
        }


def remade(store: StoreDirectory) -> dict[str, list[tuple]]:
    """The rows of tables made afresh from the current snapshot's records."""
    with store.open_snapshot() as snapshot:
        path = store.path / "remade.sqlite"
        DirectoryTables(path).replace(snapshot.generation, snapshot.records.values(), afresh=True)
    return rows(path)


def generation_of(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT value FROM meta WHERE name = 'generation'").fetchone()[0]


@pytest.fixture(scope="module")
def institute(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four generated CVs: overlapping papers, shared coauthors, aliases (a change to the first
    owner reaches the other three: each re-indexed CV is mapped and checked by the shapes)."""
    folder = tmp_path_factory.mktemp("institute")
    write_cvs(4, folder, seed=5)
    return folder


@pytest.fixture(scope="module")
def institute_indexed_once(tmp_path_factory: pytest.TempPathFactory, institute: Path) -> Path:
    """The institute's CVs indexed once: ``work/data`` and ``work/store``, kept as ``pristine``."""
    root = tmp_path_factory.mktemp("indexed-institute")
    data = Path(shutil.copytree(institute, root / "work" / "data"))
    assert not index_paths([data], StoreDirectory(root / "work" / "store"), BASE, jobs=1).failed
    shutil.copytree(root / "work", root / "pristine")
    return root


@pytest.fixture
def indexed(institute_indexed_once: Path) -> tuple[Path, StoreDirectory]:
    """The institute's CVs and their store, indexed once, for this test to change: restored
    from a copy to the paths they were indexed from (the records name the files by path).

    A copy costs some 20 ms where indexing the four costs some 1 s.
    """
    work = institute_indexed_once / "work"
    shutil.rmtree(work)
    shutil.copytree(institute_indexed_once / "pristine", work)
    return work / "data", StoreDirectory(work / "store")


def promote_an_owner(data: Path) -> list[Path]:
    """Change the title of the first CV's owner, in that file: the CVs naming them change too."""
    path = sorted(data.glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  honorific_prefix: ", "  honorific_prefix: Prof. ", 1))
    return [path]


def test_a_first_index_writes_tables_that_mirror_its_records(indexed) -> None:
    _, store_directory = indexed  # as the institute's first index left it

    tables = store_directory.path / TABLES_FILE
    assert store_directory.generation() == 1
    assert generation_of(tables) == "1"
    assert rows(tables) == remade(store_directory)
    assert len(rows(tables)["files"]) == 4


def test_an_index_after_changes_updates_the_tables_to_mirror_the_new_records(indexed) -> None:
    data, store_directory = indexed
    changed = promote_an_owner(data)
    sorted(data.glob("*.yaml"))[-1].unlink()

    report = index_paths([data], store_directory, BASE, jobs=1)

    assert changed and report.removed and report.generation is not None
    tables = store_directory.path / TABLES_FILE
    assert generation_of(tables) == str(report.generation)
    assert rows(tables) == remade(store_directory)


def test_tables_of_an_older_generation_are_made_again_and_the_change_still_reaches_its_cvs(
    indexed,
) -> None:
    """As a run killed after publishing, before updating the tables, leaves them."""
    data, store_directory = indexed
    tables = store_directory.path / TABLES_FILE
    before = tables.read_bytes()
    promote_an_owner(data)
    expected = index_paths([data], store_directory, BASE, jobs=1)
    tables.write_bytes(before)  # the tables of the generation before
    changed = promote_an_owner(data)  # the same person again: the same CVs reached

    report = index_paths([data], store_directory, BASE, jobs=1)

    assert sorted(report.changed) == sorted(str(p.resolve()) for p in changed)
    assert report.affected == expected.affected and report.affected
    assert generation_of(tables) == str(report.generation)
    assert rows(tables) == remade(store_directory)


def test_tables_that_are_no_database_are_made_again(indexed) -> None:
    data, store_directory = indexed
    tables = store_directory.path / TABLES_FILE
    tables.write_bytes(b"not a database")
    changed = promote_an_owner(data)

    report = index_paths([data], store_directory, BASE, jobs=1)

    assert sorted(report.changed) == sorted(str(p.resolve()) for p in changed)
    assert rows(tables) == remade(store_directory)


def test_a_plan_after_one_change_holds_only_that_file_in_memory(indexed) -> None:
    data, store_directory = indexed
    target = sorted(data.glob("*.yaml"))[0]
    target.write_text(target.read_text(encoding="utf-8") + "\n# revised\n", encoding="utf-8")
    files = sorted(p.resolve() for p in data.glob("*.yaml"))

    tables = DirectoryTables(store_directory.path / TABLES_FILE)
    plan = plan_index(BASE, files, {str(data.resolve())}, tables, {})

    assert plan.to_build == [str(target.resolve())]
    assert list(plan.directory.files) == [str(target.resolve())]


def test_a_directory_over_the_tables_answers_as_one_holding_every_file(institute: Path) -> None:
    declared = [declare(read.name, read.top) for read in map(read_file, institute.glob("*.yaml"))]
    whole = Directory(declared)
    records = []
    for declarations in declared:
        details = {"declarations": declarations.to_json(), "owner": declarations.owner}
        records.append(GraphRecord(f"urn:{declarations.file}", declarations.file, "h", details))
    over_tables = Directory([], tables_of(records))

    for declarations in declared:
        name = declarations.file
        assert over_tables.conflicts(name) == whole.conflicts(name)
        for kind, key, _, _ in entries_of(declarations):
            assert over_tables._declared(kind, key) == whole._declared(kind, key)
        for person in declarations.people:
            assert over_tables.person(person.key) == whole.person(person.key)
            keys = over_tables.person_keys_elsewhere(name)
            assert (person.key in keys) == (person.key in whole.person_keys_elsewhere(name))
        for organization in declarations.organizations:
            assert over_tables.organization(organization.key) == whole.organization(
                organization.key
            )
    assert set(over_tables.organization_keys()) == set(whole.organization_keys())


LONE = """\
person:
  given_name: Mary{number}
  family_name: Somerville
publications:
  - kind: journal-article
    title: Magnetizing power {number} of violet rays
    journal: Philosophical Transactions
    authors: [Somerville M]
    year: 2016
"""


@pytest.mark.slow
def test_an_index_killed_half_way_leaves_the_tables_as_they_were(
    indexed, kill_once_writing
) -> None:
    data, store_directory = indexed
    tables = store_directory.path / TABLES_FILE
    before = rows(tables)
    # Enough CVs that the kills, up to 0.8 s after the index took the store, land while
    # graphs are written (one after another from about 0.1 s on; 150 take some 5 s here).
    for number in range(150):
        text = LONE.format(number=f"{number:03d}")
        (data / f"extra-{number:03d}.yaml").write_text(text, encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "ldcv",
        "index",
        str(data),
        "--store",
        str(store_directory.path),
    ]
    command += ["--base-uri", BASE, "--jobs", "1"]
    for delay in (0.4, 0.8):
        process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        kill_once_writing(process, store_directory.path, delay)
        assert store_directory.generation() == 1
        assert generation_of(tables) == "1"
        assert rows(tables) == before

    report = index_paths([data], store_directory, BASE, jobs=1)

    assert len(report.added) == 150 and report.failed == {}
    assert rows(tables) == remade(store_directory)


def test_tables_made_afresh_remove_what_dead_processes_left_half_made(tmp_path: Path) -> None:
    path = tmp_path / TABLES_FILE
    dead = tmp_path / f"{TABLES_FILE}.999999999.new"  # above any pid the kernel gives
    living = tmp_path / f"{TABLES_FILE}.{os.getppid()}.new"  # the test runner's parent
    dead.write_bytes(b"half made")
    living.write_bytes(b"being made")

    DirectoryTables(path).replace(7, [], afresh=True)

    assert not dead.exists() and living.read_bytes() == b"being made"
    assert DirectoryTables(path).describes(7)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([TABLES_FILE, living.name])


def test_the_tables_stay_readable_while_a_change_is_written(indexed) -> None:
    """The indexing workers read them while the parent writes what they built."""
    _, store_directory = indexed
    path = store_directory.path / TABLES_FILE
    before = rows(path)
    writer, reader = DirectoryTables(path), DirectoryTables(path)
    writer.db.execute("PRAGMA cache_size = 1")  # SQLite spills its cache to the file at once
    reader.db.execute("PRAGMA busy_timeout = 200")  # locked out: fail fast, not in 5 s
    records = list(writer.records().values())

    with writer.changing() as change:
        for record in records:
            change.write(record)
        for record in records:
            assert reader.owned(record.details["owner"]) == [record.source]
        change.mirrors(99)

    assert reader.describes(99)
    assert rows(path) == before
