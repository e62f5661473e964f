"""The ``ldcv`` command: parse arguments, call library functions, map errors to exit codes.

Exit codes: 0 success (the CV conforms), 1 SHACL violations, 2 usage error,
3 input error (YAML unreadable, unknown key, bad date …). Data goes to stdout,
diagnostics to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ldcv import __version__
from ldcv.config import (
    as_environment,
    default_base_uri,
    environment_value,
    read_config,
    setting_named,
)
from ldcv.errors import EXIT_INPUT, EXIT_OK, EXIT_USAGE, InputError, LdcvError, NotConformant
from ldcv.rdf.formats import BIBLIOGRAPHIC_FORMATS, RDF_FORMATS, format_named

if TYPE_CHECKING:  # the SPARQL package loads only for the commands that use it
    from ldcv.sparql import QueryServiceProcess

DEFAULT_HOST: str = setting_named("LDCV_HOST").default
DEFAULT_PORT: int = setting_named("LDCV_PORT").default
DEFAULT_THREADS = 4  # per process: low p99 under load, and room for waiting SPARQL requests
QUERY_OUTPUTS = ("table", "json", "csv", "tsv", "turtle")
WARNINGS_SHOWN = 20  # an index of a thousand CVs may warn thousands of times
PUBLISH_TIMEOUT = 120.0  # seconds one update may take: a large CV on a busy engine
RESPAWN_INTERVAL = 3.5  # granian's: seconds a replaced worker serves on beside its successor
# A successor on a store answers within half a second (0.4 s at 10,000 CVs, measured): with
# other workers answering meanwhile, the replaced one need not serve on longer than twice that.
SUCCESSOR_READY = 1.0


def _default_base(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    return environment_value("LDCV_BASE_URI") or default_base_uri(host, port)


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="YAML files or directories (default: data/)"
    )


def _add_base(parser: argparse.ArgumentParser, default_help: str) -> None:
    parser.add_argument("--base-uri", metavar="URL", help=f"base of every IRI ({default_help})")


def _add_store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="DIR",
        help="the store's directory (default: .ldcv/store beside the data folder)",
    )


def _store_directory(args: argparse.Namespace) -> Path:
    if args.store:
        return Path(args.store)
    first = Path(_paths(args)[0])
    folder = first if first.is_dir() else first.parent
    return folder.resolve().parent / ".ldcv" / "store"


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ldcv", description="Publish a researcher's CV, kept as YAML, as linked data."
    )
    parser.add_argument("--version", action="version", version=f"ldcv {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check the YAML and the SHACL shapes")
    _add_paths(validate)
    _add_base(validate, "default: $LDCV_BASE_URI or http://127.0.0.1:8000")

    export = commands.add_parser(
        "export", help="write the graph in one RDF format, or the owners' bibliography"
    )
    _add_paths(export)
    export.add_argument(
        "--format",
        "-f",
        default="turtle",
        choices=[f.key for f in (*RDF_FORMATS, *BIBLIOGRAPHIC_FORMATS)],
        help="serialization (default: turtle); bibtex, ris, csl-json and citation (APA): "
        "every work of the CVs' owners",
    )
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    _add_base(export, "default: $LDCV_BASE_URI or http://127.0.0.1:8000")

    serve = commands.add_parser(
        "serve", help="serve the CV over HTTP (with granian where it is installed)"
    )
    _add_paths(serve)
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    _add_base(serve, "default: http://HOST:PORT")
    serve.add_argument(
        "--reload", action="store_true", help="reload the data when a YAML file changes"
    )
    serve.add_argument(
        "--store",
        nargs="?",
        const="",
        metavar="DIR",
        help="index the data into this store (made if missing; default: .ldcv/store beside "
        "the data folder) and serve from it: documents rendered on demand, a restart opens "
        "the store instead of preparing the data again",
    )
    serve.add_argument(
        "--sparql-endpoint",
        metavar="URL",
        help="serve the store `ldcv publish` wrote to this SPARQL 1.1 query endpoint "
        "(give no PATH): any number of servers share it",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        metavar="N",
        help="server processes (granian only; default: one per CPU, at most 4)",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        metavar="N",
        help=f"request threads per process (default: {DEFAULT_THREADS})",
    )

    index = commands.add_parser(
        "index", help="bring the store up to date with the YAML: only what changed is indexed"
    )
    _add_paths(index)
    _add_store(index)
    _add_base(index, "default: $LDCV_BASE_URI or http://127.0.0.1:8000")
    index.add_argument(
        "--jobs", type=int, metavar="N", help="worker processes (default: one per CPU)"
    )

    publish = commands.add_parser(
        "publish",
        help="bring a store on a SPARQL 1.1 engine up to date with the YAML: only what changed",
    )
    _add_paths(publish)
    publish.add_argument("--sparql-endpoint", required=True, metavar="URL",
                         help="the engine's SPARQL 1.1 query endpoint")  # fmt: skip
    publish.add_argument("--sparql-update", required=True, metavar="URL",
                         help="the engine's SPARQL 1.1 update endpoint")  # fmt: skip
    _add_base(publish, "default: $LDCV_BASE_URI or http://127.0.0.1:8000")
    publish.add_argument(
        "--jobs", type=int, metavar="N", help="worker processes (default: one per CPU)"
    )

    service = commands.add_parser(
        "query-service",
        help="answer a store's SPARQL queries for every server process, with one set of "
        "query workers (ldcv serve starts one itself)",
    )
    service.add_argument("--store", required=True, metavar="DIR", help="the store's directory")
    service.add_argument(
        "--socket",
        required=True,
        metavar="PATH",
        help="the Unix socket to listen on, in a folder only the servers' user may enter; "
        "give it to the servers as LDCV_SPARQL_SERVICE",
    )
    service.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="query worker processes at most (default: LDCV_SPARQL_WORKERS)",
    )

    query = commands.add_parser("query", help="run a SPARQL query on the local graph")
    query.add_argument("sparql", metavar="SPARQL", help="the query text, or @FILE to read it")
    _add_paths(query)
    query.add_argument("--format", "-f", default="table", choices=QUERY_OUTPUTS)
    _add_base(query, "default: $LDCV_BASE_URI or http://127.0.0.1:8000")

    build = commands.add_parser("build", help="write a static site with web-server config")
    build.add_argument("outdir", metavar="OUTDIR")
    _add_paths(build)
    _add_base(build, "required in practice: where the site will be served")
    build.add_argument(
        "--sparql-endpoint",
        metavar="URL",
        help="a SPARQL endpoint serving the same data, for the pages to link and VoID to name "
        "(default: none; a static site answers no queries)",
    )
    build.add_argument(
        "--store",
        metavar="DIR",
        help="build from this store as `ldcv index` left it, instead of from YAML files "
        "(give no PATH): documents rendered from the store, its dumps shared with its servers",
    )

    embed = commands.add_parser("embed", help="print a JSON-LD <script> block to paste")
    _add_paths(embed)
    embed.add_argument("--resource", metavar="IRI", help="the resource (default: the CV owner)")
    _add_base(embed, "default: $LDCV_BASE_URI or http://127.0.0.1:8000")

    _add_import(commands)

    generate = commands.add_parser(
        "generate", help="write N generated, overlapping CVs of an institute (tests, benchmarks)"
    )
    generate.add_argument("count", type=int, metavar="N")
    generate.add_argument("outdir", metavar="DIR")
    generate.add_argument("--seed", type=int, default=0, help="the same seed, the same bytes")
    generate.add_argument(
        "--mean-publications",
        type=float,
        default=39.0,
        metavar="M",
        help="mean publications per CV (default: 39, the seed CV's)",
    )
    return parser


def _add_import(commands: argparse._SubParsersAction) -> None:
    from ldcv.imports.readers import IMPORT_FORMATS

    parser = commands.add_parser(
        "import",
        help="add publications from BibTeX, RIS, CSL-JSON or ORCID to a CV; or a JSON Resume",
        description="; ".join(f"{f.key}: {f.label}" for f in IMPORT_FORMATS),
    )
    keys = [f.key for f in IMPORT_FORMATS]
    parser.add_argument("format", choices=keys, metavar="FORMAT", help=" | ".join(keys))
    parser.add_argument("file", metavar="FILE", help="the file to import")
    parser.add_argument(
        "--into", metavar="CV.yaml", help="the CV file to add to (default: print YAML to stdout)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
    _add_base(parser, "for the check of the result; default: $LDCV_BASE_URI")


def _paths(args: argparse.Namespace) -> list[str]:
    return list(args.paths) or ["data"]


def _prepare(args: argparse.Namespace, base_uri: str | None = None, meanwhile=None):
    from ldcv.pipeline import prepare

    base = base_uri or args.base_uri or _default_base()
    dataset = prepare(_paths(args), base, meanwhile=meanwhile)
    for warning in dataset.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return dataset


def _write(data: bytes | str, output: str | None) -> None:
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if output:
        Path(output).write_bytes(payload)
    else:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()


def _cmd_validate(args: argparse.Namespace) -> int:
    dataset = _prepare(args)
    names = [cv.owner.name for cv in dataset.cvs]
    what = ", ".join(names) if len(names) <= 3 else f"{len(names)} CVs"
    print(f"conforms: {what} ({len(dataset.graph)} triples)", file=sys.stderr)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from ldcv.rdf.formats import serialize

    fmt = format_named(args.format)
    assert fmt is not None  # argparse restricted the choices
    dataset = _prepare(args)
    if fmt.is_rdf:
        _write(serialize(dataset.graph, fmt), args.output)
    else:
        from ldcv.bibliography.exports import owners_bibliography

        _write(owners_bibliography(dataset.graph, dataset.owners, fmt.key), args.output)
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    base = args.base_uri or default_base_uri(args.host, args.port)
    if args.store == "":  # --store without a directory: the default one
        args.store = str(_store_directory(args))
    settings = {
        "LDCV_DATA": _paths(args),
        "LDCV_BASE_URI": base,
        "LDCV_HOST": args.host,
        "LDCV_PORT": args.port,
        "LDCV_RELOAD": args.reload,
        "LDCV_STORE": args.store,
        "LDCV_SPARQL_STORE": args.sparql_endpoint,
    }
    # The app reads its settings from the environment, in granian's workers too.
    os.environ.update(as_environment(settings))
    config = read_config()  # a bad LDCV_* variable stops here too, not in every worker
    try:
        from granian import Granian
    except ImportError:
        return _serve_threaded(args, base)
    # Imported here, its workers are forked with it: each heeds a stop from its first moment.
    import ldcv.server.granian_worker  # noqa: F401

    # Bad data must stop here with its report, not in every worker with a traceback.
    started = time.monotonic()
    if args.store:
        _index_for_serving(args, base)
    elif not args.sparql_endpoint:
        _prepare(args, base)
    interval = respawn_interval(args.workers, time.monotonic() - started)
    service = _start_query_service(args, config)
    server = Granian(
        "ldcv.server.granian_worker:create_app",  # a worker stops even while it loads
        address=args.host,
        port=args.port,
        interface="wsgi",
        factory=True,
        workers=args.workers,
        blocking_threads=args.threads,
        log_level="warning",
        # Freed memory the allocators keep grows with what a worker rendered: granian
        # replaces a worker past the bound, gracefully (tests/test_cli.py: no request fails).
        workers_max_rss=config["LDCV_WORKER_MAX_MB"] or None,
        rss_sample_interval=config["LDCV_WORKER_CHECK_INTERVAL"],
        respawn_interval=interval,
    )
    print(
        f"serving {base}/ with granian, {args.workers} worker(s) × {args.threads} threads "
        "(Ctrl-C to stop)",
        file=sys.stderr,
    )
    try:
        server.serve()
    finally:
        if service is not None:
            service.stop()
    return EXIT_OK


def _start_query_service(
    args: argparse.Namespace, config: dict[str, Any]
) -> QueryServiceProcess | None:
    """Start one query service for every worker of a store's server (one set of caches).

    Its address reaches granian's workers in the environment they inherit.
    """
    if not args.store or args.sparql_endpoint or config["LDCV_SPARQL_SERVICE"]:
        return None
    from ldcv.sparql import QueryServiceProcess, SparqlError

    try:
        service = QueryServiceProcess(
            Path(args.store),
            size=config["LDCV_SPARQL_WORKERS"],
            max_rows=config["LDCV_SPARQL_MAX_ROWS"],
            idle_exit=config["LDCV_SPARQL_IDLE_EXIT"],
        )
    except SparqlError as error:
        print(f"warning: {error}; each server process answers queries itself", file=sys.stderr)
        return None
    os.environ["LDCV_SPARQL_SERVICE"] = service.address
    return service


def _index_for_serving(args: argparse.Namespace, base: str) -> None:
    """Bring the store up to date before serving it; with no data given, serve it as it is."""
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.index import index_paths

    store = StoreDirectory(Path(args.store))
    # No data named: a published store is served as it is (indexing ./data into it under
    # this run's base would replace every graph); an empty one takes ./data, if any.
    if not args.paths and (store.generation() is not None or not Path("data").is_dir()):
        return
    report = index_paths(_paths(args), store, base)
    for name, problems in report.failed.items():
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"serving the last good version of {name}, if any", file=sys.stderr)
    print(report.summary().splitlines()[-1], file=sys.stderr)


def _serve_threaded(args: argparse.Namespace, base: str) -> int:
    """Serve with werkzeug's threaded server: for machines without the ``serve`` extra."""
    import signal
    import threading

    from werkzeug.serving import make_server

    from ldcv.server import create_app

    if args.store:
        _index_for_serving(args, base)
    app = create_app()
    server = make_server(args.host, args.port, app, threaded=True)
    print(
        f"serving {base}/ with a threaded server (Ctrl-C to stop); "
        "install granian (pip install 'ldcv[serve]') for production",
        file=sys.stderr,
    )
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C (SIGINT) stops it, as it stops granian, even where it was started with
        # SIGINT ignored (a background job of a shell script): Python then raises nothing.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def respawn_interval(workers: int, prepared_in: float) -> float:
    """Seconds a worker granian replaces serves on beside its successor.

    Granian stops it this long after its successor started, listening or not. With one
    worker, a successor still preparing the data would leave none to answer. With several,
    the others answer meanwhile, and the two side by side are the server's highest memory
    (a worker is replaced past ``LDCV_WORKER_MAX_MB``): the replaced one stops once its
    successor is likely ready. Each worker prepares what the main process prepared in
    ``prepared_in`` seconds.
    """
    floor = RESPAWN_INTERVAL if workers == 1 else SUCCESSOR_READY
    return max(floor, 2 * prepared_in)


def default_workers() -> int:
    """Server processes for this machine: one per CPU, at most 4 (each holds the data)."""
    return max(1, min(os.cpu_count() or 1, 4))


def _cmd_index(args: argparse.Namespace) -> int:
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.index import index_paths

    store = _store_directory(args)
    report = index_paths(
        _paths(args), StoreDirectory(store), args.base_uri or _default_base(), jobs=args.jobs
    )
    return _report_index(report, str(store))


def _cmd_publish(args: argparse.Namespace) -> int:
    from ldcv.store.remote_publish import publish_paths
    from ldcv.store.sparql_protocol import SparqlClient

    client = SparqlClient(args.sparql_endpoint, args.sparql_update, timeout=PUBLISH_TIMEOUT)
    base = args.base_uri or _default_base()
    report = publish_paths(_paths(args), client, base, jobs=args.jobs)
    return _report_index(report, args.sparql_endpoint)


def _report_index(report: Any, where: str) -> int:
    """Print what an index or publish run did; return its exit code."""
    for warning in report.warnings[:WARNINGS_SHOWN]:
        print(f"warning: {warning}", file=sys.stderr)
    if len(report.warnings) > WARNINGS_SHOWN:
        hidden = len(report.warnings) - WARNINGS_SHOWN
        print(f"… and {hidden} more warning(s): `ldcv validate` lists them all", file=sys.stderr)
    for name, problems in report.failed.items():
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"not indexed: {name} (its last good version stays in the store)", file=sys.stderr)
    print(f"{report.summary()} ({where})", file=sys.stderr)
    return EXIT_INPUT if report.failed else EXIT_OK


def _cmd_query(args: argparse.Namespace) -> int:
    from ldcv.sparql import run_local

    text = args.sparql
    if text.startswith("@"):
        text = Path(text[1:]).read_text(encoding="utf-8")
    _write(run_local(_prepare(args).graph, text, args.format), None)
    return EXIT_OK


def _cmd_query_service(args: argparse.Namespace) -> int:
    from ldcv.sparql.service import service_main

    config = read_config()
    workers = args.workers or config["LDCV_SPARQL_WORKERS"]
    print(f"answering the queries of {args.store} on {args.socket}", file=sys.stderr)
    service_main(
        args.socket,
        args.store,
        workers,
        config["LDCV_SPARQL_MAX_ROWS"],
        config["LDCV_SPARQL_IDLE_EXIT"],
        follow_parent=False,
    )
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from ldcv.build.site import build_site
    from ldcv.documents.catalog import build_catalog

    if args.store:
        return _build_from_store(args)
    # Indexing the graph for the pages needs no verdict: it runs while workers validate.
    catalogs = []
    endpoint = args.sparql_endpoint

    def index(dataset) -> None:  # type: ignore[no-untyped-def]
        catalogs.append(build_catalog(dataset, prerender=False, sparql_endpoint=endpoint))

    dataset = _prepare(args, meanwhile=index)
    report = build_site(
        dataset,
        Path(args.outdir),
        catalog=catalogs[0] if catalogs else None,
        sparql_endpoint=endpoint,
    )
    print(report, file=sys.stderr)
    return EXIT_OK


def _build_from_store(args: argparse.Namespace) -> int:
    from ldcv.build.site import build_store_site
    from ldcv.store.disk import StoreDirectory

    if args.paths:
        print(
            f"error: --store builds from the store alone; index the YAML first: "
            f"ldcv index {' '.join(args.paths)} --store {args.store}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    report = build_store_site(
        StoreDirectory(Path(args.store)),
        Path(args.outdir),
        sparql_endpoint=args.sparql_endpoint,
        base_uri=args.base_uri,
    )
    print(report, file=sys.stderr)
    return EXIT_OK


def _cmd_embed(args: argparse.Namespace) -> int:
    from ldcv.build.site import embed_snippet

    _write(embed_snippet(_prepare(args), args.resource) + "\n", None)
    return EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    from ldcv.generator import write_cvs

    paths = write_cvs(args.count, Path(args.outdir), args.seed, args.mean_publications)
    print(f"wrote {len(paths)} CVs to {args.outdir}", file=sys.stderr)
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from ldcv.imports.command import run_import

    into = Path(args.into) if args.into else None
    base = args.base_uri or _default_base()
    return run_import(
        args.format, Path(args.file), into, args.dry_run, base, sys.stdout, sys.stderr
    )


COMMANDS = {
    "validate": _cmd_validate,
    "export": _cmd_export,
    "serve": _cmd_serve,
    "index": _cmd_index,
    "query": _cmd_query,
    "query-service": _cmd_query_service,
    "publish": _cmd_publish,
    "build": _cmd_build,
    "embed": _cmd_embed,
    "generate": _cmd_generate,
    "import": _cmd_import,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ldcv`` command line; return its exit code."""
    args = _build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except InputError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{len(error.problems)} problem(s) in the input", file=sys.stderr)
        return error.exit_code
    except NotConformant as error:
        print(error.report, file=sys.stderr)
        return error.exit_code
    except LdcvError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE


def run() -> NoReturn:
    """The ``ldcv`` console script: ``main``, then exit at once.

    Python frees a large dataset object by object at exit (3 s after building 100
    CVs); the operating system takes the whole process back in no time. Output is
    flushed first, and ldcv leaves nothing for exit handlers (its pools are joined).
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
