"""Serving a store (``ldcv.server.store_watch``): each new snapshot is served, no request fails."""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from ldcv.errors import ConfigError
from ldcv.server import create_app, stop_background
from ldcv.store.disk import StoreDirectory
from ldcv.store.index import index_paths

DATA = Path(__file__).resolve().parents[2] / "data"
BASE = "http://cv.example.org"
OWNER_DOC = "/doc/person/sebastian-lapuschkin.ttl"


def copy_seed(folder: Path) -> Path:
    folder.mkdir()
    source = next(DATA.glob("*.yaml"))
    shutil.copy(source, folder / source.name)
    return folder / source.name


def rename_owner(path: Path, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: Sebastian Lapuschkin", f"name: {new}", 1), encoding="utf-8")


def test_a_server_on_an_empty_store_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ldcv index"):
        create_app({"LDCV_STORE": str(tmp_path / "store")})


@pytest.mark.slow
def test_a_newer_snapshot_is_served_by_the_next_request(tmp_path: Path) -> None:
    cv = copy_seed(tmp_path / "data")
    store = StoreDirectory(tmp_path / "store")
    index_paths([cv.parent], store, BASE, jobs=1)
    app = create_app({"LDCV_STORE": str(store.path), "LDCV_RELOAD_INTERVAL": 3600})
    follower = app.extensions["ldcv.follower"]
    try:
        client = app.test_client()
        before = client.get(OWNER_DOC)
        assert follower.check() is False  # nothing published since

        rename_owner(cv, "Sebastian Renamed")
        index_paths([cv.parent], store, BASE, jobs=1)
        assert follower.check() is True

        after = client.get(OWNER_DOC)
        assert "Sebastian Renamed" in after.get_data(as_text=True)
        assert after.headers["ETag"] != before.headers["ETag"]
        assert app.config["LDCV_BASE_URI"] == BASE  # from the store, not the default
    finally:
        stop_background(app)


@pytest.mark.slow
def test_the_status_names_a_file_left_out_but_not_its_problems(tmp_path: Path) -> None:
    cv = copy_seed(tmp_path / "data")
    store = StoreDirectory(tmp_path / "store")
    index_paths([cv.parent], store, BASE, jobs=1)
    cv.write_text(cv.read_text(encoding="utf-8") + "\nnot_a_section: 1\n", encoding="utf-8")
    index_paths([cv.parent], store, BASE, jobs=1)
    app = create_app({"LDCV_STORE": str(store.path), "LDCV_RELOAD_INTERVAL": 3600})
    try:
        response = app.test_client().get("/status")
        report = response.get_json()
        assert report["not_indexed"] == {cv.name: 1}
        assert report["cvs"] == 1 and report["store_generation"] == 1
        assert "not_a_section" not in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
    finally:
        stop_background(app)


@pytest.mark.slow
def test_an_edit_made_before_the_server_started_is_indexed_at_its_first_look(
    tmp_path: Path,
) -> None:
    # ``serve --store --reload`` indexes, then granian starts its workers: an edit landing
    # in between must not pass for what the store holds.
    cv = copy_seed(tmp_path / "data")
    store = StoreDirectory(tmp_path / "store")
    index_paths([cv.parent], store, BASE, jobs=1)
    rename_owner(cv, "Sebastian Edited")
    app = create_app(
        {
            "LDCV_STORE": str(store.path),
            "LDCV_DATA": [str(cv.parent)],
            "LDCV_RELOAD": True,
            "LDCV_RELOAD_INTERVAL": 3600,  # we look ourselves
        }
    )
    watcher, follower = app.extensions["ldcv.watcher"], app.extensions["ldcv.follower"]
    try:
        client = app.test_client()
        assert "Sebastian Lapuschkin" in client.get(OWNER_DOC).get_data(as_text=True)
        assert watcher.check() is True
        assert follower.check() is True
        assert "Sebastian Edited" in client.get(OWNER_DOC).get_data(as_text=True)
        assert watcher.check() is False  # then only a change of the files indexes again
    finally:
        stop_background(app)


@pytest.mark.slow
def test_serve_reload_shows_an_edit_and_no_request_fails_meanwhile(tmp_path, start_server):
    cv = copy_seed(tmp_path / "data")
    store = tmp_path / "store"

    def command(port: int) -> list[str]:
        return [
            sys.executable, "-m", "ldcv", "serve", str(cv.parent), "--store", str(store),
            "--reload", "--port", str(port), "--base-uri", BASE, "--workers", "2",
        ]  # fmt: skip

    with start_server.process(command, timeout=120) as live:
        url = live.base + OWNER_DOC
        assert "Sebastian Lapuschkin" in requests.get(url, timeout=10).text
        failures: list[int] = []
        answered = 0
        stop = threading.Event()

        def keep_asking() -> None:
            nonlocal answered
            with requests.Session() as session:
                while not stop.is_set():
                    status = session.get(url, timeout=10).status_code
                    answered += 1
                    if status != 200:
                        failures.append(status)

        asking = threading.Thread(target=keep_asking)
        asking.start()
        try:
            rename_owner(cv, "Sebastian Reloaded")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if "Sebastian Reloaded" in requests.get(url, timeout=10).text:
                    break
                time.sleep(0.2)
            else:
                pytest.fail("the edit was not served within 60 s")
        finally:
            stop.set()
            asking.join()
        assert failures == [] and answered > 0

        cv.write_text(cv.read_text(encoding="utf-8") + "\nnot_a_section: 1\n", encoding="utf-8")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            report = json.loads(requests.get(live.base + "/status", timeout=10).text)
            if report.get("not_indexed"):
                break
            time.sleep(0.2)
        assert report["not_indexed"] == {cv.name: 1}
        assert "Sebastian Reloaded" in requests.get(url, timeout=10).text
