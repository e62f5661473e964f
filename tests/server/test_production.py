"""Production servers over real HTTP: granian (documented) and gunicorn (supported).

    granian --interface wsgi --factory --workers 2 --blocking-threads 4 'ldcv.server:create_app'
    gunicorn --workers 2 --worker-class gthread --threads 4 'ldcv.server:create_app()'

Each is started as its own process on a free port with two workers, configured by
LDCV_* variables. The workers prepare the data on their own; they must answer alike:
the same negotiation, and the same bytes under the same ETag. Each access log line
starts with the worker's process id, so the tests can tell that both workers answered.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from ldcv.rdf.formats import FORMATS
from ldcv.rdf.vocabulary import SDO

SEED = Path(__file__).resolve().parents[2] / "data"

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def granian_command(port: int, log: Path, workdir: Path) -> list[str]:
    """The documented production command, with an access log naming the worker's pid."""
    # granian's access log goes through Python's logging in each worker process.
    config = {
        "formatters": {
            "generic": {"()": "logging.Formatter", "fmt": "[%(levelname)s] %(message)s"},
            "access": {"()": "logging.Formatter", "fmt": "%(process)d %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "generic",
                "stream": "ext://sys.stderr",
            },
            "access": {"class": "logging.FileHandler", "formatter": "access", "filename": str(log)},
        },
        "loggers": {
            "_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "granian.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }
    (workdir / "logging.json").write_text(json.dumps(config), encoding="utf-8")
    return [
        str(BIN / "granian"),
        "--interface",
        "wsgi",
        "--factory",
        "--workers",
        "2",
        "--blocking-threads",
        "4",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-config",
        str(workdir / "logging.json"),
        "--access-log",
        "--access-log-fmt",
        "%(path)s %(status)d",
        "ldcv.server:create_app",
    ]


def gunicorn_command(port: int, log: Path, workdir: Path) -> list[str]:
    """gunicorn with two gthread workers, with an access log naming the worker's pid."""
    return [
        str(BIN / "gunicorn"),
        "--workers",
        "2",
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        str(log),
        "--access-logformat",
        "%(p)s %(U)s %(s)s",
        "ldcv.server:create_app()",
    ]


SERVERS: dict[str, Callable[[int, Path, Path], list[str]]] = {
    "granian": granian_command,
    "gunicorn": gunicorn_command,
}


@dataclass
class Production:
    base: str
    log: Path

    def lines(self) -> list[list[str]]:
        """The access log so far: pid, path, status."""
        if not self.log.exists():
            return []
        text = self.log.read_text(encoding="utf-8")
        return [line.split(" ") for line in text.splitlines() if line]

    def workers(self, path: str | None = None) -> set[str]:
        """The pids of the workers that answered (requests for ``path``)."""
        return {line[0] for line in self.lines() if path is None or line[1] == path}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def production(request, tmp_path_factory, start_server) -> Iterator[Production]:
    """The server named by the parameter, 2 workers, serving the seed CV."""
    workdir = tmp_path_factory.mktemp(request.param)
    log = workdir / "access.log"

    def command(port: int) -> list[str]:
        log.unlink(missing_ok=True)  # from a start on a port that was taken
        return SERVERS[request.param](port, log, workdir)

    def environment(port: int) -> dict[str, str]:
        base = f"http://127.0.0.1:{port}"
        return {**os.environ, "LDCV_DATA": str(SEED), "LDCV_BASE_URI": base}

    # Its own process group (start_server's doing): no worker outlives the test.
    with start_server.process(command, env=environment, cwd=workdir, timeout=180) as live:
        served = Production(live.base, log)
        deadline = time.monotonic() + 180
        # Both workers must be up: new connections until each has answered one.
        while len(served.workers()) < 2:
            if live.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{request.param} did not start two workers:\n{live.stderr()}")
            try:
                requests.get(served.base + "/probe", headers={"Connection": "close"}, timeout=30)
            except (requests.ConnectionError, requests.Timeout):  # workers still preparing
                time.sleep(0.2)
        yield served


def _owner_document(base: str) -> str:
    response = requests.get(base + "/", headers={"Accept": "text/turtle"}, timeout=10)
    return response.headers["Content-Location"].removeprefix(base).removesuffix(".ttl")


def test_workers_negotiate_alike_and_agree_on_etags(production):
    path = _owner_document(production.base)
    etags: dict[str, set[str]] = defaultdict(set)
    bodies: dict[str, set[bytes]] = defaultdict(set)
    # At least 12 rounds, and on until both workers have answered (a loaded machine
    # can leave one of them idle for a while).
    for round_ in range(60):
        if round_ >= 12 and len(production.workers(path)) == 2:
            break
        for fmt in FORMATS:
            response = requests.get(
                production.base + path,
                headers={
                    "Accept": fmt.media_type,
                    "Connection": "close",
                    "Accept-Encoding": "identity",
                },
                timeout=10,
            )
            assert response.status_code == 200
            assert response.headers["Content-Type"] == fmt.content_type
            etags[fmt.key].add(response.headers["ETag"])
            bodies[fmt.key].add(response.content)
    assert all(len(tags) == 1 for tags in etags.values()), etags
    assert all(len(found) == 1 for found in bodies.values())
    # the log proves both workers answered these document requests
    assert len(production.workers(path)) == 2


def test_thing_iris_redirect_and_conditional_requests_work(production):
    base = production.base
    path = _owner_document(base)
    thing = base + path.replace("/doc/", "/id/", 1)
    redirect = requests.get(thing, allow_redirects=False, timeout=10)
    assert redirect.status_code == 303
    assert redirect.headers["Location"] == base + path
    assert redirect.headers["Vary"] == "Accept"
    first = requests.get(base + path, headers={"Accept": "text/html"}, timeout=10)
    for _ in range(6):
        again = requests.get(
            base + path,
            headers={
                "Accept": "text/html",
                "If-None-Match": first.headers["ETag"],
                "Connection": "close",
            },
            timeout=10,
        )
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["ETag"] == first.headers["ETag"]


def test_head_is_get_without_a_body(production):
    url = production.base + _owner_document(production.base)
    headers = {"Accept": "text/turtle", "Accept-Encoding": "identity"}
    got = requests.get(url, headers=headers, timeout=10)
    head = requests.head(url, headers=headers, timeout=10)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert int(head.headers["Content-Length"]) == len(got.content)
    for name in ("ETag", "Content-Type", "Content-Location", "Link", "Vary"):
        assert head.headers[name] == got.headers[name]


def test_gzip_cors_and_security_headers_pass_through(production):
    url = production.base + _owner_document(production.base)
    plain = requests.get(
        url,
        headers={"Accept": "text/turtle", "Accept-Encoding": "identity"},
        stream=True,
        timeout=10,
    )
    plain_body = plain.raw.read(decode_content=False)
    packed = requests.get(
        url, headers={"Accept": "text/turtle", "Accept-Encoding": "gzip"}, stream=True, timeout=10
    )
    packed_body = packed.raw.read(decode_content=False)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(packed_body) == plain_body
    assert plain.headers["Access-Control-Allow-Origin"] == "*"
    page = requests.get(url, headers={"Accept": "text/html"}, timeout=10)
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_sparql_and_errors_are_served(production):
    base = production.base
    owner = base + _owner_document(base).replace("/doc/", "/id/", 1)
    css = requests.get(base + "/static/ldcv.css", timeout=10)
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert b"{" in css.content
    answer = requests.post(
        base + "/sparql",
        data={"query": f"ASK {{ <{owner}> a <{SDO.Person}> }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert answer.status_code == 200
    assert answer.json()["boolean"] is True
    missing = requests.get(
        base + "/doc/person/nobody", headers={"Accept": "text/turtle"}, timeout=10
    )
    assert missing.status_code == 404
    assert "Traceback" not in missing.text
