"""Benchmark the negotiated document GET against nginx serving the same bytes.

    .venv/bin/python bench/serve.py [--duration 10] [--connections 32] [--cvs 1000]

Side by side in one run, with ``wrk -t2 -c32 -d10s --latency`` each:

1. nginx (Debian's, started here with a temporary config on a free port) serving the
   Turtle bytes of one document as a static file;
2. the production setup, ``gunicorn 'ldcv.server:create_app()'`` with gthread workers,
   serving that document with ``Accept: text/turtle`` (negotiation, ETag, headers);
3. the same setup serving a dataset of one generated CV, then of ``--cvs`` generated CVs:
   the request cost must not depend on the size of the data.

Goal: (2) at >= 0.25x nginx's requests per second, p99 under 20 ms; (3) flat.
The data of (1)-(2) is the seed CV in ``data/``. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import BNode

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
BARE_APP = """
BODY = open({path!r}, "rb").read()
HEADERS = [("Content-Type", "text/turtle; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def app(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
"""


# --- synthetic data -------------------------------------------------------------------------


def synthetic_dataset(n_cvs: int, base: str, seed: int = 7):
    """``n_cvs`` generated CVs, shaped like the mapped seed (profile, roles, papers, coauthors)."""
    from ldcv.dataset import Dataset
    from ldcv.vocab import BIBO, FOAF, RDF, SDO, XSD

    rng = random.Random(seed)
    graph = Graph()
    organizations = []
    for index in range(max(5, n_cvs // 20)):
        org = URIRef(f"{base}/id/organization/org-{index}")
        graph.add((org, RDF.type, SDO.Organization))
        graph.add((org, SDO.name, Literal(f"Institute {index}")))
        organizations.append(org)
    coauthors = []
    for index in range(n_cvs * 3):
        person = URIRef(f"{base}/id/person/coauthor-{index}")
        graph.add((person, RDF.type, SDO.Person))
        graph.add((person, RDF.type, FOAF.Person))
        graph.add((person, SDO.name, Literal(f"Coauthor {index}")))
        coauthors.append(person)
    for cv in range(n_cvs):
        owner = URIRef(f"{base}/id/person/owner-{cv}")
        page = URIRef(f"{base}/doc/person/owner-{cv}")
        graph.add((page, RDF.type, SDO.ProfilePage))
        graph.add((page, RDF.type, FOAF.PersonalProfileDocument))
        graph.add((page, SDO.mainEntity, owner))
        graph.add((page, FOAF.primaryTopic, owner))
        graph.add((owner, RDF.type, SDO.Person))
        graph.add((owner, RDF.type, FOAF.Person))
        graph.add((owner, SDO.name, Literal(f"Owner {cv}")))
        for number in range(2):
            role = URIRef(f"{base}/id/role/owner-{cv}-{number}")
            graph.add((owner, SDO.worksFor, role))
            graph.add((role, RDF.type, SDO.EmployeeRole))
            graph.add((role, SDO.roleName, Literal(f"Researcher {number}")))
            graph.add((role, SDO.worksFor, rng.choice(organizations)))
            graph.add((role, SDO.startDate, Literal(str(2010 + number), datatype=XSD.gYear)))
        for number in range(10):
            work = URIRef(f"{base}/id/publication/owner-{cv}-{number}")
            authors = [owner, *rng.sample(coauthors, 3)]
            graph.add((work, RDF.type, SDO.ScholarlyArticle))
            graph.add((work, SDO.name, Literal(f"Paper {number} of owner {cv}")))
            graph.add((work, SDO.datePublished, Literal(str(rng.randint(2008, 2024)),
                                                        datatype=XSD.gYear)))
            for author in authors:
                graph.add((work, SDO.author, author))
            graph.add((work, BIBO.authorList, Collection(graph, BNode(), authors).uri))
            graph.add((owner, FOAF.made, work))
    return Dataset(cvs=(), graph=graph, base_uri=base, modified=datetime(2024, 1, 1, tzinfo=UTC))


def synthetic_app():
    """App factory for gunicorn: ``LDCV_BENCH_CVS`` generated CVs under ``LDCV_BASE_URI``."""
    from ldcv.server import create_app

    n_cvs = int(os.environ.get("LDCV_BENCH_CVS", "1"))
    dataset = synthetic_dataset(n_cvs, os.environ["LDCV_BASE_URI"])
    # Lazily: 1000 CVs are ~15k documents; only the benchmarked one needs its bytes.
    return create_app({"LDCV_DATASET": dataset, "LDCV_PRERENDER": False})


# --- servers ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited ({process.returncode}) before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url} after {timeout} s")


def _fetch(url: str, accept: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


@dataclass
class Server:
    process: subprocess.Popen
    base: str

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_gunicorn(app: str, env: dict[str, str], workdir: Path, workers: list[str]) -> Server:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(GUNICORN), *workers, "--preload", "--bind", f"127.0.0.1:{port}", app],
        env={**os.environ, **env, "LDCV_BASE_URI": base},
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for(base + "/", process)
    return Server(process, base)


NGINX_CONF = """
worker_processes 2;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/root;
        location / {{ default_type "text/turtle; charset=utf-8"; }}
    }}
}}
"""


def start_nginx(body: bytes, tmp: Path) -> tuple[Server, str]:
    port = _free_port()
    (tmp / "root").mkdir(parents=True)
    (tmp / "root" / "document.ttl").write_bytes(body)
    for directory in (tmp.parent, tmp, tmp / "root"):  # nginx's workers run as nobody
        os.chmod(directory, 0o755)
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port), encoding="utf-8")
    process = subprocess.Popen(
        [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    _wait_for(base + "/document.ttl", process)
    return Server(process, base), base + "/document.ttl"


# --- wrk --------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Result:
    label: str
    requests_per_second: float
    p99_ms: float
    non_2xx: int


def wrk(label: str, url: str, duration: int, connections: int, accept: str | None) -> Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    if accept:
        command += ["-H", f"Accept: {accept}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return Result(label, rps, float(value) * _UNITS[unit], int(errors.group(1)) if errors else 0)


# --- the run ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--cvs", type=int, default=1000, help="generated CVs for the scale run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    workers = ["--workers", str(args.workers), "--worker-class", "gthread",
               "--threads", str(args.threads)]
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk (apt-get install wrk)")

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="ldcv-bench-") as scratch:
        tmp = Path(scratch)
        print(f"gunicorn {' '.join(workers)} --preload; wrk -t2 -c{args.connections} "
              f"-d{args.duration}s; Accept: text/turtle", flush=True)

        seed = start_gunicorn("ldcv.server:create_app()", {"LDCV_DATA": str(ROOT / "data")}, tmp,
                              workers)
        try:
            home = urllib.request.urlopen(
                urllib.request.Request(seed.base + "/", headers={"Accept": "text/turtle"}))
            path = home.headers["Content-Location"].removeprefix(seed.base).removesuffix(".ttl")
            body = _fetch(seed.base + path, "text/turtle")
            nginx, static_url = start_nginx(body, tmp / "nginx")
            try:
                print(f"document {path}: {len(body)} bytes of Turtle", flush=True)
                results.append(wrk("nginx, static file", static_url, args.duration,
                                   args.connections, None))
                results.append(wrk("gunicorn, negotiated GET (seed)", seed.base + path,
                                   args.duration, args.connections, "text/turtle"))
            finally:
                nginx.stop()
        finally:
            seed.stop()
        # The ceiling of this gunicorn setup: a bare WSGI app returning the same bytes.
        (tmp / "document.ttl").write_bytes(body)
        (tmp / "bare_app.py").write_text(BARE_APP.format(path=str(tmp / "document.ttl")))
        bare = start_gunicorn("bare_app:app", {"PYTHONPATH": str(tmp)}, tmp, workers)
        try:
            results.append(wrk("gunicorn, bare WSGI app (ceiling)", bare.base + "/",
                               args.duration, args.connections, None))
        finally:
            bare.stop()

        for n_cvs in (1, args.cvs):
            started = time.perf_counter()
            server = start_gunicorn("serve:synthetic_app()", {
                "LDCV_BENCH_CVS": str(n_cvs), "PYTHONPATH": str(BENCH)}, BENCH, workers)
            try:
                url = server.base + "/doc/person/owner-0"
                _fetch(url, "text/turtle")  # render once; every later request is a lookup
                print(f"{n_cvs} generated CV(s): ready in {time.perf_counter() - started:.1f} s",
                      flush=True)
                results.append(wrk(f"gunicorn, negotiated GET ({n_cvs} CVs)", url,
                                   args.duration, args.connections, "text/turtle"))
            finally:
                server.stop()

    nginx_rps = results[0].requests_per_second
    print()
    print(f"{'':36} {'req/s':>10} {'x nginx':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for result in results:
        print(f"{result.label:36} {result.requests_per_second:10.0f} "
              f"{result.requests_per_second / nginx_rps:8.2f} {result.p99_ms:8.2f} "
              f"{result.non_2xx:8d}")
    small, large = results[3].requests_per_second, results[4].requests_per_second
    print(f"\n{args.cvs} CVs vs 1 CV: {large / small:.2f}x the throughput "
          "(1.0 = request cost independent of data size)")
    print("goal: negotiated GET >= 0.25x nginx, p99 < 20 ms")


if __name__ == "__main__":
    main()
