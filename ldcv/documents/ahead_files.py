"""Documents rendered ahead of the request, on disk beside the store, one folder a generation.

Layout (``DIR/ahead/<generation>/``, a ``GenerationFiles`` folder)::

    documents/<name>/<suffix>       a format's bytes, when too small to be worth gzip
    documents/<name>/<suffix>.gz    else its gzip-compressed bytes, exactly as served
    documents/.<name>.<pid>         a document being written (renamed whole into place)
    weights                         each minted IRI's weight (``heavy_documents``)
    manifest                        made last: each document made, with what it names

``<name>`` is the document's path without the leading slash, ``/`` replaced by ``~``
(a slug has neither). A document's folder appears whole, by one rename, once every
format of it is written, and is never changed: a server reads a format from it or, if
it is not there (yet, or any more), renders the document as it would have. The bytes
kept are those of the ``Representation`` (the gzip variant is the one the catalog made,
so its ETag is the same); the identity bytes of a compressed format are unpacked from it
(a millisecond for a large page), which halves the disk a generation takes.
"""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ldcv.documents.catalog import Encoding, Representation
from ldcv.rdf.formats import Format
from ldcv.store.generation_files import GenerationFiles

AHEAD_FOLDER = "ahead"  # under the store directory: one folder per generation
DOCUMENTS = "documents"
MANIFEST = "manifest"
WEIGHTS = "weights"


def ahead_files(store_path: Path, generation: int) -> GenerationFiles:
    """Where generation ``generation``'s documents made ahead go (the manifest carries over)."""
    return GenerationFiles(Path(store_path) / AHEAD_FOLDER, generation, carry=(MANIFEST,))


def document_name(path: str) -> str:
    """The folder name of the document at ``path``."""
    return path.strip("/").replace("/", "~")


class AheadDocuments:
    """The documents made ahead in one generation's ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.documents = self.folder / DOCUMENTS

    def representation(self, path: str, fmt: Format, location: str) -> Representation | None:
        """The document at ``path`` in ``fmt`` as made ahead, or ``None`` if it was not."""
        kept = self.documents / document_name(path)
        try:
            packed = (kept / f"{fmt.suffix}.gz").read_bytes()
        except FileNotFoundError:
            try:
                body = (kept / fmt.suffix).read_bytes()
            except FileNotFoundError:
                return None
            return Representation(fmt, Encoding.of(body), None, location)
        return Representation(
            fmt, Encoding.of(gzip.decompress(packed)), Encoding.of(packed), location
        )

    def holds(self, path: str) -> bool:
        """Whether the document at ``path`` was made (every format of it)."""
        return (self.documents / document_name(path)).is_dir()

    def write(self, path: str, representations: Iterable[Representation]) -> None:
        """Keep ``representations`` of the document at ``path``, all at once."""
        name = document_name(path)
        partial = self.documents / f".{name}.{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        for made in representations:
            if made.gzip is not None:
                (partial / f"{made.fmt.suffix}.gz").write_bytes(made.gzip.body)
            else:
                (partial / made.fmt.suffix).write_bytes(made.identity.body)
        self._publish(partial, name)

    def link_from(self, older: AheadDocuments, path: str) -> bool:
        """Keep the document at ``path`` as ``older`` made it (hard links); whether it had it."""
        name = document_name(path)
        source = older.documents / name
        partial = self.documents / f".{name}.{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            for file in source.iterdir():
                os.link(file, partial / file.name)
        except FileNotFoundError:  # pruned meanwhile: it is made afresh
            shutil.rmtree(partial, ignore_errors=True)
            return False
        self._publish(partial, name)
        return True

    def clear_partial(self) -> None:
        """Remove what a writer killed here left half-written."""
        if self.documents.is_dir():
            for leftover in self.documents.glob(".*"):
                shutil.rmtree(leftover, ignore_errors=True)

    def _publish(self, partial: Path, name: str) -> None:
        for file in partial.iterdir():
            file.chmod(0o644)  # web servers often run as another user
        partial.chmod(0o755)
        try:
            os.rename(partial, self.documents / name)
        except OSError:  # made meanwhile by another writer: the same bytes
            shutil.rmtree(partial, ignore_errors=True)


def manifest_text(named: Mapping[str, Iterable[str]]) -> bytes:
    """The manifest: one line a document made, its path then the paths of what it names."""
    lines = (" ".join([path, *sorted(named[path])]) + "\n" for path in sorted(named))
    return "".join(lines).encode("utf-8")


def read_manifest(text: bytes) -> Iterator[tuple[str, frozenset[str]]]:
    """Each document of a manifest with the paths of what it names."""
    for line in text.decode("utf-8").splitlines():
        path, *named = line.split(" ")
        yield path, frozenset(named)
