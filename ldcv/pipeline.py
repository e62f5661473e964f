"""Load, map and validate CVs into the one conforming graph every view is made from."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph

from ldcv.model import CV


@dataclass(frozen=True)
class Dataset:
    """The validated graph and what it was made from."""

    cvs: tuple[CV, ...]
    graph: Graph
    base_uri: str
    modified: datetime  # newest modification time of the source files
    warnings: tuple[str, ...] = ()


def prepare(
    paths: Iterable[str | Path],
    base_uri: str,
    *,
    meanwhile: Callable[[Dataset], object] | None = None,
) -> Dataset:
    """Load the YAML under ``paths``, map it to RDF and validate it; raise on any problem.

    ``meanwhile`` gets the dataset before its validation is over (while worker
    processes validate a large graph): for work that writes nothing and is thrown
    away if validation fails, such as indexing the graph for a build.
    """
    from ldcv.load import load_paths
    from ldcv.rdf.mapping import map_cvs
    from ldcv.rdf.validation import ensure_conforms

    cvs, files = load_paths(paths)
    graph = map_cvs(cvs, base_uri)
    newest = max((f.stat().st_mtime for f in files), default=0.0)
    dataset = Dataset(
        cvs=tuple(cvs),
        graph=graph,
        base_uri=base_uri.rstrip("/"),
        modified=datetime.fromtimestamp(int(newest), UTC),
        warnings=tuple(w for cv in cvs for w in cv.warnings),
    )
    shacl_warnings = ensure_conforms(
        graph, cvs, base_uri, meanwhile=None if meanwhile is None else lambda: meanwhile(dataset)
    )
    return replace(dataset, warnings=(*dataset.warnings, *shacl_warnings))
