"""``ldcv publish``: index CV files into a store on a SPARQL 1.1 engine, only what changed.

The indexer's planning and workers (``ldcv.store.index``) run unchanged against a
``RemoteStore``. What the indexer keeps beside an embedded store — the files the last
run could not take (``status.json``) — is kept on the engine too, as one JSON literal in
the generation graph, so the next publish from any machine knows them.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from ldcv.forking import WORKER_NICENESS, handed_to_workers
from ldcv.store.index import STATUS_FILE, IndexReport, index_paths
from ldcv.store.remote import RemoteStore
from ldcv.store.remote_reads import GENERATION_GRAPH
from ldcv.store.sparql_protocol import SPARQL_JSON, SparqlClient

# The validating workers' priority, this much below the engine's: an engine on the same
# cores writes each CV as it comes instead of falling behind and writing the backlog
# alone, on one core, after validation ends (publishing 1,000 CVs: bench/remote.py).
WORKERS_YIELD = 10
_FAILURES = "<urn:ldcv:store> <urn:ldcv:store:failures>"
_READ_FAILURES = f"SELECT ?f WHERE {{ GRAPH <{GENERATION_GRAPH}> {{ {_FAILURES} ?f }} }}"


def publish_paths(
    paths: Iterable[str | Path],
    client: SparqlClient,
    base_uri: str,
    jobs: int | None = None,
    root: Path | None = None,
) -> IndexReport:
    """Publish the CV files under ``paths`` to the engine ``client`` talks to; say what changed.

    Source files are recorded relative to ``root`` (default: the working folder).
    """
    with tempfile.TemporaryDirectory(prefix="ldcv-publish-") as scratch:
        remote = RemoteStore(client, Path(scratch), root)
        status = Path(scratch) / STATUS_FILE
        before = _read_failures(remote)
        if before:
            status.write_text(json.dumps({"failed": before}), encoding="utf-8")
        with handed_to_workers(**{WORKER_NICENESS: WORKERS_YIELD}):
            report = index_paths(paths, remote, base_uri, jobs=jobs)  # type: ignore[arg-type]
        after = _local_failures(status)
        if after != before:
            _write_failures(remote, after)
    return report


def _read_failures(remote: RemoteStore) -> dict[str, object]:
    answer = remote.client.query(_READ_FAILURES, accept=SPARQL_JSON)
    rows = ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON)
    for row in rows:  # type: ignore[union-attr]
        stored = json.loads(row["f"].value)
        return {str(remote.root / name): failure for name, failure in stored.items()}
    return {}


def _local_failures(status: Path) -> dict[str, object]:
    try:
        return json.loads(status.read_text(encoding="utf-8")).get("failed", {})
    except (OSError, ValueError):
        return {}


def _write_failures(remote: RemoteStore, failures: dict[str, object]) -> None:
    stored = {remote.stored_source(name): failure for name, failure in failures.items()}
    text = ox.Literal(json.dumps(stored, sort_keys=True, ensure_ascii=False))
    graph = f"<{GENERATION_GRAPH}>"
    remote.client.update(
        f"DELETE WHERE {{ GRAPH {graph} {{ {_FAILURES} ?f }} }} ;\n"
        f"INSERT DATA {{ GRAPH {graph} {{ {_FAILURES} {text} }} }}"
    )
