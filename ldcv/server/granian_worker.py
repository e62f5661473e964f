"""The app factory of granian's workers (``'ldcv.server.granian_worker:create_app'``).

A granian worker is forked with its main process's signal handlers, which only flag that
main process's copy, and installs its own only once the app is made. A SIGTERM that
reaches the worker while it prepares the data (granian replacing it, or stopping) was
lost: the worker served on and granian's main process waited for it for ever.
"""

from __future__ import annotations

import signal
from types import FrameType

from flask import Flask

from ldcv.server import create_app as create_server_app

# The signals granian's workers stop on (granian._signals).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _leave(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def create_app() -> Flask:
    """Create the app in this worker, leaving at once should granian stop it meanwhile."""
    # SystemExit unwinds what the loading opened; granian replaces these handlers with
    # its own as soon as the app is returned, and until then a stop is a stop.
    for stop in STOP_SIGNALS:
        signal.signal(stop, _leave)
    return create_server_app()
