"""The index plan: what a run must build, from the records, without reading unchanged files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ldcv.load.directory import DECLARATIONS_FORMAT
from ldcv.store.disk import StoreDirectory
from ldcv.store.index import index_paths
from ldcv.store.plan import content_hash, plan_index
from ldcv.store.records import GraphRecord

BASE = "https://example.org"

ADA = """\
person:
  given_name: Ada
  family_name: Lovelace
  orcid: 0000-0002-1825-0097
publications:
  - kind: journal-article
    title: On engines
    journal: Taylor's Scientific Memoirs
    authors: [Lovelace A, Babbage C]
    year: 2015
"""

CHARLES = """\
person:
  given_name: Charles
  family_name: Babbage
publications:
  - kind: journal-article
    title: On the economy of machinery
    journal: Memoirs
    authors: [Babbage C]
    year: 2016
"""


@pytest.fixture
def indexed(tmp_path: Path, store_directory: StoreDirectory) -> tuple[list[Path], set[str]]:
    """Two CVs indexed once: their files and the index's scope."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "ada.yaml").write_text(ADA, encoding="utf-8")
    (folder / "charles.yaml").write_text(CHARLES, encoding="utf-8")
    index_paths([folder], store_directory, BASE, jobs=1)
    return sorted(p.resolve() for p in folder.glob("*.yaml")), {str(folder.resolve())}


def stored_records(store: StoreDirectory) -> list[GraphRecord]:
    with store.open_snapshot() as snapshot:
        return [
            GraphRecord(r.graph, r.source, r.content_hash, dict(r.details))
            for r in snapshot.records.values()
        ]


def written_by_an_older_loader(record: GraphRecord) -> GraphRecord:
    """The record as a loader before the declarations' format number wrote it."""
    details: dict[str, Any] = dict(record.details)
    details["declarations"] = {k: v for k, v in details["declarations"].items() if k != "format"}
    for person in details["declarations"]["people"]:
        person.pop("orcid", None)
    return GraphRecord(record.graph, record.source, record.content_hash, details)


def test_unchanged_files_with_current_records_are_not_built(indexed, store_directory) -> None:
    files, scope = indexed
    plan = plan_index(BASE, files, scope, stored_records(store_directory), {})

    assert plan.to_build == []


def test_records_an_older_loader_wrote_are_built_again(indexed, store_directory) -> None:
    files, scope = indexed
    records = [written_by_an_older_loader(r) for r in stored_records(store_directory)]
    plan = plan_index(BASE, files, scope, records, {})

    assert sorted(Path(name).name for name in plan.changed) == ["ada.yaml", "charles.yaml"]
    # Read again, Ada's file declares her ORCID iD, which the old record did not hold.
    ada = next(d for n, d in plan.directory.files.items() if n.endswith("ada.yaml"))
    assert ada.people[0].orcid == "0000-0002-1825-0097"


def test_a_failure_an_older_loader_recorded_is_tried_again(indexed, store_directory) -> None:
    files, scope = indexed
    ada = str(files[0])
    failure = {"base": BASE, "hash": content_hash(files[0]), "problems": ["unknown field"]}
    failure["declarations"] = None
    records = [r for r in stored_records(store_directory) if r.source != ada]

    older = plan_index(BASE, files, scope, records, {ada: failure})
    current = plan_index(
        BASE, files, scope, records, {ada: {**failure, "format": DECLARATIONS_FORMAT}}
    )

    assert ada in older.changed and ada not in older.failing
    assert ada in current.failing and ada not in current.to_build
