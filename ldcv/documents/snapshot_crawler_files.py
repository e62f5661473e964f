"""A store snapshot's crawler files that read the whole dataset: on disk, once per generation.

The VoID counts, the dumps and the sitemap files of a snapshot are the same bytes in
every process that serves it (and in the static build), and each costs a pass over the
data; so the first process to need one writes it under the store directory, in
``DIR/crawler/<generation>/`` (``ldcv.store.generation_files``), and every process serves
that file. Nothing here holds the dataset in memory: pyoxigraph counts and serializes
the union of the CV graphs (``ldcv.store.union_queries``), a dump streams through gzip to
disk, and a sitemap file is written as soon as it is rendered.

The owners and their names come from the store's records, not from the graphs.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from ldcv.documents.crawler_files import (
    SITEMAP_LIMIT,
    SITEMAP_PART_PATTERN,
    SITEMAP_PATH,
    Dump,
    Sitemap,
    VoidFacts,
    namespaces_of,
)
from ldcv.documents.snapshot_sitemap import SITEMAP_PAGES, write_in_child
from ldcv.rdf.iris import thing_iri
from ldcv.rdf.vocabulary import PREFIXES
from ldcv.store.generation_files import GenerationFiles
from ldcv.store.records import RECORDS_GRAPH, GraphRecord
from ldcv.store.union_queries import classes, predicate_counts, write_union

CRAWLER_FOLDER = "crawler"  # under the store directory: one folder per generation
COUNTS_FILE = "void-counts.json"
# A dump of millions of triples: level 6 packs nearly as tight as 9, several times faster.
DUMP_GZIP_LEVEL = 6
_SERIALIZERS = {"nt": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE}


def snapshot_files(store_path: Path, generation: int) -> GenerationFiles:
    """Where the files made once for generation ``generation`` of the store in ``store_path`` go."""
    return GenerationFiles(Path(store_path) / CRAWLER_FOLDER, generation, carry=(SITEMAP_PAGES,))


class SnapshotCrawlerFiles:
    """The costly crawler files of generation ``generation`` of the store in ``store_path``.

    ``store`` is that generation's snapshot (read only), ``records`` its records; the
    files go to ``store_path/crawler/<generation>/``, shared with every other process.
    """

    def __init__(
        self,
        store: ox.Store,
        records: Mapping[str, GraphRecord],
        generation: int,
        store_path: Path,
        base_uri: str,
        *,
        records_graph: str = RECORDS_GRAPH,
        snapshot_path: Path | None = None,
    ) -> None:
        self.store = store
        self.records = records
        self.base_uri = base_uri.rstrip("/")
        self.records_graph = records_graph
        self.files = snapshot_files(store_path, generation)
        # Where the snapshot is on disk: a child process may open it (walk_sitemap).
        self.snapshot_path = snapshot_path

    def facts(self) -> VoidFacts:
        """What VoID states: the union's triples and vocabularies, the owners and their names."""
        counted = json.loads(self.counts_file().read_bytes())
        terms = [*counted["predicates"], *counted["classes"]]
        owners = [
            record
            for record in sorted(self.records.values(), key=lambda r: r.source)
            if record.details.get("base", self.base_uri) == self.base_uri
        ]
        return VoidFacts(
            triples=sum(counted["predicates"].values()),
            vocabularies=tuple(namespaces_of(terms)),
            owners=tuple(thing_iri(self.base_uri, "person", r.details["owner"]) for r in owners),
            names=tuple(r.details["name"] for r in owners),
        )

    def counts_file(self) -> Path:
        """The file of the union's predicate counts and classes, made if it is not there."""
        return self.files.made(COUNTS_FILE, self._write_counts)

    def dump(self, dump: Dump) -> Path:
        """The file of ``dump``: the union in its format, gzip-compressed."""
        return self.files.made(dump.name, lambda file: self._write_dump(file, dump))

    def sitemap_file(self, path: str, sitemap: Callable[[], Sitemap]) -> Path | None:
        """The sitemap file served at ``path``, or ``None``; ``sitemap()`` lists the pages.

        Every file of the sitemap is written at once (one listing of the pages makes
        them all), ``/sitemap.xml`` last, so that finding it means the parts are there.
        """
        if path != SITEMAP_PATH and not SITEMAP_PART_PATTERN.match(path):
            return None
        index = self.files.folder / SITEMAP_PATH.lstrip("/")
        if not index.is_file():
            made = sitemap()
            for served in reversed(made.files):  # the parts first, /sitemap.xml last
                self.files.made(served.lstrip("/"), partial(_write_rendered, made, served))
        found = self.files.folder / path.lstrip("/")
        return found if found.is_file() else None

    def walked_sitemap_file(
        self, path: str, lastmod: datetime, limit: int = SITEMAP_LIMIT
    ) -> Path | None:
        """The sitemap file served at ``path``, or ``None``, listed by a child walking the snapshot.

        The same files as ``sitemap_file``'s (``lastmod`` and ``limit`` as ``Sitemap``'s),
        made by ``ldcv.documents.snapshot_sitemap`` in a process of its own, which
        needs ``snapshot_path``.
        """
        if path != SITEMAP_PATH and not SITEMAP_PART_PATTERN.match(path):
            return None
        if self.snapshot_path is None:
            raise ValueError("the sitemap is walked in a child only from a snapshot on disk")
        if not (self.files.folder / SITEMAP_PATH.lstrip("/")).is_file():
            write_in_child(self.files, self.snapshot_path, self.base_uri, lastmod, limit)
        found = self.files.folder / path.lstrip("/")
        return found if found.is_file() else None

    def _write_counts(self, file: IO[bytes]) -> None:
        counted = predicate_counts(self.store, self.records_graph)
        file.write(counts_json(counted, classes(self.store, self.records_graph)))

    def _write_dump(self, file: IO[bytes], dump: Dump) -> None:
        serializer = _SERIALIZERS[dump.format.key]
        prefixes = None
        if serializer == ox.RdfFormat.TURTLE:
            prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        # mtime=0 and no file name: the same snapshot gives the same bytes.
        with gzip.GzipFile(
            filename="", mode="wb", fileobj=file, compresslevel=DUMP_GZIP_LEVEL, mtime=0
        ) as packed:
            write_union(
                self.store, packed, serializer, prefixes=prefixes, records_graph=self.records_graph
            )


def counts_json(predicates: Mapping[str, int], class_iris: Iterable[str]) -> bytes:
    """The text of the counts file: each predicate's triples and the classes, sorted."""
    counted = {"predicates": dict(sorted(predicates.items())), "classes": sorted(class_iris)}
    return json.dumps(counted, indent=1).encode("utf-8")


def _write_rendered(sitemap: Sitemap, served: str, file: IO[bytes]) -> None:
    file.write(sitemap.render(served))
