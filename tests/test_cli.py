"""The ``ldcv`` command: exit codes, data on stdout, diagnostics on stderr."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from ldcv import __version__
from ldcv.cli import RESPAWN_INTERVAL, SUCCESSOR_READY, main, respawn_interval
from ldcv.errors import EXIT_INPUT, EXIT_NOT_CONFORMANT, EXIT_OK, EXIT_USAGE
from ldcv.rdf.formats import RDF_FORMATS

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "sebastian-lapuschkin.yaml"
BASE = "http://cv.example.org"


def _seed_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert old in text, f"the seed no longer contains {old!r}"
    path = tmp_path / "cv.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_version_prints_the_package_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"ldcv {__version__}"


def test_validate_the_seed_conforms_with_exit_0_and_says_so_on_stderr(capsys):
    assert main(["validate", str(SEED)]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "conforms" in captured.err and "Sebastian Lapuschkin" in captured.err


def test_validate_defaults_to_the_data_directory(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["validate"]) == EXIT_OK
    assert "Sebastian Lapuschkin" in capsys.readouterr().err


def test_validate_reports_an_input_error_with_file_line_and_field_and_exit_3(tmp_path, capsys):
    path = _seed_variant(tmp_path, "birth_date: 1986-12-16", "birth_date: 1986-13-16")
    assert main(["validate", str(path)]) == EXIT_INPUT
    err = capsys.readouterr().err
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "1986-13-16" in text
    )
    assert f"{path}:{line}: person.birth_date:" in err
    assert "Traceback" not in err


def test_validate_reports_shacl_violations_with_exit_1(tmp_path, capsys):
    # The loader takes any page text; the shapes want a hyphen, not the en dash of print.
    path = _seed_variant(tmp_path, "pages: 261-295", "pages: 261–295")
    assert main(["validate", str(path)]) == EXIT_NOT_CONFORMANT
    err = capsys.readouterr().err
    assert "schema:pagination" in err
    assert str(path) in err  # the report points back to the YAML


@pytest.mark.slow
def test_build_of_a_cv_violating_the_shapes_writes_nothing(tmp_path, capsys, monkeypatch):
    import ldcv.rdf.validation

    # Forked validation: the build indexes the graph meanwhile, and must still stop.
    monkeypatch.setattr(ldcv.rdf.validation, "PARALLEL_FROM", 1)
    path = _seed_variant(tmp_path, "pages: 261-295", "pages: 261–295")
    outdir = tmp_path / "site"
    code = main(["build", str(outdir), str(path), "--base-uri", "http://cv.example.org"])
    assert code == EXIT_NOT_CONFORMANT
    err = capsys.readouterr().err
    assert f"{path}:" in err and "schema:pagination" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_unknown_command_is_a_usage_error_with_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == EXIT_USAGE
    assert "invalid choice" in capsys.readouterr().err


def test_missing_path_is_reported_not_raised(tmp_path, capsys):
    code = main(["validate", str(tmp_path / "nowhere.yaml")])
    assert code in (EXIT_INPUT, EXIT_USAGE)
    assert "nowhere.yaml" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.key)
def test_export_writes_each_format_to_stdout_parseable_with_the_base_uri(
    fmt, capsysbinary, no_network
):
    assert main(["export", str(SEED), "--format", fmt.key, "--base-uri", BASE]) == EXIT_OK
    out = capsysbinary.readouterr().out
    graph = Graph().parse(data=out, format=fmt.rdflib_name)
    subjects = {str(s) for s in graph.subjects()}
    assert f"{BASE}/id/person/sebastian-lapuschkin" in subjects
    assert all(not s.startswith("http://127.0.0.1") for s in subjects)


@pytest.mark.slow
def test_export_to_a_file_matches_stdout(tmp_path, capsysbinary):
    target = tmp_path / "cv.nt"
    assert main(["export", str(SEED), "-f", "nt", "-o", str(target), "--base-uri", BASE]) == 0
    assert capsysbinary.readouterr().out == b""
    assert main(["export", str(SEED), "-f", "nt", "--base-uri", BASE]) == 0
    stdout_graph = Graph().parse(data=capsysbinary.readouterr().out, format="nt")
    assert isomorphic(Graph().parse(target, format="nt"), stdout_graph)


def test_the_default_base_uri_comes_from_the_environment(monkeypatch, capsysbinary):
    monkeypatch.setenv("LDCV_BASE_URI", BASE)
    assert main(["export", str(SEED), "-f", "nt"]) == EXIT_OK
    graph = Graph().parse(data=capsysbinary.readouterr().out, format="nt")
    assert f"{BASE}/id/person/sebastian-lapuschkin" in {str(s) for s in graph.subjects()}


def test_serve_with_a_bad_setting_stops_before_serving_naming_the_variable(monkeypatch, capsys):
    # serve hands its settings to the server's workers in os.environ: restore them afterwards.
    for name in ("LDCV_DATA", "LDCV_BASE_URI", "LDCV_HOST", "LDCV_PORT", "LDCV_RELOAD"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("LDCV_SPARQL_WORKERS", "two")
    assert main(["serve", str(SEED), "--port", "1"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "LDCV_SPARQL_WORKERS='two': expected a whole number" in err, err
    assert os.environ["LDCV_DATA"] == str(SEED) and os.environ["LDCV_PORT"] == "1"


@pytest.mark.slow
@pytest.mark.parametrize("fmt_key", ["bibtex", "ris", "csl-json", "citation"])
def test_export_prints_the_owners_whole_bibliography(fmt_key, capsysbinary, no_network):
    assert main(["export", str(SEED), "--format", fmt_key, "--base-uri", BASE]) == EXIT_OK
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert "Unmasking Clever Hans Predictors" in out
    count = {"bibtex": "\n@", "ris": "TY  - ", "csl-json": '"id": ', "citation": "\n"}[fmt_key]
    assert (f"\n{out}" if fmt_key == "bibtex" else out).count(count) == 39 + 3 + 5


def test_export_rejects_an_unknown_format(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["export", str(SEED), "--format", "yaml"])
    assert exit_.value.code == EXIT_USAGE


@pytest.mark.slow
def test_the_console_script_runs_as_a_real_process():
    done = subprocess.run(
        [sys.executable, "-m", "ldcv", "validate", str(SEED)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stdout == ""


@pytest.mark.slow
def test_the_console_script_flushes_all_its_output_and_keeps_its_exit_code(tmp_path):
    exported = subprocess.run(
        [sys.executable, "-m", "ldcv", "export", str(SEED), "--format", "nt"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert exported.returncode == EXIT_OK
    graph = Graph().parse(data=exported.stdout.decode("utf-8"), format="nt")
    assert len(graph) > 2000 and exported.stdout.endswith(b" .\n")
    missing = subprocess.run(
        [sys.executable, "-m", "ldcv", "validate", str(tmp_path / "absent.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert missing.returncode != EXIT_OK and "absent.yaml" in missing.stderr


def test_query_prints_a_table_of_the_local_graph(capsys):
    query = (
        "SELECT ?name WHERE { ?p <http://schema.org/familyName> 'Samek' ;"
        " <http://schema.org/name> ?name }"
    )
    assert main(["query", query, str(SEED)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "?name" in out.splitlines()[0]
    assert "Wojciech Samek" in out


def test_query_reads_a_file_and_writes_csv(tmp_path, capsys):
    query_file = tmp_path / "count.rq"
    query_file.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://schema.org/Chapter> }")
    assert main(["query", f"@{query_file}", str(SEED), "--format", "csv"]) == EXIT_OK
    header, value = capsys.readouterr().out.split()
    assert header == "n"
    assert int(value) == 3  # the seed's three book chapters


def test_query_syntax_error_is_reported_without_traceback(capsys):
    assert main(["query", "SELECT * WHERE {", str(SEED)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err


@pytest.mark.slow
def test_serve_without_granian_uses_a_threaded_server_without_the_development_warning(
    start_server,
):
    def command(port: int) -> list[str]:
        # sys.modules["granian"] = None makes "import granian" fail, as where it is not installed.
        # SIGINT ignored, as a shell script hands it to a background job: Ctrl-C stops it all
        # the same (where Python had raised nothing, and the server ran on).
        script = (
            "import signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
            "sys.modules['granian'] = None; from ldcv.cli import run; "
            f"sys.argv = ['ldcv', 'serve', {str(SEED)!r}, '--port', '{port}']; run()"
        )
        return [sys.executable, "-c", script]

    with start_server.process(command) as live:
        response = requests.get(
            live.url("/id/person/sebastian-lapuschkin"),
            headers={"Accept": "text/turtle"},
            timeout=60,
        )
        assert response.status_code == 200 and "Sebastian Lapuschkin" in response.text
        os.killpg(live.process.pid, signal.SIGINT)
        live.process.wait(timeout=30)
    text = live.stderr()
    assert "with a threaded server" in text and "pip install 'ldcv[serve]'" in text, text
    assert "development server" not in text.lower(), text
    assert live.process.returncode == 0, text


@pytest.mark.slow
def test_serve_reload_with_granian_serves_a_changed_cv_from_every_worker(tmp_path, start_server):
    data = tmp_path / "data"
    data.mkdir()
    cv = data / "cv.yaml"
    cv.write_text(SEED.read_text(encoding="utf-8"))
    serve = [sys.executable, "-m", "ldcv", "serve", str(data), "--reload", "--workers", "2"]
    with start_server.process(lambda port: [*serve, "--port", str(port)]) as live:
        url = live.url("/doc/person/sebastian-lapuschkin")
        first = requests.get(url, headers={"Accept": "text/turtle"}, timeout=60)
        assert "Reloaded." not in first.text
        text = cv.read_text(encoding="utf-8")
        cv.write_text(text.replace("  bio: >-\n", "  bio: >-\n    Reloaded.\n", 1))
        deadline = time.monotonic() + 90  # each worker prepares the whole CV again
        answers: list[bool] = []
        while time.monotonic() < deadline and answers[-6:] != [True] * 6:
            answers.append("Reloaded." in requests.get(url, timeout=5).text)
            time.sleep(0.2)
        assert answers[-6:] == [True] * 6, answers  # both workers, several times over
    assert "with granian, 2 worker(s)" in live.stderr()


@pytest.mark.slow
def test_serve_replaces_a_worker_past_its_memory_bound_and_no_request_fails(
    start_server, child_processes
):
    serve = [sys.executable, "-m", "ldcv", "serve", str(SEED.parent), "--workers", "1"]
    bounded = {**os.environ, "LDCV_WORKER_MAX_MB": "1", "LDCV_WORKER_CHECK_INTERVAL": "1"}
    with start_server.process(
        lambda port: [*serve, "--port", str(port)], env=lambda port: bounded, timeout=120
    ) as live:
        workers = set(child_processes(live.process.pid))
        statuses: list[int] = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(workers) < 2:
            statuses.append(live.get("/doc/person/sebastian-lapuschkin").status_code)
            workers |= child_processes(live.process.pid)
            time.sleep(0.1)
        assert len(workers) >= 2, workers  # any worker is past 1 MiB: replaced
        statuses += [live.get("/doc/person/sebastian-lapuschkin").status_code for _ in range(20)]
        assert set(statuses) == {200}, statuses
        # The first worker was replaced while it prepared the data (a look a second after
        # it started): had it lost that SIGTERM, granian's main process would wait for it
        # for ever, deaf to a stop.
        live.process.send_signal(signal.SIGTERM)
        live.process.wait(timeout=30)
    assert live.process.returncode == 0, live.stderr()


def test_a_replaced_worker_serves_on_beside_its_successor_only_while_no_other_answers():
    assert respawn_interval(1, 0.2) == RESPAWN_INTERVAL  # alone: until the successor is ready
    assert respawn_interval(2, 0.2) == SUCCESSOR_READY  # the other answers: no longer
    assert respawn_interval(4, 0.2) == SUCCESSOR_READY
    # Data a worker takes long to prepare: twice as long as the main process took.
    assert respawn_interval(1, 3.0) == respawn_interval(2, 3.0) == 6.0


@pytest.mark.slow
def test_serve_on_a_store_replaces_both_workers_past_their_bound_and_no_request_fails(
    overlapping_store_copy, start_server, child_processes
):
    serve = [sys.executable, "-m", "ldcv", "serve", "--store", str(overlapping_store_copy.path)]
    serve += ["--workers", "2"]
    # Both past the bound at every look: granian replaces them one after the other.
    bounded = {**os.environ, "LDCV_WORKER_MAX_MB": "1", "LDCV_WORKER_CHECK_INTERVAL": "1"}
    with start_server.process(
        lambda port: [*serve, "--port", str(port)], env=lambda port: bounded, timeout=120
    ) as live:
        (service,) = (
            pid for pid in child_processes(live.process.pid) if _runs(pid, "service_main")
        )
        first = workers = child_processes(live.process.pid) - {service}
        seen = set(first)
        statuses: list[int] = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not (first.isdisjoint(workers) and len(seen) >= 5):
            statuses.append(live.get("/").status_code)
            workers = child_processes(live.process.pid) - {service}
            seen |= workers
            time.sleep(0.05)
        assert first.isdisjoint(workers) and len(seen) >= 5, seen  # both replaced, again
        assert set(statuses) == {200}, statuses
        live.process.send_signal(signal.SIGTERM)
        live.process.wait(timeout=30)
    assert live.process.returncode == 0, live.stderr()


@pytest.mark.slow
def test_serve_on_a_store_gives_every_worker_one_query_service(
    overlapping_store_copy,
    start_server,
    child_processes,
):
    serve = [sys.executable, "-m", "ldcv", "serve", "--store", str(overlapping_store_copy.path)]
    serve += ["--workers", "2"]
    with start_server.process(lambda port: [*serve, "--port", str(port)]) as live:

        def ask() -> int:
            query = {"query": "ASK { ?s ?p ?o }"}
            return requests.get(live.url("/sparql"), params=query, timeout=60).status_code

        with ThreadPoolExecutor(4) as clients:  # at once: both granian workers are asked
            assert set(clients.map(lambda _: ask(), range(12))) == {200}
        (service,) = (
            pid for pid in child_processes(live.process.pid) if _runs(pid, "service_main")
        )
        workers = [pid for pid in child_processes(live.process.pid) if pid != service]
        assert len(workers) == 2 and not _query_workers_under(workers, child_processes)
        query_workers = child_processes(service)
        assert len(query_workers) == 1, query_workers  # LDCV_SPARQL_WORKERS, for the server
        assert all(_runs(pid, "worker_main") for pid in query_workers)
        # A service gone (killed): each worker answers with query workers of its own.
        os.kill(service, signal.SIGKILL)
        assert {ask() for _ in range(6)} == {200}
        assert _query_workers_under(workers, child_processes)
        live.process.send_signal(signal.SIGTERM)
        live.process.wait(timeout=30)
    assert "is out of reach" in live.stderr()


@pytest.mark.slow
def test_query_service_serves_a_store_until_stopped_and_replaces_a_killed_ones_socket(
    overlapping_store, tmp_path
):
    from ldcv.sparql import QueryRequest, ServiceQueries

    socket = tmp_path / "queries.sock"
    command = [sys.executable, "-m", "ldcv", "query-service", "--socket", str(socket)]
    command += ["--store", str(overlapping_store.path)]

    def start() -> subprocess.Popen:
        service = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert service.stdout.readline() == b"ready\n", service.stderr.read()
        return service

    def ask() -> bytes:
        with overlapping_store.open_snapshot() as snapshot:
            asking = ServiceQueries(str(socket), snapshot.path, fallback=None)
            return asking.run(QueryRequest("ASK { ?s ?p ?o }"), timeout=60).body

    started = [start()]
    try:
        assert ask().endswith(b"true}")
        second = subprocess.run(command, capture_output=True, timeout=60)
        assert second.returncode != 0
        assert b"another query service answers on" in second.stderr
        started[0].kill()  # leaves its socket behind
        started[0].wait()
        assert socket.exists()
        started.append(start())
        assert ask().endswith(b"true}")
        started[1].terminate()
        assert started[1].wait(30) == 0 and not socket.exists()
    finally:
        for process in started:
            process.kill()
            process.wait()
            process.stdout.close()
            process.stderr.close()


def _query_workers_under(
    processes: list[int], children: Callable[[int], frozenset[int]]
) -> list[int]:
    """The query workers these processes started (not their other children)."""
    return [c for pid in processes for c in children(pid) if _runs(c, "worker_main")]


def _runs(pid: int, function: str) -> bool:
    """Whether process ``pid`` was started to run ``function`` (its command line names it)."""
    with suppress(FileNotFoundError):
        return function in Path(f"/proc/{pid}/cmdline").read_text()
    return False


@pytest.mark.slow
def test_serve_a_published_store_naming_no_data_serves_it_as_it_is(tmp_path, start_server):
    # A ./data folder beside it must not be indexed into the store: under this run's base
    # it would replace every graph.
    store, other = tmp_path / "store", tmp_path / "other"
    other.mkdir()
    (other / "cv.yaml").write_text(SEED.read_text(encoding="utf-8"))
    index = ["index", str(other), "--store", str(store), "--base-uri", "https://cv.example"]
    assert main(index) == EXIT_OK
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "someone.yaml").write_text("person: {given_name: No, family_name: One}\n")
    generation = (store / "current").read_text()

    serve = [sys.executable, "-m", "ldcv", "serve", "--store", str(store), "--workers", "1"]
    with start_server.process(lambda port: [*serve, "--port", str(port)], cwd=tmp_path) as live:
        status = requests.get(live.url("/status"), timeout=60)
    assert status.json() == {"cvs": 1, "store_generation": 1, "not_indexed": {}}
    assert (store / "current").read_text() == generation


def test_generate_writes_n_cvs_named_by_their_owners_and_says_where(tmp_path, capsys):
    outdir = tmp_path / "institute"
    code = main(["generate", "5", str(outdir), "--seed", "3", "--mean-publications", "8"])
    assert code == EXIT_OK
    files = sorted(outdir.glob("*.yaml"))
    assert len(files) == 5
    for path in files:
        assert f"\n  key: {path.stem}\n" in path.read_text(encoding="utf-8")  # the owner's
    assert f"wrote 5 CVs to {outdir}" in capsys.readouterr().err
    assert main(["generate", "0", str(tmp_path / "none")]) == EXIT_USAGE


def test_validate_reports_a_wrong_identifier_as_an_input_error_with_exit_3(tmp_path, capsys):
    path = _seed_variant(tmp_path, 'arxiv: "2109.04236"', 'arxiv: "21.04236"')
    assert main(["validate", str(path)]) == EXIT_INPUT
    err = capsys.readouterr().err
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "21.04236" in text)
    assert f"{path}:{line}: publications[" in err and "].arxiv: '21.04236' is not an arXiv" in err
    assert "Traceback" not in err
