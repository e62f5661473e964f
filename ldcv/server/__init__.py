"""The Flask app factory, ``create_app(config)``.

Production: ``granian --interface wsgi --factory --workers 2 --blocking-threads 4
'ldcv.server.granian_worker:create_app'`` (a worker stopped while it loads then stops; or,
slower, ``gunicorn --worker-class gthread 'ldcv.server:create_app()'``).

Configuration comes from the defaults, then ``LDCV_*`` environment variables, then
the ``config`` argument (see ``ldcv.config``). The data is loaded, mapped and
validated once, here; an invalid CV raises and the server does not start. Every
document is then serialized in every format before the first request.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from ldcv.config import read_config
from ldcv.documents.catalog import Catalog, build_catalog
from ldcv.documents.crawler_files import SPARQL_PATH
from ldcv.native_memory import PeriodicRelease, limit_arenas
from ldcv.pipeline import Dataset, prepare
from ldcv.server.collector import collect_cycles_rarely
from ldcv.server.memo import ResponseMemo
from ldcv.server.reload import DataWatcher, snapshot

__all__ = ["create_app", "install_catalog", "install_snapshot"]

STATIC_FOLDER = Path(__file__).resolve().parent.parent / "pages" / "static"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app serving the CVs named by the configuration."""
    settings = read_config(config)
    # Before this process opens a store or serves a request: each thread makes its arena then.
    limit_arenas(settings["LDCV_MALLOC_ARENAS"])
    app = Flask(__name__, static_folder=str(STATIC_FOLDER), static_url_path="/static")
    app.config.update(settings)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = settings["LDCV_MAX_AGE"]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    given: Dataset | None = settings["LDCV_DATASET"]
    watches_data = settings["LDCV_RELOAD"] and given is None and not _reads_store(settings)
    # The files as they are before the data is read from them: an edit made while it is
    # prepared (granian's second worker prepares it while the first one serves) is then
    # reloaded at the watcher's first look, not missed for good.
    files_read = snapshot(settings["LDCV_DATA"]) if watches_data else None
    if settings["LDCV_SPARQL_STORE"] and given is None:
        from ldcv.server.remote_store import serve_remote

        serve_remote(app, settings, install_snapshot)
        collect_cycles_rarely()  # as on the embedded store: documents rendered on demand
    elif settings["LDCV_STORE"] and given is None:
        _serve_store(app, settings)
        collect_cycles_rarely()  # requests render documents: no full collection among them
        if settings["LDCV_STORE_CACHE_MB"] > 0:
            from ldcv.server.store_watch import bound_store_caches

            app.extensions["ldcv.store_cache_bound"] = bound_store_caches(
                lambda: app.extensions["ldcv.snapshot"],
                settings["LDCV_STORE_CACHE_MB"],
                settings["LDCV_WORKER_MAX_MB"] or None,
            )
        if settings["LDCV_MALLOC_TRIM_INTERVAL"] > 0:
            # Rendering frees as much as it allocates; malloc keeps it unless told.
            interval = settings["LDCV_MALLOC_TRIM_INTERVAL"]
            app.extensions["ldcv.malloc_trim"] = PeriodicRelease(interval).start()
    else:
        dataset = given if given is not None else _prepare(settings)
        app.config["LDCV_BASE_URI"] = dataset.base_uri
        install_catalog(app, _catalog(dataset, settings))

    _register(app)
    # Identical requests for documents are answered without running Flask again.
    app.wsgi_app = ResponseMemo(  # type: ignore[method-assign]
        app.wsgi_app,
        lambda: app.extensions["ldcv.catalog"],
        # A store's documents are many: the memo is bounded by bytes like their cache.
        max_bytes=settings["LDCV_CACHE_MB"] * 1024 * 1024 if _reads_store(settings) else None,
        # ... and in the same bound: the memo keeps its answers in the documents' cache.
        shared=_shared_cache if _reads_store(settings) else None,
    )
    if watches_data:
        watcher = DataWatcher(
            settings["LDCV_DATA"],
            lambda: install_catalog(app, _catalog(_prepare(settings), settings)),
            interval=settings["LDCV_RELOAD_INTERVAL"],
            seen=files_read,
        )
        app.extensions["ldcv.watcher"] = watcher
        watcher.start()
    return app


def _shared_cache(catalog: Catalog) -> Any:
    from ldcv.documents.store_catalog import shared_cache

    return shared_cache(catalog)


def _reads_store(settings: Mapping[str, Any]) -> bool:
    return bool(settings["LDCV_STORE"] or settings["LDCV_SPARQL_STORE"])


def _serve_store(app: Flask, settings: Mapping[str, Any]) -> None:
    """Serve the store's current snapshot; follow its new ones; with reload, index on change."""
    from ldcv.server.store_watch import (
        GenerationWatcher,
        open_current,
        reindex,
        snapshot_base,
    )
    from ldcv.store.disk import StoreDirectory

    directory = StoreDirectory(Path(settings["LDCV_STORE"]))
    snapshot = open_current(directory)
    base = snapshot_base(snapshot, settings["LDCV_BASE_URI"])
    app.config["LDCV_BASE_URI"] = base
    app.extensions["ldcv.store"] = directory
    install_snapshot(app, snapshot)
    follower = GenerationWatcher(
        directory,
        snapshot.generation,
        lambda newer: install_snapshot(app, newer),
        interval=settings["LDCV_RELOAD_INTERVAL"],
    )
    app.extensions["ldcv.follower"] = follower
    follower.start()
    if settings["LDCV_RELOAD"]:
        data = settings["LDCV_DATA"]
        # Nothing is taken as seen: the first look indexes once (content hashes: nothing
        # changed costs one ``ldcv index`` that writes nothing), so an edit made between the
        # store's last index and this worker's start is not missed for good.
        watcher = DataWatcher(
            data,
            lambda: reindex(data, directory.path, base),
            settings["LDCV_RELOAD_INTERVAL"],
            seen=(),
        )
        app.extensions["ldcv.watcher"] = watcher
        watcher.start()


# The app's threads that run until stopped (each has ``stop()``), by extension name.
BACKGROUND_THREADS = ("ldcv.follower", "ldcv.watcher", "ldcv.malloc_trim", "ldcv.store_cache_bound")


def stop_background(app: Flask) -> None:
    """Stop the threads the app runs beside its requests (a process that forks needs none)."""
    for name in BACKGROUND_THREADS:
        if name in app.extensions:
            app.extensions[name].stop()


def install_snapshot(app: Flask, snapshot: Any) -> None:
    """Serve the store snapshot ``snapshot`` from now on (see ``install_catalog``)."""
    from ldcv.documents.snapshot_crawler_files import snapshot_files
    from ldcv.documents.store_catalog import record_owners, store_catalog
    from ldcv.server.store_watch import snapshot_modified

    base = app.config["LDCV_BASE_URI"]
    store_path = app.extensions["ldcv.store"].path
    ahead = None
    if app.config["LDCV_AHEAD_TRIPLES"] > 0 and getattr(snapshot, "remote", None) is None:
        from ldcv.documents.ahead_files import AheadDocuments, ahead_files

        ahead = AheadDocuments(ahead_files(store_path, snapshot.generation).folder)
    elif getattr(snapshot, "remote", None) is not None:
        from ldcv.server.remote_ahead import remote_ahead_documents

        ahead = remote_ahead_documents(app, snapshot)  # on a local disk of this machine
    catalog = store_catalog(
        snapshot.store,
        base,
        modified=snapshot_modified(snapshot),
        sparql_endpoint=base + SPARQL_PATH,
        cache_mb=app.config["LDCV_CACHE_MB"],
        files=snapshot_files(app.extensions["ldcv.store"].path, snapshot.generation),
        owners=record_owners(snapshot.records, base),  # not a walk of every profile page
        ahead=ahead,  # the heaviest documents, once a child has rendered them
    )
    # The snapshot first: the SPARQL endpoint restarts its workers when the dataset changes.
    app.extensions["ldcv.snapshot"] = snapshot
    install_catalog(app, catalog)
    if app.config["LDCV_PREPARE_FILES"] and getattr(snapshot, "remote", None) is not None:
        from ldcv.server.remote_ahead import make_remote_ahead

        if ahead is not None:
            make_remote_ahead(app, snapshot)
    elif app.config["LDCV_PREPARE_FILES"]:
        from ldcv.documents.snapshot_ahead import prepare_in_background
        from ldcv.server.crawler_routes import SITEMAP_LIMIT, SITEMAP_LIMIT_KEY

        limit = app.config.get(SITEMAP_LIMIT_KEY, SITEMAP_LIMIT)
        arguments = (snapshot.path, store_path, snapshot.generation, base, catalog.modified)
        app.extensions["ldcv.ahead"] = prepare_in_background(*arguments, limit)
        if ahead is not None:
            from ldcv.documents.documents_ahead import make_ahead_in_background

            threshold = app.config["LDCV_AHEAD_TRIPLES"]
            app.extensions["ldcv.ahead_documents"] = make_ahead_in_background(
                snapshot.path, store_path, snapshot.generation, base, threshold,
                after=app.extensions["ldcv.ahead"],
            )  # fmt: skip


def _catalog(dataset: Dataset, settings: Mapping[str, Any]) -> Catalog:
    return build_catalog(
        dataset,
        prerender=settings["LDCV_PRERENDER"],
        sparql_endpoint=dataset.base_uri + SPARQL_PATH,
    )


def _prepare(settings: Mapping[str, Any]) -> Dataset:
    return prepare(settings["LDCV_DATA"], settings["LDCV_BASE_URI"])


def install_catalog(app: Flask, catalog: Catalog) -> None:
    """Serve ``catalog`` from now on; each request sees either the old one or the new one whole."""
    app.extensions["ldcv.catalog"] = catalog
    app.extensions["ldcv"] = catalog.dataset


def _register(app: Flask) -> None:
    from ldcv.server import errors, headers
    from ldcv.server.crawler_routes import crawlers
    from ldcv.server.health_routes import health
    from ldcv.server.linked_data import linked_data
    from ldcv.server.sparql_routes import sparql
    from ldcv.server.status_routes import status

    app.register_blueprint(linked_data)
    app.register_blueprint(sparql)
    app.register_blueprint(crawlers)
    app.register_blueprint(status)
    app.register_blueprint(health)
    errors.install(app)
    headers.install(app)
