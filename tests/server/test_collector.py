"""The cycle collector's thresholds while a server renders a store's documents on demand."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ldcv.server.collector import THRESHOLDS

DEFAULTS = (700, 10, 10)


@pytest.fixture
def default_thresholds() -> Iterator[None]:
    """CPython's default thresholds during the test, whatever they were before and after."""
    before = gc.get_threshold()
    gc.set_threshold(*DEFAULTS)
    yield
    gc.set_threshold(*before)


def test_serving_a_store_collects_young_objects_only_every_ten_thousand_allocations(
    default_thresholds, make_store_app, seed_store_copy
) -> None:
    make_store_app(seed_store_copy)
    assert gc.get_threshold() == THRESHOLDS
    assert THRESHOLDS[0] >= 10 * DEFAULTS[0] and THRESHOLDS[2] >= 10 * DEFAULTS[2]


def test_serving_prepared_documents_leaves_the_collector_as_it_was(
    default_thresholds, seed_dataset
) -> None:
    from ldcv.server import create_app

    create_app({"LDCV_DATASET": seed_dataset, "LDCV_PRERENDER": False})
    assert gc.get_threshold() == DEFAULTS


@pytest.mark.slow  # starts `oxigraph serve`
def test_serving_a_remote_store_collects_young_objects_only_every_ten_thousand_allocations(
    default_thresholds, sparql_engines, tmp_path
) -> None:
    from ldcv.server import create_app, stop_background
    from ldcv.store.remote import RemoteStore
    from ldcv.store.sparql_protocol import SparqlClient

    with sparql_engines.oxigraph() as engine:
        client = SparqlClient(engine.query_url, engine.update_url)
        with RemoteStore(client, tmp_path).writer() as writer:
            writer.publish()  # an empty store, published
        app = create_app({"LDCV_SPARQL_STORE": engine.query_url})
        stop_background(app)
    assert gc.get_threshold() == THRESHOLDS
