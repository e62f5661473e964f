"""What a static build reads: a catalog held in memory, or a store's snapshot.

A source opens its data for the building process (``opened``) and again in each forked
worker that renders documents (``in_worker``). A catalog in memory is simply inherited.
A store is different: a process that has opened RocksDB runs its threads and may not
fork (``ldcv.forking.may_fork``), so the build forks its workers first
(``forks_before_opening``) and each worker opens the same generation of the store for
itself, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from ldcv.documents.catalog import Catalog
from ldcv.documents.snapshot_crawler_files import SnapshotCrawlerFiles
from ldcv.documents.store_catalog import store_catalog
from ldcv.errors import LdcvError
from ldcv.store.disk import Snapshot, StoreDirectory


class StoreSourceError(LdcvError):
    """The store cannot be built from: none there yet, or not under the expected base URI."""


@dataclass(frozen=True)
class SiteData:
    """A catalog to render, and where the whole-dataset files come from."""

    catalog: Catalog
    snapshot_files: SnapshotCrawlerFiles | None  # None: the dataset is in memory


class MemorySource:
    """A catalog built in memory (``build_catalog``): workers inherit it as it is."""

    forks_before_opening = False

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    @contextmanager
    def opened(self) -> Iterator[SiteData]:
        """The catalog, for the building process."""
        yield SiteData(self.catalog, None)

    def in_worker(self) -> Catalog:
        """The catalog, in a forked worker."""
        return self.catalog


class StoreSource:
    """The current generation of the store in ``directory``, opened by each process that reads it.

    ``base_uri``, if given, must be the base the store's IRIs were minted under.
    """

    forks_before_opening = True

    def __init__(
        self,
        directory: StoreDirectory,
        *,
        sparql_endpoint: str | None = None,
        base_uri: str | None = None,
    ) -> None:
        generation = directory.generation()
        if generation is None:
            raise StoreSourceError(
                f"{directory.path}: no store here yet; "
                f"run `ldcv index PATH --store {directory.path}` first"
            )
        self.directory = directory
        self.generation = generation  # fixed now: the workers read what this process reads
        self.sparql_endpoint = sparql_endpoint
        self.base_uri = base_uri.rstrip("/") if base_uri else None
        self._worker_catalog: Catalog | None = None  # a worker's own, opened once

    @contextmanager
    def opened(self) -> Iterator[SiteData]:
        """The snapshot's catalog and crawler files, for the building process."""
        with self._snapshot() as snapshot:
            catalog = self._catalog(snapshot)
            files = SnapshotCrawlerFiles(
                snapshot.store,
                snapshot.records,
                snapshot.generation,
                self.directory.path,
                catalog.dataset.base_uri,
            )
            yield SiteData(catalog, files)

    def in_worker(self) -> Catalog:
        """The snapshot's catalog, opened on a worker's first call and kept for its next ones."""
        if self._worker_catalog is None:
            # Never closed: RocksDB lets go when the worker process ends.
            self._worker_catalog = self._catalog(self._snapshot())
        return self._worker_catalog

    def _snapshot(self) -> Snapshot:
        return Snapshot(self.directory.snapshots / str(self.generation), self.generation)

    def _catalog(self, snapshot: Snapshot) -> Catalog:
        return store_catalog(
            snapshot.store,
            self._base(snapshot),
            modified=records_modified(snapshot),
            sparql_endpoint=self.sparql_endpoint,
        )

    def _base(self, snapshot: Snapshot) -> str:
        bases = {r.details.get("base") for r in snapshot.records.values()} - {None}
        if len(bases) > 1:
            raise StoreSourceError(f"{snapshot.path}: graphs under several base URIs: {bases}")
        base = bases.pop() if bases else self.base_uri
        if base is None:
            raise StoreSourceError(f"{snapshot.path}: the store holds no CV; give --base-uri")
        if self.base_uri is not None and base != self.base_uri:
            raise StoreSourceError(
                f"{self.directory.path}: its IRIs are minted under {base}, not {self.base_uri}; "
                f"index the data again under {self.base_uri}, or build under {base}"
            )
        return base


def records_modified(snapshot: Snapshot) -> datetime:
    """When the newest CV file of the snapshot was last modified (as ``ldcv serve`` says)."""
    newest = max((r.details.get("modified", 0) for r in snapshot.records.values()), default=0)
    return datetime.fromtimestamp(int(newest), UTC)
