"""A remote store's heaviest documents made ahead by a child: never stale, nothing lost.

Against a real ``oxigraph serve``: a document is written into a generation's folder only
while the store is at that generation (a publish in the middle stops the child, keeping
what it finished); a child killed with SIGKILL leaves whole documents and no manifest,
and the next one finishes the generation; a folder another store left at the same
generation number is not served, and is emptied by the child.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ldcv.documents.ahead_files import DOCUMENTS, MANIFEST, AheadDocuments, read_manifest
from ldcv.documents.catalog import Encoding, Representation, document_kind
from ldcv.documents.heavy_documents import heavy_documents
from ldcv.documents.remote_ahead import (
    FINGERPRINT,
    RemoteAheadDocuments,
    Superseded,
    ahead_root,
    made_ahead,
    make_documents,
    remote_ahead_files,
    store_fingerprint,
)
from ldcv.rdf.formats import formats_for
from ldcv.store.records import GraphRecord
from ldcv.store.remote import RemoteSnapshot, RemoteStore
from ldcv.store.remote_publish import publish_paths
from ldcv.store.remote_weights import heavy_weights
from ldcv.store.sparql_protocol import SparqlClient

BASE = "https://cv.example.org"  # the ``published`` fixture's (conftest.PUBLISHED_BASE)
THRESHOLD = 40  # a few dozen documents of six generated CVs
KILL_THRESHOLD = 20  # some 120 documents: a few seconds of work, to be killed in
BOUNDED_THRESHOLD = 250  # a few documents: each of them a child when every child hands over


def remote_snapshot(query_url: str, scratch: Path) -> tuple[RemoteStore, RemoteSnapshot]:
    """The store as a server reads it, and its snapshot now."""
    remote = RemoteStore(SparqlClient(query_url), scratch, index_details=False)
    snapshot = remote.open_snapshot()
    assert snapshot is not None
    return remote, snapshot


def rename_an_award(data: Path) -> Path:
    """Rename the first award of the first CV that has one; that CV's file."""
    edited = next(p for p in sorted(data.iterdir()) if "\nawards:" in p.read_text("utf-8"))
    text = edited.read_text(encoding="utf-8")
    award = text.index("\n    name: ", text.index("\nawards:"))
    edited.write_text(text[:award] + "\n    name: Renamed award" + text[award + 11 :], "utf-8")
    return edited


def made_paths(folder: Path) -> set[str]:
    """The paths of the whole documents in a generation's folder."""
    names = [d.name for d in (folder / DOCUMENTS).iterdir() if not d.name.startswith(".")]
    return {"/" + name.replace("~", "/") for name in names}


@pytest.mark.slow  # starts `oxigraph serve`
def test_a_publish_while_the_child_renders_stops_it_keeping_only_what_the_older_state_made(
    published, tmp_path, monkeypatch
):
    data, engine, client = published
    remote, snapshot = remote_snapshot(engine.query_url, tmp_path / "scratch")
    files = remote_ahead_files(tmp_path / "ahead", snapshot.generation)
    written: list[str] = []
    write = AheadDocuments.write

    def publish_after_the_first(self, path, representations):  # a real publish, mid-run
        write(self, path, representations)
        written.append(path)
        if len(written) == 1:
            rename_an_award(data)
            assert publish_paths([data], client, BASE, jobs=1, root=tmp_path).changed

    monkeypatch.setattr(AheadDocuments, "write", publish_after_the_first)
    current = lambda: remote.generation() == snapshot.generation  # noqa: E731
    with pytest.raises(Superseded), open(tmp_path / "manifest", "wb") as manifest:
        make_documents(snapshot, files, BASE, THRESHOLD, manifest, current)

    assert written and len(written) == 1  # the second was rendered, then not written
    assert made_paths(files.folder) == set(written)
    assert (tmp_path / "manifest").read_bytes() == b""


@pytest.mark.slow  # starts `oxigraph serve` and the child
def test_a_child_for_a_generation_already_gone_writes_nothing(published, tmp_path):
    data, engine, client = published
    _, snapshot = remote_snapshot(engine.query_url, tmp_path / "scratch")
    rename_an_award(data)
    assert publish_paths([data], client, BASE, jobs=1, root=tmp_path).changed

    assert made_ahead(engine.query_url, tmp_path / "ahead", snapshot.generation, BASE, 1) is None
    folder = remote_ahead_files(tmp_path / "ahead", snapshot.generation).folder
    assert not (folder / MANIFEST).exists() and not (folder / DOCUMENTS).exists()


@pytest.mark.slow  # starts `oxigraph serve` and the child, twice
def test_a_child_killed_midway_loses_nothing_and_the_next_one_finishes_the_generation(
    published, tmp_path
):
    _, engine, _ = published
    _, snapshot = remote_snapshot(engine.query_url, tmp_path / "scratch")
    root, generation = tmp_path / "ahead", snapshot.generation
    folder = remote_ahead_files(root, generation).folder
    child = [sys.executable, "-m", "ldcv.documents.remote_ahead", engine.query_url, str(root)]
    child += [str(generation), BASE, str(KILL_THRESHOLD)]
    running = subprocess.Popen(child, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(_finished(folder)) < 3:
        time.sleep(0.01)
    os.kill(running.pid, signal.SIGKILL)
    running.communicate()
    assert running.returncode == -signal.SIGKILL  # killed at work, not finished

    finished = _finished(folder)
    assert len(finished) >= 3 and not (folder / MANIFEST).exists()
    for path in finished:  # whole: every format of its kind
        kept = {f.name.removesuffix(".gz") for f in (folder / DOCUMENTS / path).iterdir()}
        assert kept == {fmt.suffix for fmt in formats_for(document_kind(_path(path)))}
    before = {p: _contents(folder / DOCUMENTS / p) for p in finished}

    manifest = made_ahead(engine.query_url, root, generation, BASE, KILL_THRESHOLD)

    assert manifest is not None and manifest == folder / MANIFEST
    made = dict(read_manifest(manifest.read_bytes()))
    weights = heavy_weights(SparqlClient(engine.query_url), BASE, KILL_THRESHOLD)
    wholes = heavy_documents(weights, BASE, KILL_THRESHOLD)
    assert {p.split("/page/")[0] for p in made} == set(wholes)
    assert made_paths(folder) == set(made)
    assert not [p for p in (folder / DOCUMENTS).iterdir() if p.name.startswith(".")]
    assert {p: _contents(folder / DOCUMENTS / p) for p in finished} == before  # kept as made


@pytest.mark.slow  # starts `oxigraph serve` and a child a document
def test_children_past_their_memory_bound_hand_over_and_make_what_one_child_makes(
    published, tmp_path, monkeypatch, caplog
):
    _, engine, _ = published
    _, snapshot = remote_snapshot(engine.query_url, tmp_path / "scratch")
    made, documents = {}, {}
    for bound in ("0", "1"):  # none; then one every process is past: a document a child
        monkeypatch.setenv("LDCV_AHEAD_MAX_MB", bound)
        caplog.clear()
        with caplog.at_level("INFO", logger="ldcv.server"):
            manifest = made_ahead(
                engine.query_url, tmp_path / bound, snapshot.generation, BASE, BOUNDED_THRESHOLD
            )
        assert manifest is not None
        made[bound] = dict(read_manifest(manifest.read_bytes()))
        folder = manifest.parent / DOCUMENTS
        files = [folder / p / f for p in _finished(manifest.parent) for f in os.listdir(folder / p)]
        documents[bound] = {f.relative_to(folder): f.read_bytes() for f in files}
        handovers = [r for r in caplog.records if "handing over" in r.getMessage()]
        assert len(handovers) == (len(made[bound]) if bound == "1" else 0)
    assert made["1"] == made["0"] and len(made["0"]) >= 2  # what each names, too
    assert documents["1"] == documents["0"]


@pytest.mark.slow  # starts `oxigraph serve`
def test_a_folder_another_store_left_at_the_same_generation_is_not_served_and_is_emptied(
    published, tmp_path
):
    _, engine, _ = published
    remote, snapshot = remote_snapshot(engine.query_url, tmp_path / "scratch")
    files = remote_ahead_files(tmp_path / "ahead", snapshot.generation)
    heavy = heavy_documents(heavy_weights(remote.client, BASE, THRESHOLD), BASE, THRESHOLD)
    other = AheadDocuments(files.folder)
    html = next(f for f in formats_for(document_kind(heavy[0])) if f.suffix == "html")
    junk = Representation(html, Encoding.of(b"<p>another store's</p>"), None, heavy[0])
    other.write(heavy[0], [junk])
    other.write("/doc/person/nobody-here", [junk])
    (files.folder / FINGERPRINT).write_bytes(b"another store")
    ours = RemoteAheadDocuments(
        files.folder, store_fingerprint(engine.query_url, BASE, snapshot.records)
    )
    assert other.holds(heavy[0]) and not ours.holds(heavy[0])
    assert ours.representation(heavy[0], html, heavy[0]) is None

    current = lambda: remote.generation() == snapshot.generation  # noqa: E731
    with open(tmp_path / "manifest", "wb") as manifest:
        make_documents(snapshot, files, BASE, THRESHOLD, manifest, current)

    made = ours.representation(heavy[0], html, heavy[0])
    assert made is not None and b"another store" not in made.identity.body
    assert not ours.holds("/doc/person/nobody-here")
    listed = dict(read_manifest((tmp_path / "manifest").read_bytes()))
    assert made_paths(files.folder) == set(listed)


def test_only_a_folder_marked_with_this_stores_fingerprint_is_read(tmp_path):
    html = next(f for f in formats_for("person") if f.suffix == "html")
    page = Representation(html, Encoding.of(b"<p>made ahead</p>"), None, "/doc/person/ada")
    AheadDocuments(tmp_path).write("/doc/person/ada", [page])
    ours = RemoteAheadDocuments(tmp_path, b"this store")
    assert not ours.holds("/doc/person/ada")  # no fingerprint yet: being claimed

    (tmp_path / FINGERPRINT).write_bytes(b"another store")
    assert not ours.holds("/doc/person/ada")
    assert ours.representation("/doc/person/ada", html, "/doc/person/ada") is None

    (tmp_path / FINGERPRINT).write_bytes(b"this store")
    made = ours.representation("/doc/person/ada", html, "/doc/person/ada")
    assert ours.holds("/doc/person/ada") and made is not None
    assert made.identity.body == b"<p>made ahead</p>"


def test_the_fingerprint_tells_stores_apart_by_endpoint_base_and_each_cvs_content():
    one = GraphRecord("https://cv.example.org/doc/person/ada", "ada.yaml", "1a", {})
    two = GraphRecord("https://cv.example.org/doc/person/bob", "bob.yaml", "2b", {})
    url = "http://localhost:7878/query"
    fingerprint = store_fingerprint(url, BASE, {one.graph: one, two.graph: two})
    assert fingerprint == store_fingerprint(url, BASE + "/", {two.graph: two, one.graph: one})
    changed = GraphRecord(two.graph, two.source, "2c", {})
    assert fingerprint != store_fingerprint(url, BASE, {one.graph: one, two.graph: changed})
    assert fingerprint != store_fingerprint(url, BASE, {one.graph: one})
    assert fingerprint != store_fingerprint(
        url, "https://other.example.org", {one.graph: one, two.graph: two}
    )
    assert fingerprint != store_fingerprint(
        "http://elsewhere:7878/query", BASE, {one.graph: one, two.graph: two}
    )


def test_the_folder_of_a_store_is_the_setting_or_one_of_its_own_per_endpoint(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert ahead_root(str(tmp_path), "http://a:1/query") == tmp_path
    default = ahead_root(None, "http://a:1/query")
    assert default == ahead_root("", "http://a:1/query")  # the same for every process
    assert default != ahead_root(None, "http://b:1/query")
    assert default.parent == tmp_path / "cache" / "ldcv"  # this user's, not the shared /tmp


def test_without_xdg_cache_home_the_folder_is_in_the_home_cache(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert ahead_root(None, "http://a:1/query").parent == tmp_path / ".cache" / "ldcv"


def _finished(folder: Path) -> list[str]:
    try:
        return sorted(d.name for d in (folder / DOCUMENTS).iterdir() if not d.name.startswith("."))
    except FileNotFoundError:
        return []


def _path(name: str) -> str:
    return "/" + name.replace("~", "/")


def _contents(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {f.name: (f.stat().st_ino, f.read_bytes()) for f in folder.iterdir()}
