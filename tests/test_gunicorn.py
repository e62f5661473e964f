"""Production: ``gunicorn 'ldcv.server:create_app()'`` configured by LDCV_* variables.

Two gthread workers each prepare the data on their own; they must answer alike:
the same negotiation, and the same bytes under the same ETag.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ldcv.formats import FORMATS
from ldcv.server.catalog import content_type

SEED = Path(__file__).resolve().parent.parent / "data"
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _log_lines(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [line.split(" ") for line in log.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """gunicorn with 2 gthread workers serving the seed CV; yields its base URL and access log."""
    workdir = tmp_path_factory.mktemp("gunicorn")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / "access.log"
    env = {**os.environ, "LDCV_DATA": str(SEED), "LDCV_BASE_URI": base}
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "--workers", "2",
            "--worker-class", "gthread",
            "--threads", "4",
            "--bind", f"127.0.0.1:{port}",
            "--access-logfile", str(log),
            # worker pid, path, and the ETag sent: which worker answered what
            "--access-logformat", "%(p)s %(U)s %(q)s %({etag}o)s",
            "ldcv.server:create_app()",
        ],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "error.log", "wb"),  # noqa: SIM115  (closed with the process)
    )
    try:
        deadline = time.monotonic() + 120
        workers: set[str] = set()
        # Both workers must be up: new connections until each has answered one.
        while len(workers) < 2:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start two workers:\n"
                            + (workdir / "error.log").read_text(encoding="utf-8"))
            try:
                requests.get(base + "/probe", headers={"Connection": "close"}, timeout=30)
            except (requests.ConnectionError, requests.Timeout):  # workers still preparing
                time.sleep(0.2)
                continue
            workers = {line[0] for line in _log_lines(log)}
        yield base, log
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _owner_document(base: str) -> str:
    response = requests.get(base + "/", headers={"Accept": "text/turtle"}, timeout=10)
    return response.headers["Content-Location"].removeprefix(base).removesuffix(".ttl")


def test_workers_negotiate_alike_and_agree_on_etags(gunicorn):
    base, log = gunicorn
    path = _owner_document(base)
    etags: dict[str, set[str]] = defaultdict(set)
    bodies: dict[str, set[bytes]] = defaultdict(set)
    for _ in range(12):
        for fmt in FORMATS:
            response = requests.get(
                base + path,
                headers={"Accept": fmt.media_type, "Connection": "close",
                         "Accept-Encoding": "identity"},
                timeout=10,
            )
            assert response.status_code == 200
            assert response.headers["Content-Type"] == content_type(fmt)
            etags[fmt.key].add(response.headers["ETag"])
            bodies[fmt.key].add(response.content)
    assert all(len(tags) == 1 for tags in etags.values()), etags
    assert all(len(found) == 1 for found in bodies.values())
    # the log proves both workers answered these document requests
    answered = {line[0] for line in _log_lines(log) if line[1] == path}
    assert len(answered) == 2


def test_thing_iris_redirect_and_conditional_requests_work_under_gunicorn(gunicorn):
    base, _log = gunicorn
    path = _owner_document(base)
    thing = base + path.replace("/doc/", "/id/", 1)
    redirect = requests.get(thing, allow_redirects=False, timeout=10)
    assert redirect.status_code == 303
    assert redirect.headers["Location"] == base + path
    first = requests.get(base + path, headers={"Accept": "text/html"}, timeout=10)
    for _ in range(6):
        again = requests.get(
            base + path,
            headers={"Accept": "text/html", "If-None-Match": first.headers["ETag"],
                     "Connection": "close"},
            timeout=10,
        )
        assert again.status_code == 304
    head = requests.head(base + path, headers={"Accept": "text/turtle"}, timeout=10)
    assert head.status_code == 200 and head.content == b""
