"""``ldcv publish``: CV graphs written to a real ``oxigraph serve``, only what changed, atomically.

Every graph read back from the engine is compared with the graph ``ldcv index`` writes into
an embedded store from the same files: the same triples, blank-node labels included.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import requests
from werkzeug.wrappers import Request

from ldcv.store.disk import StoreDirectory
from ldcv.store.index import index_paths
from ldcv.store.remote import RemoteStore
from ldcv.store.remote_publish import publish_paths
from ldcv.store.remote_reads import RemoteQuads
from ldcv.store.sparql_protocol import SparqlClient, StoreUnavailable

pytestmark = pytest.mark.slow  # each test starts `oxigraph serve`

ROOT = Path(__file__).resolve().parents[2]
OVERLAPPING = ROOT / "tests" / "fixtures" / "overlapping-cvs"
BASE = "https://example.org"
ADA = f"{BASE}/doc/person/ada-lovelace"
CHARLES = f"{BASE}/doc/person/charles-babbage"
Triples = set[tuple[object, object, object]]


@pytest.fixture
def engine(sparql_engines) -> Iterator[object]:
    with sparql_engines.oxigraph() as running:
        yield running


@pytest.fixture
def client(engine) -> SparqlClient:
    return SparqlClient(engine.query_url, engine.update_url)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the two overlapping CVs (Ada's and Charles's share a paper and a coauthor)."""
    return Path(shutil.copytree(OVERLAPPING, tmp_path / "data"))


def remote_graph(client: SparqlClient, graph: object) -> Triples:
    quads = RemoteQuads(client).quads_for_pattern(None, None, None, graph)
    return {(q.subject, q.predicate, q.object) for q in quads}


def embedded_graphs(folder: Path, place: Path) -> dict[str, Triples]:
    """Index ``folder`` into an embedded store: each CV graph, and the merge under ``""``."""
    store = StoreDirectory(place)
    index_paths([folder], store, BASE, jobs=1)
    with store.open_snapshot() as snapshot:
        graphs = {
            name: {(q.subject, q.predicate, q.object) for q in snapshot.store.quads_for_pattern(
                None, None, None, ox.NamedNode(name))}
            for name in snapshot.records
        }  # fmt: skip
        merge = snapshot.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        graphs[""] = {(q.subject, q.predicate, q.object) for q in merge}
    return graphs


def remote_graphs(client: SparqlClient, root: Path) -> dict[str, Triples]:
    records = RemoteStore(client, root, root).read_records()
    graphs = {name: remote_graph(client, ox.NamedNode(name)) for name in records}
    graphs[""] = remote_graph(client, ox.DefaultGraph())
    return graphs


def test_a_publish_writes_what_an_index_writes_graph_for_graph(client, folder, tmp_path):
    report = publish_paths([folder], client, BASE, jobs=1, root=tmp_path)

    assert sorted(Path(n).name for n in report.added) == ["ada.yaml", "charles.yaml"]
    assert report.failed == {} and report.generation is not None
    expected = embedded_graphs(folder, tmp_path / "store")
    assert set(expected) == {ADA, CHARLES, ""}
    # Blank nodes come back with their labels: the author list shared by both CVs is one.
    assert remote_graphs(client, tmp_path) == expected


def test_the_records_name_their_files_relative_to_the_root(client, folder, tmp_path):
    publish_paths([folder], client, BASE, jobs=1, root=tmp_path)
    answer = client.query(
        "SELECT ?source WHERE { GRAPH <urn:ldcv:store> { ?g <urn:ldcv:store:source> ?source } }",
        accept="text/csv",
    )

    assert sorted(answer.body.decode().split()[1:]) == ["data/ada.yaml", "data/charles.yaml"]


def test_publishing_again_without_changes_writes_nothing(client, folder, tmp_path):
    first = publish_paths([folder], client, BASE, jobs=1, root=tmp_path)
    again = publish_paths([folder], client, BASE, jobs=1, root=tmp_path)

    assert again.unchanged == 2 and again.generation is None
    assert RemoteStore(client, tmp_path).generation() == first.generation


def test_only_the_changed_cv_is_published_and_the_generation_moves(client, folder, tmp_path):
    first = publish_paths([folder], client, BASE, jobs=1, root=tmp_path)
    charles = folder / "charles.yaml"
    charles.write_text(charles.read_text().replace("Fellow", "Secretary"), encoding="utf-8")
    second = publish_paths([folder], client, BASE, jobs=1, root=tmp_path)

    assert [Path(n).name for n in second.changed] == ["charles.yaml"] and not second.added
    assert second.generation is not None and first.generation is not None
    assert second.generation > first.generation
    assert remote_graphs(client, tmp_path) == embedded_graphs(folder, tmp_path / "store")


def test_a_removed_file_takes_its_graph_and_only_its_own_triples(client, folder, tmp_path):
    publish_paths([folder], client, BASE, jobs=1, root=tmp_path)
    (folder / "charles.yaml").unlink()
    report = publish_paths([folder], client, BASE, jobs=1, root=tmp_path)

    assert [Path(n).name for n in report.removed] == ["charles.yaml"]
    graphs = remote_graphs(client, tmp_path)
    assert set(graphs) == {ADA, ""}
    # The paper both CVs stated stays in the merge: Ada's graph still states it.
    assert graphs[""] == graphs[ADA] == embedded_graphs(folder, tmp_path / "store")[ADA]


def test_another_checkout_of_the_same_files_publishes_incrementally(client, folder, tmp_path):
    publish_paths([folder], client, BASE, jobs=1, root=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(folder, elsewhere / "data")
    report = publish_paths([elsewhere / "data"], client, BASE, jobs=1, root=elsewhere)

    assert report.unchanged == 2 and report.generation is None and not report.failed


@pytest.mark.virtuoso
def test_on_virtuoso_a_change_and_a_removal_leave_the_merge_exactly_the_graphs_union(
    sparql_engines, folder, tmp_path
):
    with sparql_engines.virtuoso() as virtuoso:
        client = SparqlClient(virtuoso.query_url, virtuoso.update_url)
        publish_paths([folder], client, BASE, jobs=1, root=tmp_path)
        first = remote_graphs(client, tmp_path)
        charles = folder / "charles.yaml"
        charles.write_text(charles.read_text().replace("Fellow", "Secretary"), encoding="utf-8")
        publish_paths([folder], client, BASE, jobs=1, root=tmp_path)
        changed = remote_graphs(client, tmp_path)
        charles.unlink()
        publish_paths([folder], client, BASE, jobs=1, root=tmp_path)
        removed = remote_graphs(client, tmp_path)

    assert first[""] == first[ADA] | first[CHARLES] and first[ADA] & first[CHARLES]
    assert changed[CHARLES] != first[CHARLES] and changed[ADA] == first[ADA]
    assert changed[""] == changed[ADA] | changed[CHARLES]
    # Ada's graph changes too (a byline Charles declared resolves otherwise without him).
    assert set(removed) == {ADA, ""} and removed[""] == removed[ADA]


class RecordingClient(SparqlClient):
    """A SPARQL protocol client that keeps the text of each update request it sends."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.updates: list[str] = []

    def update(self, text: str, timeout: float | None = None) -> None:
        self.updates.append(text)
        super().update(text, timeout)


def test_each_cv_is_one_request_listing_a_subjects_triples_together(engine, folder, tmp_path):
    recording = RecordingClient(engine.query_url, engine.update_url)
    publish_paths([folder], recording, BASE, jobs=1, root=tmp_path)

    for graph in (ADA, CHARLES):
        [request] = [text for text in recording.updates if f"DROP SILENT GRAPH <{graph}>" in text]
        operations = request.split(" ;\n")
        [written] = [op for op in operations if op.startswith(f"INSERT DATA {{ GRAPH <{graph}>")]
        lines = written.split(" { ", 2)[2].rsplit(" } }", 1)[0].strip().split("\n")
        subjects = [line.split(" ", 1)[0] for line in lines]
        # The engine writes a subject's triples side by side: each subject in one run.
        assert len(lines) > 20 and len(set(subjects)) < len(subjects)
        assert len(list(groupby(subjects))) == len(set(subjects))
    assert remote_graphs(recording, tmp_path) == embedded_graphs(folder, tmp_path / "store")


def failing_engine(engine, start_server, fail_at: int):
    """A proxy to ``engine`` that answers its ``fail_at``-th update request with a 500."""
    updates = {"count": 0}

    def proxy(environ, start_response):  # type: ignore[no-untyped-def]
        request = Request(environ)
        if request.path == "/update":
            updates["count"] += 1
            if updates["count"] == fail_at:
                start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
                return [b"the disk is full"]
        upstream = requests.post(
            engine.live.url(request.path),
            data=request.get_data(),
            headers={k: v for k, v in request.headers.items() if k in ("Content-Type", "Accept")},
            timeout=30,
        )
        kind = upstream.headers.get("Content-Type", "text/plain")
        start_response(f"{upstream.status_code} Proxied", [("Content-Type", kind)])
        return [upstream.content]

    return start_server.app(lambda base: proxy)


def test_a_publish_failing_half_way_leaves_each_cv_wholly_old_or_wholly_new(
    engine, client, folder, tmp_path, start_server
):
    publish_paths([folder], client, BASE, jobs=1, root=tmp_path)
    old = remote_graphs(client, tmp_path)
    for name in ("ada", "charles"):
        path = folder / f"{name}.yaml"
        path.write_text(path.read_text().replace("2015", "2016"), encoding="utf-8")
    new = embedded_graphs(folder, tmp_path / "store")
    with failing_engine(engine, start_server, fail_at=2) as proxy:
        flaky = SparqlClient(proxy.url("/query"), proxy.url("/update"))
        with pytest.raises(StoreUnavailable, match="500"):
            publish_paths([folder], flaky, BASE, jobs=1, root=tmp_path)

    now = remote_graphs(client, tmp_path)
    states = {name: "new" if now[name] == new[name] else "old" for name in (ADA, CHARLES)}
    for name, state in states.items():
        assert now[name] == (new if state == "new" else old)[name]
    assert sorted(states.values()) == ["new", "old"]  # the first written, the second not
    assert now[""] == now[ADA] | now[CHARLES]  # the merge follows the graphs exactly
    # The next publish finds the stale one by its record and finishes the job.
    again = publish_paths([folder], client, BASE, jobs=1, root=tmp_path)
    assert len(again.changed) == 1 and remote_graphs(client, tmp_path) == new


def test_the_publish_command_reports_and_exits_like_index(engine, folder, tmp_path):
    command = [sys.executable, "-m", "ldcv", "publish", str(folder), "--base-uri", BASE]
    command += ["--sparql-endpoint", engine.query_url, "--sparql-update", engine.update_url]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, check=False)

    assert done.returncode == 0, done.stderr
    assert "2 CV(s) indexed" in done.stderr and engine.query_url in done.stderr
    unreachable = [*command[:-4], "--sparql-endpoint", "http://127.0.0.1:9/query"]
    unreachable += ["--sparql-update", "http://127.0.0.1:9/update"]
    failed = subprocess.run(unreachable, capture_output=True, text=True, cwd=tmp_path, check=False)
    assert failed.returncode == 75 and "Traceback" not in failed.stderr
    assert "127.0.0.1:9/query" in failed.stderr
