"""Start what a server makes ahead of requests in a thread of its own, a failure logged."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("ldcv.server")


def in_background(
    name: str, work: Callable[[], object], failure: str, after: threading.Thread | None = None
) -> threading.Thread:
    """Start a daemon thread that runs ``work`` once ``after`` has ended.

    A failure is logged with ``failure`` and the traceback, never raised: requests then
    make for themselves what ``work`` would have made ahead.
    """

    def run() -> None:
        if after is not None:
            after.join()
        try:
            work()
        except Exception:
            log.exception(failure)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
