"""Files made from one published generation of a store, once, by whichever process asks first.

Dumps and counts of a snapshot cost seconds to minutes, and every server process (and
the static build) would make the same bytes; so the first to ask writes the file under
``ROOT/<generation>/`` and the others use it. Layout::

    ROOT/<generation>/<name>           finished files, replaced atomically, never changed
    ROOT/<generation>/.<name>.lock     flock'ed while a process makes <name>
    ROOT/<generation>/.<name>.partial  what it has written so far

A process that finds ``<name>`` being made waits on its lock, then uses the finished
file. The kernel releases the lock of a process that dies, and the next one to ask
makes the file afresh. Making a file removes the folders of older generations, except
one whose file is being made right now (a server that has not yet moved to the new
snapshot); the next generation removes that one. Files named ``carry`` are what a
generation's files are made from next time (the last sitemap's pages): the newest older
folder holding them is kept until this generation has its own.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO


class GenerationFiles:
    """The files made from generation ``generation`` of a store, kept under ``root``."""

    def __init__(self, root: Path, generation: int, carry: tuple[str, ...] = ()) -> None:
        self.root = Path(root)
        self.generation = generation
        self.carry = carry

    @property
    def folder(self) -> Path:
        return self.root / str(self.generation)

    def made(self, name: str, write: Callable[[IO[bytes]], None]) -> Path:
        """Return the path of file ``name``, made by ``write(file)`` unless it exists already.

        ``write`` streams the bytes into the open file; it runs in one process at a time,
        and at most once across processes unless one dies while writing.
        """
        target = self.folder / name
        if target.is_file():
            return target
        with self._locked(name):
            if not target.is_file():  # no other process made it while this one waited
                partial = self.folder / f".{name}.partial"
                try:
                    with open(partial, "wb") as file:
                        write(file)
                        file.flush()
                        os.fsync(file.fileno())
                except BaseException:
                    partial.unlink(missing_ok=True)
                    raise
                partial.chmod(0o644)  # web servers often run as another user
                os.replace(partial, target)
                _fsync_directory(self.folder)
        self.prune()
        return target

    def prune(self) -> None:
        """Remove the folders of older generations that no process is writing into."""
        older = sorted(
            (f for f in self.root.iterdir() if f.name.isdigit() and int(f.name) < self.generation),
            key=lambda f: int(f.name),
        )
        if self.carry and not self._holds(self.folder):
            carried = [folder for folder in older if self._holds(folder)]
            if carried:
                older.remove(carried[-1])  # what the next files are made from
        for folder in older:
            with ExitStack() as held:
                locks = sorted(folder.glob(".*.lock"))
                if all(held.enter_context(_held_if_free(lock)) for lock in locks):
                    shutil.rmtree(folder, ignore_errors=True)

    def previous(self) -> GenerationFiles | None:
        """The newest older generation holding every file named ``carry``, if one is left."""
        if not self.carry or not self.root.is_dir():
            return None
        found = sorted(
            (int(f.name) for f in self.root.iterdir() if f.name.isdigit() and self._holds(f)),
            reverse=True,
        )
        older = [generation for generation in found if generation < self.generation]
        return GenerationFiles(self.root, older[0], self.carry) if older else None

    def _holds(self, folder: Path) -> bool:
        return all((folder / name).is_file() for name in self.carry)

    @contextmanager
    def _locked(self, name: str) -> Iterator[None]:
        """Hold the lock of ``name``: wait while another process holds it."""
        lock = self.folder / f".{name}.lock"
        while True:
            self.folder.mkdir(parents=True, exist_ok=True)
            try:
                descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            except FileNotFoundError:  # the folder was pruned between the two calls
                continue
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
                if _same_file(descriptor, lock):
                    yield
                    return
                # Pruned while this process waited: the lock it holds names nothing.
            finally:
                os.close(descriptor)  # closing releases the flock


@contextmanager
def _held_if_free(lock: Path) -> Iterator[bool]:
    """Hold ``lock`` if no process does (yield ``True``), else yield ``False`` at once."""
    try:
        descriptor = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        yield True
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        return os.fstat(descriptor).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
