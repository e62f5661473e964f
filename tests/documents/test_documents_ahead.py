"""The heaviest documents rendered ahead, onto disk: the bytes a request makes, carried over
where nothing they name changed in the merge, and nothing half-written after ``kill -9``."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pyoxigraph as ox
import pytest

from ldcv.documents.ahead_files import (
    MANIFEST,
    AheadDocuments,
    ahead_files,
    document_name,
    read_manifest,
)
from ldcv.documents.documents_ahead import AheadReport, made_ahead, make_documents
from ldcv.documents.store_catalog import record_owners, store_catalog
from ldcv.generator import write_cvs
from ldcv.rdf.iris import document_path, parse_thing_iri
from ldcv.store.disk import StoreDirectory
from ldcv.store.index import index_paths

BASE = "https://cv.example.org"
MERGE = ox.DefaultGraph()
THRESHOLD = 40  # a few dozen documents of six generated CVs, paged hubs among them
BOUNDED_THRESHOLD = 250  # three documents: each of them a run when every run hands over


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Four generated CVs whose publications overlap, as files (six took half as long again)."""
    folder = tmp_path_factory.mktemp("pool")
    write_cvs(4, folder, seed=5)
    return sorted(folder.iterdir())


def indexed(pool: list[Path], root: Path) -> tuple[Path, StoreDirectory]:
    data = root / "data"
    data.mkdir()
    for path in pool:
        shutil.copy2(path, data / path.name)
    served = StoreDirectory(root / "store")
    assert not index_paths([data], served, BASE, jobs=1).failed
    return data, served


def make(served: StoreDirectory, threshold: int = THRESHOLD) -> tuple[AheadReport, dict]:
    """Make the current generation's documents as the child does; the report and manifest."""
    with served.open_snapshot() as snapshot:
        reports = []

        def write(manifest: IO[bytes]) -> None:
            reports.append(make_documents(
                snapshot.store, served.path, snapshot.generation, BASE, threshold,
                snapshot.records, manifest,
            ))  # fmt: skip

        made = ahead_files(served.path, snapshot.generation).made(MANIFEST, write)
        return reports[0], dict(read_manifest(made.read_bytes()))


def on_demand(served: StoreDirectory) -> tuple[object, AheadDocuments]:
    """A catalog rendering on request, as a server with nothing made ahead; the made folder."""
    snapshot = served.open_snapshot()
    assert snapshot is not None
    catalog = store_catalog(
        snapshot.store, BASE, modified=datetime.now(UTC), sparql_endpoint=BASE + "/sparql",
        owners=record_owners(snapshot.records, BASE),
    )  # fmt: skip
    return catalog, AheadDocuments(ahead_files(served.path, snapshot.generation).folder)


def assert_made_as_requests_make(served: StoreDirectory, paths: list[str]) -> None:
    catalog, made = on_demand(served)
    for path in paths:
        resource = catalog.resources[path]  # type: ignore[attr-defined]
        for fmt in resource.formats:
            expected = resource.representation(fmt)
            found = made.representation(path, fmt, resource.variant_urls[fmt.key])
            assert found == expected, (path, fmt.key)


@pytest.mark.slow  # renders every heavy document of generated CVs, twice
def test_each_heavy_document_is_made_in_every_format_as_a_request_makes_it(
    six_generated_store_copy: StoreDirectory, small_pages: None
) -> None:
    served = six_generated_store_copy  # six generated CVs (seed 5), indexed under BASE
    report, manifest = make(served)

    assert report.rendered == len(manifest) and report.carried == 0 and report.weighed_afresh
    assert any("/page/" in path for path in manifest)  # a hub's further pages too
    assert any(path.startswith("/doc/person/") for path in manifest)
    assert_made_as_requests_make(served, sorted(manifest))
    # What each names: the documents of the minted IRIs in its graph, itself first of all.
    catalog, _ = on_demand(served)
    for path, named in manifest.items():
        graph = catalog.documents[path].graph  # type: ignore[attr-defined]
        iris = {str(t) for triple in graph for t in (triple[0], triple[2])}
        expected = {document_path(*p) for p in map(lambda i: parse_thing_iri(BASE, i), iris) if p}
        assert named == expected and path.split("/page/")[0] in named


@pytest.mark.slow  # indexes generated CVs twice
def test_after_one_cv_changes_only_the_documents_naming_what_changed_are_rendered_again(
    pool: list[Path], tmp_path: Path, small_pages: None
) -> None:
    data, served = indexed(pool, tmp_path)
    _, first = make(served)
    old_folder = ahead_files(served.path, 1).folder
    inodes = {
        p: (old_folder / "documents" / document_name(p) / "ttl.gz").stat().st_ino for p in first
    }

    # The smallest CV with an award: it names few of the others' heavy documents.
    awarded = [p for p in sorted(data.iterdir()) if "\nawards:" in p.read_text("utf-8")]
    edited = min(awarded, key=lambda p: p.stat().st_size)
    text = edited.read_text(encoding="utf-8")
    award = text.index("\n    name: ", text.index("\nawards:"))  # the owner's own
    edited.write_text(text[:award] + "\n    name: Renamed" + text[award + 11 :], encoding="utf-8")
    assert not index_paths([data], served, BASE, jobs=1).failed
    with served.open_snapshot() as snapshot:
        # What changed in the merge, compared whole; a blank node stands for what it hangs from.
        old = ox.Store.read_only(str(served.snapshots / "1"))
        stores = (old, snapshot.store)
        merges = [set(store.quads_for_pattern(None, None, None, MERGE)) for store in stores]
        changed, pending = set(), [t for q in merges[0] ^ merges[1] for t in (q.subject, q.object)]
        while pending:
            term = pending.pop()
            if isinstance(term, ox.BlankNode):
                pending += [q.subject for m in merges for q in m if q.object == term]
            elif isinstance(term, ox.NamedNode) and parse_thing_iri(BASE, term.value):
                changed.add(document_path(*parse_thing_iri(BASE, term.value)))
    assert changed
    report, second = make(served)

    stale = {p.split("/page/")[0] for p, named in first.items() if named & changed}
    again = {p for p in second if p not in first or p.split("/page/")[0] in stale}
    carried = set(second) - again
    assert again and carried  # some of each, or the test shows nothing
    assert report.rendered == len(again) and report.carried == len(carried)
    assert not report.weighed_afresh  # the last weights, updated where the change reaches
    assert not old_folder.exists()  # the last generation's documents, once these are made
    new_folder = ahead_files(served.path, 2).folder / "documents"
    for path in second:  # carried over: hard links to the last generation's files
        inode = (new_folder / document_name(path) / "ttl.gz").stat().st_ino
        assert (inode == inodes.get(path)) == (path in carried), path
    assert_made_as_requests_make(served, sorted(second))  # carried ones too: none stale


@pytest.mark.slow  # indexes generated CVs; starts and kills a child
def test_a_child_killed_midway_leaves_whole_documents_and_the_next_finishes(
    six_generated_store_copy: StoreDirectory,
) -> None:
    served = six_generated_store_copy  # six generated CVs (seed 5), indexed under BASE
    with served.open_snapshot() as snapshot:
        snapshot_path, generation = snapshot.path, snapshot.generation
    folder = ahead_files(served.path, generation).folder
    command = [sys.executable, "-m", "ldcv.documents.documents_ahead", str(snapshot_path)]
    command += [str(served.path), str(generation), BASE, "1"]  # every document: a long run
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    documents = folder / "documents"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(documents.glob("doc~*"))) < 3:
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    finished = sorted(documents.glob("doc~*"))
    assert len(finished) >= 3 and not (folder / MANIFEST).exists()
    paths = ["/" + f.name.replace("~", "/") for f in finished]
    assert_made_as_requests_make(served, paths)  # each finished one is whole

    manifest = made_ahead(snapshot_path, served.path, generation, BASE, THRESHOLD)
    assert manifest == folder / MANIFEST
    made = dict(read_manifest(manifest.read_bytes()))
    assert made and not list(documents.glob(".*"))  # the half-written one was cleared
    assert_made_as_requests_make(served, sorted(made))


@pytest.mark.slow  # indexes generated CVs; starts a child a document
def test_the_child_past_its_memory_bound_is_followed_by_fresh_ones_until_all_are_made(
    six_generated_store_copy: StoreDirectory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    served = six_generated_store_copy
    with served.open_snapshot() as snapshot:
        snapshot_path, generation = snapshot.path, snapshot.generation
    monkeypatch.setenv("LDCV_AHEAD_MAX_MB", "1")  # the children inherit it: one document each
    caplog.set_level("INFO", logger="ldcv.server")

    manifest = made_ahead(snapshot_path, served.path, generation, BASE, BOUNDED_THRESHOLD)

    made = dict(read_manifest(manifest.read_bytes()))
    # Each child wrote one document and handed over; the last found them all and finished.
    handovers = [r for r in caplog.records if "handing over" in r.getMessage()]
    assert len(handovers) == len(made) >= 2
    assert_made_as_requests_make(served, sorted(made))
    shutil.rmtree(manifest.parent)
    _, unbounded = make(served, BOUNDED_THRESHOLD)  # one run, no bound
    assert made == unbounded  # the same documents, naming the same
