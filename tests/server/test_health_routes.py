"""``/healthz``: what a load balancer asks every few seconds (the remote store's outages are
in ``test_remote_store.py``)."""

from __future__ import annotations

from ldcv.server import create_app


def test_a_server_of_prepared_data_is_healthy(seed_dataset) -> None:
    # Rendering every document first (some 1.5 s) is not what the health route reports on.
    app = create_app({"LDCV_DATASET": seed_dataset, "LDCV_PRERENDER": False})
    answer = app.test_client().get("/healthz")

    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.json == {"status": "ok", "store": "memory"}


def test_a_server_of_an_embedded_store_names_its_generation(overlapping_store, make_store_app):
    answer = make_store_app(overlapping_store).test_client().get("/healthz")

    assert answer.status_code == 200
    assert answer.json == {
        "status": "ok",
        "store": "embedded",
        "generation": overlapping_store.generation(),
    }
