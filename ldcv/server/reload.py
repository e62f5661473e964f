"""Reload the data while serving: re-prepare when the YAML changes, keep the last good data.

A bad edit (a typo, a SHACL violation) must not take a running server down: the
error is logged and the previous catalog goes on answering until the files are
fixed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from ldcv.errors import LdcvError

log = logging.getLogger("ldcv.server")

Snapshot = tuple[tuple[str, int, int], ...]


def snapshot(paths: Iterable[str | Path]) -> Snapshot:
    """What the data files look like now: name, size and modification time of each."""
    seen: list[tuple[str, int, int]] = []
    for given in paths:
        path = Path(given)
        candidates = [path]
        if path.is_dir():
            candidates += sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        for candidate in candidates:
            try:
                status = candidate.stat()
            except OSError:
                seen.append((str(candidate), -1, -1))
                continue
            seen.append((str(candidate), status.st_size, status.st_mtime_ns))
    return tuple(seen)


class RetryLater(LdcvError):
    """The reload could not run now (another process is busy with it): look again later."""


class Poller:
    """Call ``check`` every ``interval`` seconds in a daemon thread, surviving its failures."""

    thread_name = "ldcv-poll"
    failure = "looking for new data failed"

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> bool:
        raise NotImplementedError

    def start(self) -> None:
        """Start looking, in a daemon thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # the watcher must outlive any surprise; the server goes on
                log.exception(self.failure)


class DataWatcher(Poller):
    """Call ``reload`` when the files under ``paths`` change; log its failures, keep going."""

    thread_name = "ldcv-reload"
    failure = "reloading the data failed"

    def __init__(
        self,
        paths: Iterable[str | Path],
        reload: Callable[[], None],
        interval: float = 1.0,
        seen: Snapshot | None = None,
    ) -> None:
        # ``seen``: the files as they were before the data served was read from them (by
        # default, now). Taken after, it would hide for good an edit made while preparing.
        self.paths = tuple(paths)
        self.reload = reload
        super().__init__(interval)
        self.last_error: str | None = None
        self._seen = snapshot(self.paths) if seen is None else seen

    def check(self) -> bool:
        """Reload if the files changed since the last look; return whether new data is served."""
        now = snapshot(self.paths)
        if now == self._seen:
            return False
        previous, self._seen = self._seen, now
        try:
            self.reload()
        except RetryLater as error:
            self._seen = previous
            log.info("the data changed; reloading later: %s", error)
            return False
        except LdcvError as error:
            self.last_error = str(error)
            log.error(
                "the data changed but cannot be served; still serving the last good data:\n%s",
                error,
            )
            return False
        self.last_error = None
        log.info("the data changed: reloaded")
        return True
