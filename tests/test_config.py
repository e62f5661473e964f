"""Every ``LDCV_*`` setting, declared once: the reading rules, and the README's table."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ldcv import config
from ldcv.config import (
    DEFAULT_LICENSE,
    SETTINGS,
    as_environment,
    config_value,
    environment_value,
    markdown_table,
    read_config,
    setting_named,
)
from ldcv.errors import EXIT_USAGE, ConfigError, LdcvError

README = Path(__file__).resolve().parent.parent / "README.md"
TABLE_HEADER = "| variable | default | meaning |"


def readme_table() -> str:
    """The README's configuration table: the header line up to the first line not in it."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(TABLE_HEADER)
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return "\n".join(lines[start:end]) + "\n"


# -- the declaration and the README -------------------------------------------------------


def test_the_readme_table_is_the_one_generated_from_the_declarations():
    # Adding, removing or changing a public setting means regenerating the README's table:
    #   python -c "from ldcv.config import markdown_table; print(markdown_table())"
    assert readme_table() == markdown_table()


def test_the_readme_table_lists_exactly_the_public_settings_with_their_defaults():
    rows = [line.split("|")[1:-1] for line in readme_table().splitlines()[2:]]
    listed = {name.strip().strip("`"): default.strip() for name, default, _ in rows}
    public = {s.name: s.shown_default for s in SETTINGS if s.public}
    assert listed == public


def test_every_ldcv_variable_the_readme_names_is_a_setting():
    named = set(re.findall(r"\bLDCV_[A-Z_]+\b", README.read_text(encoding="utf-8")))
    assert named <= {s.name for s in SETTINGS}, named - {s.name for s in SETTINGS}


def test_each_setting_is_declared_once_with_a_default_of_its_type():
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    for s in SETTINGS:
        assert s.name.startswith("LDCV_") and s.help
        if s.default is not None:
            assert s.convert(s.default) == s.default, s.name


def test_the_defaults_are_those_ldcv_has_always_had():
    assert read_config(environ={}) == {
        "LDCV_DATA": ("data",),
        "LDCV_STORE": None,
        "LDCV_SPARQL_STORE": None,
        "LDCV_STORE_TIMEOUT": 5.0,
        "LDCV_BASE_URI": "http://127.0.0.1:8000",
        "LDCV_HOST": "127.0.0.1",
        "LDCV_PORT": 8000,
        "LDCV_RELOAD": False,
        "LDCV_RELOAD_INTERVAL": 1.0,
        "LDCV_MAX_AGE": 300,
        "LDCV_CACHE_MB": 128,  # new: the memo's answers within it too, all in 1 GiB
        "LDCV_PRERENDER": True,
        "LDCV_DATASET": None,
        "LDCV_LICENSE": "https://creativecommons.org/licenses/by/4.0/",
        "LDCV_SPARQL_ENGINE": None,  # the pool picks oxigraph where pyoxigraph is installed
        "LDCV_SPARQL_TIMEOUT": 5.0,
        "LDCV_SPARQL_MAX_ROWS": 10_000,
        "LDCV_SPARQL_MAX_BODY": 65_536,
        "LDCV_SPARQL_WORKERS": 1,  # new: each holds up to some 200 MiB of the store's caches
        "LDCV_SPARQL_IDLE_EXIT": 120.0,
        "LDCV_SPARQL_SERVICE": None,
        "LDCV_MALLOC_ARENAS": 2,  # new: glibc's default kept 236 MiB freed in a process
        "LDCV_PREPARE_FILES": True,  # new: a generation's whole-dataset files made ahead
        "LDCV_AHEAD_TRIPLES": 100,  # new: the heaviest documents rendered ahead, on disk
        "LDCV_AHEAD_DIR": None,  # new: a remote store's documents made ahead, on a local disk
        "LDCV_WORKER_MAX_MB": 320,  # granian replaces a worker past it
        "LDCV_AHEAD_MAX_MB": 0,  # new: the made-ahead child hands over past it (off)
        "LDCV_WORKER_CHECK_INTERVAL": 2,  # was 10: workers grew well past the bound between looks
        "LDCV_MALLOC_TRIM_INTERVAL": 10.0,
        "LDCV_STORE_CACHE_MB": 64,
    }


def test_the_engine_choices_are_the_engines_ldcv_has():
    from ldcv.sparql.engines import ENGINES

    assert setting_named("LDCV_SPARQL_ENGINE").choices == ENGINES


def test_the_module_imports_nothing_of_ldcv_but_its_errors():
    # Every stage reads its settings here; import-linter keeps this too (pyproject.toml).
    source = Path(config.__file__).read_text(encoding="utf-8")
    imported = set(re.findall(r"^(?:from|import) (ldcv[.\w]*)", source, re.MULTILINE))
    assert imported == {"ldcv.errors"}


# -- the reading rules ---------------------------------------------------------------------


def test_the_environment_wins_over_the_default():
    settings = read_config(environ={"LDCV_MAX_AGE": "60", "LDCV_HOST": "0.0.0.0"})
    assert settings["LDCV_MAX_AGE"] == 60
    assert settings["LDCV_HOST"] == "0.0.0.0"


def test_an_argument_wins_over_the_environment():
    settings = read_config({"LDCV_MAX_AGE": 30}, environ={"LDCV_MAX_AGE": "60"})
    assert settings["LDCV_MAX_AGE"] == 30


def test_os_environ_is_read_when_no_environment_is_given(monkeypatch):
    monkeypatch.setenv("LDCV_SPARQL_MAX_ROWS", "4")
    assert read_config()["LDCV_SPARQL_MAX_ROWS"] == 4


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("LDCV_PORT", "8123", 8123),
        ("LDCV_SPARQL_TIMEOUT", "2.5", 2.5),
        ("LDCV_SPARQL_TIMEOUT", "2", 2.0),
        ("LDCV_RELOAD_INTERVAL", "0.1", 0.1),
        ("LDCV_SPARQL_ENGINE", "rdflib", "rdflib"),
        ("LDCV_LICENSE", "https://example.org/licence", "https://example.org/licence"),
    ],
)
def test_environment_text_is_read_as_the_declared_type(name, text, value):
    read = read_config(environ={name: text})[name]
    assert read == value and type(read) is type(value)


@pytest.mark.parametrize("text", ["1", "true", "Yes", " on "])
def test_a_true_boolean(text):
    assert read_config(environ={"LDCV_RELOAD": text})["LDCV_RELOAD"] is True


@pytest.mark.parametrize("text", ["0", "false", "NO", "off", ""])
def test_a_false_boolean(text):
    assert read_config(environ={"LDCV_PRERENDER": text})["LDCV_PRERENDER"] is False


@pytest.mark.parametrize(
    ("name", "text", "why"),
    [
        ("LDCV_RELOAD", "maybe", "expected one of 1/0, true/false, yes/no, on/off"),
        ("LDCV_PRERENDER", "2", "expected one of"),
        ("LDCV_MAX_AGE", "five", "expected a whole number"),
        ("LDCV_PORT", "80.5", "expected a whole number"),
        ("LDCV_SPARQL_WORKERS", "", "expected a whole number"),
        ("LDCV_SPARQL_TIMEOUT", "soon", "expected a number"),
        ("LDCV_SPARQL_ENGINE", "jena", "expected one of oxigraph, rdflib"),
    ],
)
def test_a_bad_value_names_the_variable(name, text, why):
    with pytest.raises(ConfigError, match=re.escape(f"{name}={text!r}: {why}")):
        read_config(environ={name: text})


def test_a_bad_value_is_a_usage_error_and_a_value_error():
    with pytest.raises(ValueError) as caught:
        read_config(environ={"LDCV_MAX_AGE": "five"})
    assert isinstance(caught.value, LdcvError) and caught.value.exit_code == EXIT_USAGE


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"LDCV_RELOAD": "sometimes"}, "LDCV_RELOAD"),
        ({"LDCV_RELOAD": 1}, "LDCV_RELOAD"),
        ({"LDCV_PORT": True}, "LDCV_PORT"),
        ({"LDCV_PORT": 80.5}, "LDCV_PORT"),
        ({"LDCV_MAX_AGE": None}, "LDCV_MAX_AGE"),
        ({"LDCV_DATA": 3}, "LDCV_DATA"),
        ({"LDCV_DATA": ["a.yaml", 3]}, "LDCV_DATA"),
    ],
)
def test_a_bad_argument_names_the_setting(overrides, name):
    with pytest.raises(ConfigError, match=name):
        read_config(overrides, environ={})


def test_arguments_are_checked_and_text_arguments_read_as_in_the_environment():
    settings = read_config(
        {"LDCV_PORT": "8123", "LDCV_RELOAD": "on", "LDCV_SPARQL_TIMEOUT": 2}, environ={}
    )
    assert settings["LDCV_PORT"] == 8123
    assert settings["LDCV_RELOAD"] is True
    assert settings["LDCV_SPARQL_TIMEOUT"] == 2.0 and isinstance(
        settings["LDCV_SPARQL_TIMEOUT"], float
    )


def test_paths_in_the_environment_are_split_on_the_path_separator():
    text = os.pathsep.join(["a.yaml", "", "cvs/"])
    assert read_config(environ={"LDCV_DATA": text})["LDCV_DATA"] == ("a.yaml", "cvs/")


def test_a_path_argument_is_one_path_and_a_list_becomes_a_tuple(tmp_path):
    both = os.pathsep.join(["a", "b"])
    assert read_config({"LDCV_DATA": both}, environ={})["LDCV_DATA"] == (both,)
    assert read_config({"LDCV_DATA": tmp_path}, environ={})["LDCV_DATA"] == (tmp_path,)
    listed = read_config({"LDCV_DATA": ["a", tmp_path]}, environ={})["LDCV_DATA"]
    assert listed == ("a", tmp_path)
    generated = read_config({"LDCV_DATA": (p for p in ["a", "b"])}, environ={})
    assert generated["LDCV_DATA"] == ("a", "b")


def test_the_base_uri_defaults_to_host_and_port_and_loses_a_trailing_slash():
    settings = read_config({"LDCV_HOST": "127.0.0.1", "LDCV_PORT": 8123}, environ={})
    assert settings["LDCV_BASE_URI"] == "http://127.0.0.1:8123"
    settings = read_config(environ={"LDCV_BASE_URI": "https://cv.example.net/"})
    assert settings["LDCV_BASE_URI"] == "https://cv.example.net"
    settings = read_config(environ={"LDCV_BASE_URI": "", "LDCV_PORT": "9000"})
    assert settings["LDCV_BASE_URI"] == "http://127.0.0.1:9000"  # empty means unset


def test_an_empty_text_setting_in_the_environment_means_its_default():
    settings = read_config(environ={"LDCV_LICENSE": "", "LDCV_SPARQL_ENGINE": ""})
    assert settings["LDCV_LICENSE"] == DEFAULT_LICENSE
    assert settings["LDCV_SPARQL_ENGINE"] is None


def test_other_variables_are_not_settings():
    environ = {"LDCV_BENCH_CVS": "3", "PATH": "/bin"}
    settings = read_config(environ=environ)
    assert "LDCV_BENCH_CVS" not in settings and "PATH" not in settings


def test_the_dataset_is_never_read_from_the_environment():
    assert read_config(environ={"LDCV_DATASET": "anything"})["LDCV_DATASET"] is None
    marker = object()
    assert read_config({"LDCV_DATASET": marker}, environ={})["LDCV_DATASET"] is marker


def test_an_unknown_ldcv_argument_is_refused_and_others_pass_through():
    with pytest.raises(ConfigError, match="LDCV_MAX_AGES"):
        read_config({"LDCV_MAX_AGES": 60}, environ={})
    assert read_config({"TESTING": True}, environ={})["TESTING"] is True


# -- one setting, and settings handed to other processes ------------------------------------


def test_one_setting_from_the_environment_alone():
    assert environment_value("LDCV_LICENSE", {}) == DEFAULT_LICENSE
    assert environment_value("LDCV_LICENSE", {"LDCV_LICENSE": "https://x.example/"}) == (
        "https://x.example/"
    )
    assert environment_value("LDCV_BASE_URI", {}) is None
    # Only the setting asked for is read: a bad neighbour does not matter.
    assert environment_value("LDCV_PORT", {"LDCV_PORT": "81", "LDCV_MAX_AGE": "x"}) == 81
    with pytest.raises(ConfigError, match="LDCV_PORT"):
        environment_value("LDCV_PORT", {"LDCV_PORT": "eighty"})
    with pytest.raises(ConfigError, match="LDCV_NOTHING"):
        environment_value("LDCV_NOTHING", {})


def test_one_setting_from_an_app_config_that_may_lack_it():
    assert config_value({}, "LDCV_SPARQL_MAX_ROWS") == 10_000
    assert config_value({"LDCV_SPARQL_MAX_ROWS": 4}, "LDCV_SPARQL_MAX_ROWS") == 4
    assert config_value({"LDCV_SPARQL_TIMEOUT": "2"}, "LDCV_SPARQL_TIMEOUT") == 2.0


def test_settings_written_to_the_environment_read_back_the_same(tmp_path):
    values = {
        "LDCV_DATA": ["data", str(tmp_path)],
        "LDCV_BASE_URI": "https://cv.example.org",
        "LDCV_HOST": "0.0.0.0",
        "LDCV_PORT": 8123,
        "LDCV_RELOAD": True,
        "LDCV_SPARQL_TIMEOUT": 2.5,
    }
    environ = as_environment(values)
    assert all(isinstance(text, str) for text in environ.values())
    assert environ["LDCV_RELOAD"] == "1" and environ["LDCV_PORT"] == "8123"
    settings = read_config(environ=environ)
    assert settings["LDCV_DATA"] == ("data", str(tmp_path))
    assert {name: settings[name] for name in values if name != "LDCV_DATA"} == {
        name: value for name, value in values.items() if name != "LDCV_DATA"
    }
    with pytest.raises(ConfigError, match="LDCV_DATASET"):
        as_environment({"LDCV_DATASET": object()})
