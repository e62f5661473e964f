"""Load, map and validate CVs into the one conforming graph every view is made from."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef

from ldcv.model import CV
from ldcv.rdf.iris import thing_iri
from ldcv.rdf.vocabulary import RDF, SDO


@dataclass(frozen=True)
class Dataset:
    """The validated graph and what it was made from."""

    cvs: tuple[CV, ...]
    graph: Graph
    base_uri: str
    modified: datetime  # newest modification time of the source files
    warnings: tuple[str, ...] = ()

    @cached_property
    def owners(self) -> tuple[URIRef, ...]:
        """The IRIs of the people whose CVs these are: the natural entry points into the data.

        In the order of the CVs; a dataset without CV models (a graph read as it is)
        names them by its profile pages: each ``schema:ProfilePage``'s main entity, sorted.
        """
        if self.cvs:
            return tuple(
                dict.fromkeys(thing_iri(self.base_uri, "person", cv.owner.key) for cv in self.cvs)
            )
        return tuple(
            sorted(
                {
                    entity
                    for page in self.graph.subjects(RDF.type, SDO.ProfilePage)
                    for entity in self.graph.objects(page, SDO.mainEntity)
                    if isinstance(entity, URIRef)
                }
            )
        )

    @cached_property
    def owner_set(self) -> frozenset[URIRef]:
        """``owners`` as a set: made once, for every page that asks whose CV a thing is."""
        return frozenset(self.owners)


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
