"""Reloading the data while serving (``ldcv.server.reload``): changed data is served, a
bad edit keeps the last good data."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from ldcv.errors import LdcvError
from ldcv.server import create_app

DATA = Path(__file__).resolve().parents[2] / "data"


def _reloading_app(tmp_path: Path, interval: float):
    source = next(DATA.glob("*.yaml"))
    target = tmp_path / source.name
    shutil.copy(source, target)
    app = create_app(
        {
            "LDCV_DATA": [str(tmp_path)],
            "LDCV_BASE_URI": "http://cv.example.org",
            "LDCV_RELOAD": True,
            "LDCV_RELOAD_INTERVAL": interval,
        }
    )
    return app, target


def _owner_name(app) -> str:
    dataset = app.extensions["ldcv"]
    return dataset.cvs[0].owner.name


def _rename_owner(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert f"name: {old}" in text
    path.write_text(text.replace(f"name: {old}", f"name: {new}", 1), encoding="utf-8")


@pytest.mark.slow
def test_reload_serves_changed_data_and_keeps_the_last_good_data_on_error(tmp_path, caplog):
    app, yaml_file = _reloading_app(tmp_path, interval=3600)  # we call check() ourselves
    watcher = app.extensions["ldcv.watcher"]
    try:
        old = _owner_name(app)
        client = app.test_client()
        owner_doc = f"/doc/person/{app.extensions['ldcv'].cvs[0].owner.key}.ttl"

        _rename_owner(yaml_file, old, old + " Renamed")
        assert watcher.check() is True
        assert (old + " Renamed") in client.get(owner_doc).get_data(as_text=True)

        good = client.get(owner_doc).get_data()
        yaml_file.write_text(
            yaml_file.read_text(encoding="utf-8") + "\nnot_a_section: 1\n", encoding="utf-8"
        )
        assert watcher.check() is False
        assert watcher.last_error and yaml_file.name in watcher.last_error
        assert "still serving the last good data" in caplog.text
        assert client.get(owner_doc).get_data() == good
        assert watcher.check() is False  # nothing changed since: no second attempt
    finally:
        watcher.stop()


@pytest.mark.slow
def test_reload_watches_in_the_background(tmp_path):
    app, yaml_file = _reloading_app(tmp_path, interval=0.05)
    watcher = app.extensions["ldcv.watcher"]
    try:
        old = _owner_name(app)
        _rename_owner(yaml_file, old, old + " Again")
        deadline = time.monotonic() + 30
        while _owner_name(app) == old and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _owner_name(app) == old + " Again"
    finally:
        watcher.stop()


def test_reload_failure_is_an_ldcv_error(tmp_path):
    # The watcher only swallows LdcvError: a bug elsewhere must not pass for bad data.
    bad = tmp_path / "cv.yaml"
    bad.write_text("{", encoding="utf-8")
    from ldcv.pipeline import prepare

    with pytest.raises(LdcvError):
        prepare([bad], "http://cv.example.org")


def test_an_edit_made_while_the_data_is_prepared_is_reloaded_at_the_first_look(
    tmp_path, monkeypatch
):
    # granian's second worker prepares the data while the first serves: an edit landing
    # meanwhile must not pass for what the worker read.
    import ldcv.server

    source = next(DATA.glob("*.yaml"))
    target = tmp_path / source.name
    shutil.copy(source, target)
    read_once = ldcv.server._prepare
    edits = []

    def prepare_then_edit(settings):
        dataset = read_once(settings)
        if not edits:  # the edit lands once the files were read, before the app serves
            old = dataset.cvs[0].owner.name
            _rename_owner(target, old, old + " Edited")
            edits.append(old)
        return dataset

    monkeypatch.setattr(ldcv.server, "_prepare", prepare_then_edit)
    app = create_app(
        {
            "LDCV_DATA": [str(tmp_path)],
            "LDCV_BASE_URI": "http://cv.example.org",
            "LDCV_RELOAD": True,
            "LDCV_RELOAD_INTERVAL": 3600,  # we call check() ourselves
            "LDCV_PRERENDER": False,
        }
    )
    watcher = app.extensions["ldcv.watcher"]
    try:
        assert _owner_name(app) == edits[0]
        assert watcher.check() is True
        assert _owner_name(app) == edits[0] + " Edited"
    finally:
        watcher.stop()
