"""Fixtures of the SPARQL tests: the overlapping CVs prepared in memory, and a merged store.

Ada's and Charles's CVs (``tests/fixtures/overlapping-cvs``, indexed by the shared
``overlapping_store``) share a paper, its author list and a coauthor, so their graphs
hold some triples twice over.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset as RdfDataset
from rdflib import URIRef

from ldcv.pipeline import Dataset, prepare
from ldcv.rdf.iris import document_iri
from ldcv.rdf.mapping import map_cvs
from ldcv.store.records import RECORDS_GRAPH

OVERLAPPING_CVS = Path(__file__).resolve().parents[1] / "fixtures" / "overlapping-cvs"
OVERLAP_BASE = "https://example.org"


@pytest.fixture(scope="session")
def overlapping_prepared() -> Dataset:
    """The two overlapping CVs through the whole pipeline, in memory."""
    return prepare([OVERLAPPING_CVS], OVERLAP_BASE)


@pytest.fixture(scope="session")
def overlapping_in_memory(overlapping_prepared: Dataset) -> RdfDataset:
    """The prepared graph as the default graph, and each CV's graph named as the store names it."""
    dataset = RdfDataset()
    dataset.default_graph += overlapping_prepared.graph
    for cv in overlapping_prepared.cvs:
        name = URIRef(document_iri(OVERLAP_BASE, "person", cv.owner.key))
        dataset.graph(name).__iadd__(map_cvs([cv], OVERLAP_BASE))
    return dataset


@pytest.fixture(scope="session")
def overlapping_merged_path(
    overlapping_snapshot_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """A copy of the snapshot whose default graph holds the merge of its CV graphs."""
    path = tmp_path_factory.mktemp("merged") / "snapshot"
    shutil.copytree(overlapping_snapshot_path, path)
    store = ox.Store(str(path))
    store.update(
        "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER (?g != <{RECORDS_GRAPH}>) }}"
    )
    store.flush()
    del store  # RocksDB closes with its last reference
    yield path


@pytest.fixture(scope="session")
def runaway_on_a_small_store() -> str:
    """A query that keeps a worker busy for minutes on ``overlapping_store`` (90 triples)."""
    return "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"
