"""Benchmark the SPARQL endpoint: the example queries in-process on the seed, and HTTP
throughput of ``gunicorn 'ldcv.server…'`` against ``oxigraph serve`` on generated CVs.

    .venv/bin/python bench/sparql.py [--cvs 100] [--duration 10] [--connections 8]

Needs ``wrk`` (Debian package) and the ``oxigraph`` PyPI package (its CLI). The generator
``generate_graph`` is also used by the tests to compare the two engines on many CVs.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

ROOT = Path(__file__).resolve().parents[1]
SDO = Namespace("http://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
WORDS = (
    "relevance", "propagation", "explaining", "deep", "neural", "networks", "layer-wise",
    "heatmaps", "concept", "attribution", "pruning", "quantization", "transformers", "clever",
    "hans", "vision", "language", "audio", "medical", "imaging", "explainable", "interpretable",
    "robust", "efficient", "models", "debugging", "pixel-wise",
)  # fmt: skip
FAMILY = (
    "Samek", "Müller", "Binder", "Montavon", "Anders", "Weber", "Becker", "Schmidt", "Fischer",
    "Wagner", "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz",
    "Zimmermann", "Braun", "Krüger", "Hartmann",
)  # fmt: skip


def generate_graph(n_cvs: int, base: str = "http://example.org", seed: int = 1) -> Graph:
    """Make ``n_cvs`` synthetic CVs' worth of publications, shaped like the mapped seed."""
    rng = random.Random(seed)
    graph = Graph()
    people = []
    for index in range(n_cvs * 6):  # a shared pool of coauthors
        family = FAMILY[index % len(FAMILY)] + ("" if index < len(FAMILY) else str(index))
        person = URIRef(f"{base}/id/person/p{index}")
        graph.add((person, RDF.type, SDO.Person))
        graph.add((person, RDF.type, FOAF.Person))
        graph.add((person, SDO.name, Literal(f"Given{index} {family}")))
        graph.add((person, SDO.familyName, Literal(family)))
        people.append(person)
    for cv in range(n_cvs):
        owner = people[cv * 6]
        page = URIRef(f"{base}/doc/person/p{cv * 6}")
        graph.add((page, RDF.type, SDO.ProfilePage))
        graph.add((page, SDO.mainEntity, owner))
        for number in range(rng.randint(25, 45)):
            work = URIRef(f"{base}/id/publication/cv{cv}-{number}")
            kind = SDO.ScholarlyArticle if rng.random() < 0.85 else SDO.Chapter
            authors = [owner, *rng.sample(people, rng.randint(1, 5))]
            authors = list(dict.fromkeys(authors))
            rng.shuffle(authors)
            title = " ".join(rng.sample(WORDS, rng.randint(4, 9))).capitalize()
            graph.add((work, RDF.type, kind))
            graph.add((work, SDO.name, Literal(title)))
            year = Literal(str(rng.randint(2008, 2024)), datatype=XSD.gYear)
            graph.add((work, SDO.datePublished, year))
            for author in authors:
                graph.add((work, SDO.author, author))
                graph.add((work, FOAF.maker, author))
            graph.add((work, BIBO.authorList, Collection(graph, BNode(), authors).uri))
    return graph


# --- in-process ---------------------------------------------------------------------------------


def bench_in_process(graph: Graph, repeat: int = 50) -> None:
    """Time each example query per engine (median of ``repeat`` runs, after a warm-up)."""
    from ldcv.sparql import QueryRequest, answer, example_queries, make_engine

    print(f"In-process, {len(graph)} triples, median of {repeat} runs (target < 10 ms):")
    engines = {name: make_engine(name, graph) for name in ("oxigraph", "rdflib")}
    for example in example_queries():
        cells = []
        for name, engine in engines.items():
            request = QueryRequest(example.text, base_iri="http://localhost/sparql")
            answer(engine, request, 10_000)
            times = []
            for _ in range(repeat if name == "oxigraph" else max(3, repeat // 10)):
                start = time.perf_counter()
                answer(engine, request, 10_000)
                times.append((time.perf_counter() - start) * 1000)
            cells.append(f"{name} {statistics.median(times):8.2f} ms")
        print(f"  {example.name:28}  " + "   ".join(cells))


# --- over HTTP ----------------------------------------------------------------------------------

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/sparql-query"
wrk.headers["Accept"] = "application/sparql-results+json, text/turtle;q=0.9"
wrk.body = io.open(os.getenv("QUERY_FILE")):read("*a")
"""


# Threads give keep-alive (wrk and real clients reuse connections); each thread needs a
# query worker of its own, so the pool has as many.
GUNICORN = ("--worker-class", "gthread", "--threads", "4")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    query = urllib.parse.urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}?{query}", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def _wrk(
    url: str, query_file: Path, script: Path, duration: int, connections: int, strict: bool = True
) -> float:
    env = {**os.environ, "QUERY_FILE": str(query_file)}
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", str(script), url],
        capture_output=True, text=True, env=env, check=True,
    ).stdout  # fmt: skip
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors and strict:
        raise RuntimeError(f"{url} {query_file.name}: {errors.group(1)} failed\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def bench_http(n_cvs: int, duration: int, connections: int, workers: int) -> None:
    """Throughput of our endpoint under gunicorn vs ``oxigraph serve``, query by query."""
    from ldcv.sparql import example_queries

    bin_dir = Path(sys.executable).parent
    oxigraph = shutil.which("oxigraph", path=str(bin_dir)) or shutil.which("oxigraph")
    if not shutil.which("wrk") or not oxigraph:
        raise SystemExit("needs wrk and the oxigraph CLI (pip install oxigraph)")
    graph = generate_graph(n_cvs)
    setup = f"gunicorn -w {workers} {' '.join(GUNICORN)}"
    print(f"\nOver HTTP, {n_cvs} generated CVs ({len(graph)} triples), wrk {duration}s "
          f"× {connections} connections, {setup} vs oxigraph serve-read-only:")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ldcv-bench-") as tmp:
        work = Path(tmp)
        data = work / "data.nt"
        graph.serialize(data, format="nt", encoding="utf-8")
        script = work / "post.lua"
        script.write_text(WRK_SCRIPT)
        store = work / "store"
        subprocess.run([oxigraph, "load", "--location", str(store), "--file", str(data)],
                       check=True, capture_output=True)  # fmt: skip
        ox_port, our_port = _free_port(), _free_port()
        app_file = work / "bench_app.py"
        app_file.write_text(_APP.format(data=str(data)))
        servers = [
            subprocess.Popen([oxigraph, "serve-read-only", "--location", str(store),
                              "--bind", f"127.0.0.1:{ox_port}"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
            subprocess.Popen([str(bin_dir / "gunicorn"), "-w", str(workers), *GUNICORN, "-b",
                              f"127.0.0.1:{our_port}", "--chdir", str(work), "bench_app:app"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        ]  # fmt: skip
        try:
            ours, theirs = (
                f"http://127.0.0.1:{our_port}/sparql",
                f"http://127.0.0.1:{ox_port}/query",
            )
            _wait_for(theirs)
            _wait_for(ours)
            ratios = []
            for example in example_queries():
                query_file = work / f"{example.name}.rq"
                query_file.write_text(example.text)
                for url in (ours, theirs):  # warm every gunicorn worker's pool
                    _wrk(url, query_file, script, 2, connections, strict=False)
                our_rate = _wrk(ours, query_file, script, duration, connections)
                their_rate = _wrk(theirs, query_file, script, duration, connections)
                ratios.append(our_rate / their_rate)
                print(f"  {example.name:28} ldcv {our_rate:9.1f} req/s   oxigraph "
                      f"{their_rate:9.1f} req/s   ratio {our_rate / their_rate:5.2f}")  # fmt: skip
            print(f"  geometric mean ratio {statistics.geometric_mean(ratios):.2f} (goal ≥ 0.5)")
        finally:
            for server in servers:
                server.terminate()
                server.wait(10)


_APP = """
from datetime import UTC, datetime
from flask import Flask
from rdflib import Graph
from ldcv.dataset import Dataset
from ldcv.server.sparql import sparql, start_endpoint

app = Flask(__name__)
app.extensions["ldcv"] = Dataset(
    cvs=(), graph=Graph().parse({data!r}, format="nt"), base_uri="http://example.org",
    modified=datetime.now(UTC),
)
app.config["LDCV_SPARQL_WORKERS"] = 4
app.register_blueprint(sparql)
"""


def main() -> None:
    """Run both benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cvs", type=int, default=100)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--seed", type=Path, help="a Turtle file to use instead of data/")
    options = parser.parse_args()
    if options.seed:
        seed = Graph().parse(options.seed, format="turtle")
    else:
        from ldcv.dataset import prepare

        seed = prepare([ROOT / "data"], "http://example.org").graph
    bench_in_process(seed)
    if not options.skip_http:
        bench_http(options.cvs, options.duration, options.connections, options.workers)


if __name__ == "__main__":
    main()
