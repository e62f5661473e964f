"""Which documents are heavy: each minted IRI's weight, counted once and updated with a change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ldcv.documents.heavy_documents import (
    document_weights,
    heavy_documents,
    read_weights,
    updated_weights,
    weights_text,
)
from ldcv.documents.snapshot_change import snapshot_change
from ldcv.generator import write_cvs
from ldcv.store.disk import StoreDirectory
from ldcv.store.index import index_paths

BASE = "https://cv.example.org"


def naming(store: ox.Store, iri: str) -> int:
    """The triples of the merge naming ``iri``, counted by SPARQL."""
    query = f"SELECT (COUNT(*) AS ?n) {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}"
    return int(next(iter(store.query(query)))["n"].value)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four generated CVs as files, and a fifth beside them (``extra/``)."""
    folder = tmp_path_factory.mktemp("weights")
    write_cvs(5, folder / "pool", seed=5)
    (folder / "data").mkdir()
    (folder / "extra").mkdir()
    pool = sorted((folder / "pool").iterdir())
    for path in pool[:4]:
        shutil.copy2(path, folder / "data" / path.name)
    shutil.copy2(pool[4], folder / "extra" / pool[4].name)
    return folder


@pytest.mark.slow  # indexes generated CVs twice
def test_weights_count_the_triples_naming_each_minted_iri_and_follow_a_change(
    generated: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(generated / "data", data)
    served = StoreDirectory(tmp_path / "store")
    assert not index_paths([data], served, BASE, jobs=1).failed
    with served.open_snapshot() as snapshot:
        before = document_weights(snapshot.store, BASE)
        old = ox.Store.read_only(str(snapshot.path))
        assert before and all(iri.startswith(BASE + "/id/") for iri in before)
        for iri in sorted(before, key=before.__getitem__)[-5:]:
            assert before[iri] == naming(snapshot.store, iri)

    added = next((generated / "extra").iterdir())
    shutil.copy2(added, data / added.name)
    assert not index_paths([data], served, BASE, jobs=1).failed
    with served.open_snapshot() as snapshot:
        afresh = document_weights(snapshot.store, BASE)
        written = snapshot.records.written_after(1)
        change = snapshot_change(old, snapshot.store, snapshot.records, written, BASE)
        assert change is not None
        changed = {iri for iri in {*before, *afresh} if before.get(iri) != afresh.get(iri)}
        assert changed and changed <= set(change.touched.values())
        assert updated_weights(before, snapshot.store, change.touched.values()) == afresh
        assert updated_weights(before, snapshot.store, ()) == before != afresh


def test_the_heavy_documents_are_those_over_the_threshold_heaviest_first() -> None:
    weights = {
        f"{BASE}/id/person/ada": 300,
        f"{BASE}/id/skill/git": 900,
        f"{BASE}/id/person/bob": 100,
        "https://elsewhere.org/id/person/eve": 5000,  # not minted here: no document
    }
    assert heavy_documents(weights, BASE, 100) == ["/doc/skill/git", "/doc/person/ada"]
    assert heavy_documents(weights, BASE + "/", 99) == [
        "/doc/skill/git",
        "/doc/person/ada",
        "/doc/person/bob",
    ]
    assert heavy_documents(weights, BASE, 0) == []  # 0 turns it off


def test_weights_read_back_as_written() -> None:
    weights = {f"{BASE}/id/person/ada": 3, f"{BASE}/id/skill/c++": 12}
    text = weights_text(weights)
    assert text.decode().splitlines() == [f"{BASE}/id/person/ada\t3", f"{BASE}/id/skill/c++\t12"]
    assert read_weights(text) == weights
