"""Benchmark the negotiated document GET against nginx serving the same bytes.

    .venv/bin/python bench/serve.py [--duration 10] [--connections 32] [--rounds 3]
                                    [--cvs 1000] [--source memory|yaml]

Side by side in one run, each measured with ``wrk -t2 -c32 -d10s --latency``:

1. nginx (Debian's, ``worker_processes 2``, access log off, started here on a free port)
   serving the Turtle bytes of the seed owner's document as a static file;
2. the production setup, ``granian --interface wsgi --factory 'ldcv.server:create_app'``
   with 2 workers of 4 blocking threads, and the supported alternative, gunicorn with 2
   gthread workers of 4 threads, serving that document with ``Accept: text/turtle``
   (negotiation, ETag, CORS and the other headers);
3. each server's ceiling: a bare WSGI app returning the same bytes;
4. the production setup serving a dataset of one generated CV, then of ``--cvs`` generated
   CVs: the request cost must not depend on the size of the data. ``--source memory``
   builds their graph directly (seconds); ``--source yaml`` writes seed-shaped YAML CVs
   with ``bench/generate.py`` and sends them through the whole pipeline (slow for 1000).

All servers run at once. After a 2-second warm-up of each (both workers, lazily rendered
documents), the wrk runs go round-robin, ``--rounds`` times, each round starting with
nginx: on a machine shared with other work the load drifts, and a ratio taken against the
nginx run of the same round is fairer than one against a single run.
Goal: (2) at >= 0.25x nginx's requests per second, p99 under 20 ms; (4) flat.
Prints a table and the load average; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import BNode

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
SEED_DOCUMENT = "/doc/person/sebastian-lapuschkin"
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
    from ldcv.pipeline import Dataset
    from ldcv.rdf.vocabulary import BIBO, FOAF, RDF, SDO, XSD

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
            graph.add(
                (work, SDO.datePublished, Literal(str(rng.randint(2008, 2024)), datatype=XSD.gYear))
            )
            for author in authors:
                graph.add((work, SDO.author, author))
            graph.add((work, BIBO.authorList, Collection(graph, BNode(), authors).uri))
            graph.add((owner, FOAF.made, work))
    return Dataset(cvs=(), graph=graph, base_uri=base, modified=datetime(2024, 1, 1, tzinfo=UTC))


def synthetic_app():
    """App factory: ``LDCV_BENCH_CVS`` generated CVs under ``LDCV_BASE_URI``."""
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


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited ({process.returncode}) before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=30):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url} after {timeout} s")


def _fetch(url: str, accept: str | None) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


@dataclass
class Server:
    process: subprocess.Popen
    base: str

    def stop(self) -> None:
        """Stop gracefully, then kill whatever is left of the server's process group."""
        self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


Command = Callable[[int], list[str]]


def granian(app: str, workers: int, threads: int, *, factory: bool) -> Command:
    """The production command line: granian's WSGI interface, ``workers`` processes."""

    def command(port: int) -> list[str]:
        return [
            str(BIN / "granian"),
            "--interface",
            "wsgi",
            *(["--factory"] if factory else []),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            app,
        ]

    return command


def gunicorn(app: str, workers: int, threads: int) -> Command:
    """The supported alternative: gunicorn, gthread workers (sync when ``threads`` is 1)."""

    def command(port: int) -> list[str]:
        kind = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
        return [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            *kind,
            "--preload",
            "--bind",
            f"127.0.0.1:{port}",
            app,
        ]

    return command


def start(command: Command, env: dict[str, str], workdir: Path, probe: str) -> Server:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        command(port),
        env={**os.environ, **env, "LDCV_BASE_URI": base},
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(base + probe, process)
    except BaseException:
        Server(process, base).stop()
        raise
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
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    _wait_for(base + "/document.ttl", process)
    return Server(process, base), base + "/document.ttl"


# --- wrk --------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Result:
    requests_per_second: float
    p99_ms: float
    bad: int  # non-2xx answers and socket errors


def wrk(url: str, duration: int, connections: int, accept: str | None) -> Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    if accept:
        command += ["-H", f"Accept: {accept}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    count = int(bad.group(1)) if bad else 0
    count += sum(int(n) for n in errors.groups()) if errors else 0
    return Result(rps, float(value) * _UNITS[unit], count)


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Target:
    label: str
    url: str
    accept: str | None
    results: list[Result]


def _generated(n_cvs: int, source: str, tmp: Path) -> tuple[dict[str, str], str, str]:
    """Environment, app factory and first owner's document of ``n_cvs`` generated CVs."""
    if source == "memory":
        env = {"LDCV_BENCH_CVS": str(n_cvs), "PYTHONPATH": str(BENCH)}
        return env, "serve:synthetic_app", "/doc/person/owner-0"
    sys.path.insert(0, str(BENCH))
    from generate import write_cvs

    outdir = tmp / f"cvs-{n_cvs}"
    first = write_cvs(n_cvs, outdir)[0]  # named <owner-key>.yaml
    env = {"LDCV_DATA": str(outdir), "LDCV_PRERENDER": "0"}
    return env, "ldcv.server:create_app", f"/doc/person/{first.stem}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="round-robin passes over servers")
    parser.add_argument("--cvs", type=int, default=1000, help="generated CVs for the scale run")
    parser.add_argument(
        "--source",
        choices=("memory", "yaml"),
        default="memory",
        help="generated CVs built in memory, or as YAML through the pipeline",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument(
        "--blocking-threads", type=int, default=4, help="granian Python threads per worker"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk (apt-get install wrk)")

    production = granian(
        "ldcv.server:create_app", args.workers, args.blocking_threads, factory=True
    )
    alternative = gunicorn("ldcv.server:create_app()", args.workers, args.threads)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"wrk -t2 -c{args.connections} -d{args.duration}s --latency, {args.rounds} rounds; "
        f"granian --workers {args.workers} --blocking-threads {args.blocking_threads}; "
        f"gunicorn gthread {args.workers}x{args.threads}",
        flush=True,
    )

    servers: list[Server] = []
    targets: list[Target] = []
    seed_env = {"LDCV_DATA": str(ROOT / "data")}
    with tempfile.TemporaryDirectory(prefix="ldcv-bench-") as scratch:
        tmp = Path(scratch)
        try:
            seed = start(production, seed_env, tmp, SEED_DOCUMENT)
            servers.append(seed)
            body = _fetch(seed.base + SEED_DOCUMENT, "text/turtle")
            nginx, static_url = start_nginx(body, tmp / "nginx")
            servers.append(nginx)
            print(f"document {SEED_DOCUMENT}: {len(body)} bytes of Turtle", flush=True)
            targets.append(Target("nginx, static file", static_url, None, []))
            targets.append(
                Target("granian, negotiated GET", seed.base + SEED_DOCUMENT, "text/turtle", [])
            )

            gun = start(alternative, seed_env, tmp, SEED_DOCUMENT)
            servers.append(gun)
            targets.append(
                Target("gunicorn, negotiated GET", gun.base + SEED_DOCUMENT, "text/turtle", [])
            )

            # Each server's ceiling: a bare WSGI app returning the same bytes.
            (tmp / "document.ttl").write_bytes(body)
            (tmp / "bare_app.py").write_text(BARE_APP.format(path=str(tmp / "document.ttl")))
            bare_env = {"PYTHONPATH": str(tmp)}
            for label, command in (
                (
                    "granian, bare WSGI app",
                    granian("bare_app:app", args.workers, args.blocking_threads, factory=False),
                ),
                ("gunicorn, bare WSGI app", gunicorn("bare_app:app", args.workers, args.threads)),
            ):
                bare = start(command, bare_env, tmp, "/")
                servers.append(bare)
                targets.append(Target(label, bare.base + "/", None, []))

            for n_cvs in (1, args.cvs):
                started = time.perf_counter()
                env, app, owner = _generated(n_cvs, args.source, tmp)
                server = start(
                    granian(app, args.workers, args.blocking_threads, factory=True),
                    env,
                    BENCH,
                    owner,
                )
                servers.append(server)
                print(
                    f"{n_cvs} generated CV(s) ({args.source}): ready in "
                    f"{time.perf_counter() - started:.1f} s",
                    flush=True,
                )
                targets.append(
                    Target(
                        f"granian, {n_cvs} generated CVs", server.base + owner, "text/turtle", []
                    )
                )

            # Warm every worker (lazily rendered documents, the memo) before measuring.
            for target in targets:
                wrk(target.url, 2, args.connections, target.accept)
            for number in range(1, args.rounds + 1):
                for target in targets:
                    target.results.append(
                        wrk(target.url, args.duration, args.connections, target.accept)
                    )
                print(
                    f"round {number} done; load average "
                    f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
                    flush=True,
                )
        finally:
            for server in reversed(servers):
                server.stop()

    _report(targets, args.cvs)


def _report(targets: list[Target], n_cvs: int) -> None:
    nginx = targets[0].results
    print()
    print(
        f"{'':34} {'req/s':>8} {'x nginx':>8} {'(rounds)':>18} {'p99 ms':>7} "
        f"{'worst':>7} {'bad':>4}"
    )
    medians = {}
    for target in targets:
        ratios = [
            r.requests_per_second / n.requests_per_second
            for r, n in zip(target.results, nginx, strict=True)
        ]
        rps = statistics.median(r.requests_per_second for r in target.results)
        medians[target.label] = rps
        print(
            f"{target.label:34} {rps:8.0f} {statistics.median(ratios):8.3f} "
            f"{' '.join(f'{x:.2f}' for x in ratios):>18} "
            f"{statistics.median(r.p99_ms for r in target.results):7.2f} "
            f"{max(r.p99_ms for r in target.results):7.2f} "
            f"{sum(r.bad for r in target.results):4d}"
        )
    small, large = targets[-2].results, targets[-1].results
    flat = statistics.median(
        b.requests_per_second / a.requests_per_second for a, b in zip(small, large, strict=True)
    )
    print(
        f"\n{n_cvs} CVs vs 1 CV: {flat:.2f}x the throughput, median of the rounds "
        "(1.0 = request cost independent of data size)"
    )
    print(
        "goal: negotiated GET >= 0.25x nginx, p99 < 20 ms; req/s and p99 are medians "
        "over the rounds, x nginx the median of each round's ratio"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
