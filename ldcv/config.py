"""Every ``LDCV_*`` setting, declared once, and the one way to read them.

``SETTINGS`` is the table: name, type, default and help text of each setting. The
README's configuration table is generated from it (``markdown_table``; a test holds
the two together), so a setting cannot be added without being documented.

Reading rules (``read_config``): the defaults, then the ``LDCV_*`` environment
variables, then explicit overrides (``create_app(config)``), in that order. Each
value is converted and checked by its declared type; a bad one raises
``ConfigError`` naming the variable. In the environment a boolean is one of
1/0, true/false, yes/no, on/off (empty is false); paths are split on
``os.pathsep``; an empty text setting counts as unset. In overrides a value may be
given as Python (``True``, ``8000``, a list of paths) or as environment text, except
that a string for ``LDCV_DATA`` is one path.

Stages that need one setting and no app (the CLI's default base URI, the VoID
licence of the static build) read it with ``environment_value``; code handed a
mapping that may lack a setting (a bare Flask app's config) uses ``config_value``.

This module imports nothing from ldcv but ``ldcv.errors``: every stage may use it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ldcv.errors import ConfigError

__all__ = [
    "DEFAULT_LICENSE",
    "SETTINGS",
    "ConfigError",
    "Setting",
    "as_environment",
    "config_value",
    "default_base_uri",
    "defaults",
    "environment_value",
    "markdown_table",
    "read_config",
    "setting_named",
]

Kind = Literal["bool", "int", "float", "str", "paths", "object"]

DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
PREFIX = "LDCV_"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


@dataclass(frozen=True)
class Setting:
    """One ``LDCV_*`` setting: how it is named, typed, defaulted and documented."""

    name: str
    kind: Kind
    default: Any
    help: str
    optional: bool = False  # None is a value (it means: derive it, or choose at run time)
    public: bool = True  # documented in the README's table
    environment: bool = True  # may be given as an environment variable
    choices: tuple[str, ...] = ()
    shown: str | None = None  # the README's default column, where the value does not say it

    def parse(self, text: str) -> Any:
        """Read the setting from environment text."""
        if self.kind == "paths":
            return tuple(p for p in text.split(os.pathsep) if p)
        if self.kind == "bool":
            value = text.strip().lower()
            if value not in _TRUE | _FALSE:
                raise self._error(text, "expected one of 1/0, true/false, yes/no, on/off")
            return value in _TRUE
        if self.kind in ("int", "float"):
            try:
                return int(text) if self.kind == "int" else float(text)
            except ValueError:
                expected = "a whole number" if self.kind == "int" else "a number"
                raise self._error(text, f"expected {expected}") from None
        if self.kind == "str":
            return self._chosen(text) if text else self.default  # empty means unset
        raise ConfigError(f"{self.name} cannot be set in the environment")

    def convert(self, value: Any) -> Any:
        """Check a value given in code (an override), reading text as the environment does."""
        if value is None:
            if self.optional:
                return None
            raise self._error(value, f"expected {self._expected()}")
        if self.kind == "object":
            return value
        if self.kind == "paths":
            if isinstance(value, str | os.PathLike):
                return (value,)
            items = tuple(value) if isinstance(value, Iterable) else (None,)
            if all(isinstance(p, str | os.PathLike) for p in items):
                return items
            raise self._error(value, "expected a path or a list of paths")
        if isinstance(value, str):
            return self.parse(value)
        if self.kind == "bool" and isinstance(value, bool):
            return value
        if self.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if self.kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise self._error(value, f"expected {self._expected()}")

    def to_text(self, value: Any) -> str:
        """The environment text that reads back as ``value``."""
        value = self.convert(value)
        if value is None:
            return ""
        if self.kind == "paths":
            return os.pathsep.join(os.fspath(p) for p in value)
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "object":
            raise ConfigError(f"{self.name} cannot be set in the environment")
        return str(value)

    @property
    def shown_default(self) -> str:
        """The default as the README shows it."""
        if self.shown is not None:
            return self.shown
        if self.kind == "bool":
            return "on" if self.default else "off"
        if self.kind == "paths":
            return f"`{os.pathsep.join(self.default)}`"
        if self.kind == "float":
            return f"`{self.default:g}`"
        return f"`{self.default}`"

    def _chosen(self, text: str) -> str:
        if self.choices and text not in self.choices:
            raise self._error(text, f"expected one of {', '.join(self.choices)}")
        return text

    def _expected(self) -> str:
        return {
            "bool": "true or false",
            "int": "a whole number",
            "float": "a number",
            "str": "text",
        }.get(self.kind, self.kind)

    def _error(self, value: Any, why: str) -> ConfigError:
        return ConfigError(f"{self.name}={value!r}: {why}")


SETTINGS: tuple[Setting, ...] = (
    Setting("LDCV_DATA", "paths", ("data",),
            "YAML files or directories (`:`-separated)"),
    Setting("LDCV_STORE", "str", None,
            "serve the store in this directory (made by `ldcv index`) instead of preparing "
            "LDCV_DATA in memory", optional=True, shown="none"),
    Setting("LDCV_SPARQL_STORE", "str", None,
            "serve the store on this SPARQL 1.1 query endpoint (written by `ldcv publish`) "
            "instead of preparing LDCV_DATA", optional=True, shown="none"),
    Setting("LDCV_STORE_TIMEOUT", "float", 5.0,
            "seconds a request to the SPARQL store (LDCV_SPARQL_STORE) may take"),
    Setting("LDCV_BASE_URI", "str", None, "base of every IRI",
            optional=True, shown="`http://HOST:PORT`"),
    Setting("LDCV_HOST", "str", "127.0.0.1",
            "host of the default base URI (`ldcv serve --host` sets it)"),
    Setting("LDCV_PORT", "int", 8000,
            "port of the default base URI (`ldcv serve --port` sets it)"),
    Setting("LDCV_RELOAD", "bool", False, "re-prepare the data when its files change"),
    Setting("LDCV_RELOAD_INTERVAL", "float", 1.0, "seconds between looks at the files",
            public=False),
    Setting("LDCV_MAX_AGE", "int", 300, "`Cache-Control: max-age` of documents"),
    Setting("LDCV_CACHE_MB", "int", 128,
            "megabytes of rendered documents (and of the answers replayed with them) a server "
            "process keeps when it serves a store"),
    Setting("LDCV_PRERENDER", "bool", True,
            "serialize every document in every format at start-up", public=False),
    Setting("LDCV_DATASET", "object", None,
            "an already prepared Dataset (tests, benchmarks): LDCV_DATA is not read",
            optional=True, public=False, environment=False),
    Setting("LDCV_LICENSE", "str", DEFAULT_LICENSE, "the dataset licence named in VoID",
            shown="CC BY 4.0"),
    Setting("LDCV_SPARQL_ENGINE", "str", None,
            "`oxigraph` (pyoxigraph) or `rdflib` (the default without pyoxigraph)",
            optional=True, choices=("oxigraph", "rdflib"), shown="`oxigraph`"),
    Setting("LDCV_SPARQL_TIMEOUT", "float", 5.0, "seconds before a query is stopped"),
    Setting("LDCV_SPARQL_MAX_ROWS", "int", 10_000,
            "rows in one answer (more are cut, with a header saying so)"),
    Setting("LDCV_SPARQL_MAX_BODY", "int", 64 * 1024, "bytes in a POST body"),
    Setting("LDCV_SPARQL_WORKERS", "int", 1,
            "query worker processes, started as queries at once need them: of the query "
            "service on a store (LDCV_SPARQL_SERVICE), else of each server process; on a store "
            "each holds its own copy of the store's caches, some 220 MiB at 10,000 CVs"),
    Setting("LDCV_SPARQL_SERVICE", "str", None,
            "the Unix socket of the query service that answers a store's queries for every "
            "server process, with one set of query workers (`ldcv serve` starts one and sets "
            "this; unset: each process starts its own workers)",
            optional=True, shown="set by `ldcv serve`"),
    Setting("LDCV_SPARQL_IDLE_EXIT", "float", 120.0,
            "seconds a store's query worker may wait for a query before it exits; the next "
            "query that finds none idle starts one (0: workers start with the endpoint and stay)"),
    Setting("LDCV_MALLOC_ARENAS", "int", 2,
            "glibc malloc arenas in each server and query worker process (0: glibc's default, "
            "8 a core; fewer keep less freed memory)"),
    Setting("LDCV_PREPARE_FILES", "bool", True,
            "make each store generation's whole-dataset files (the index of the people, VoID's "
            "counts, the sitemap) in a child process as soon as it is served, not in the first "
            "request for them"),
    Setting("LDCV_AHEAD_TRIPLES", "int", 100,
            "render ahead of requests, onto disk, in a low-priority child process once per "
            "store generation, every page of each document whose subject more than this many "
            "triples name (0: none)"),
    Setting("LDCV_AHEAD_DIR", "str", None,
            "where a server on a SPARQL store (LDCV_SPARQL_STORE) keeps the documents it "
            "renders ahead (LDCV_AHEAD_TRIPLES), shared by the processes serving that store",
            optional=True,
            shown="`~/.cache/ldcv/ahead-HASH` (`$XDG_CACHE_HOME`), named after the endpoint"),
    Setting("LDCV_WORKER_MAX_MB", "int", 320,
            "megabytes of resident memory past which granian replaces a server process with "
            "a fresh one, once it finishes its requests (0: never); bounds a long-running "
            "server whatever it is asked (keep it well above a fresh process: some 150 MiB "
            "on a store of 10,000 CVs); a process serving a store there first lets go of "
            "RocksDB's caches"),
    Setting("LDCV_AHEAD_MAX_MB", "int", 0,
            "megabytes of resident memory past which the child rendering documents ahead "
            "(LDCV_AHEAD_TRIPLES) hands over to a fresh one, after a document (0: never); "
            "keep it above what the child needs: some 500 MiB on a store of 10,000 CVs"),
    Setting("LDCV_WORKER_CHECK_INTERVAL", "int", 2,
            "seconds between granian's looks at its server processes' memory (a worker "
            "rendering 30 documents a second at 10,000 CVs grew up to 36 MiB past the bound "
            "in 10 s)",
            public=False),
    Setting("LDCV_MALLOC_TRIM_INTERVAL", "float", 10.0,
            "seconds between returns of freed memory to the system by each process serving "
            "a store and each query worker (0: never)"),
    Setting("LDCV_STORE_CACHE_MB", "int", 64,
            "megabytes a process reading a store (a server process, a query worker) may grow "
            "past its lowest before it opens its snapshot afresh, letting go of RocksDB's "
            "caches, which pyoxigraph cannot size (0: never)"),
)  # fmt: skip

_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def setting_named(name: str) -> Setting:
    """The declaration of ``name``; ``ConfigError`` for a name that is not a setting."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ConfigError(f"{name}: no such setting") from None


def defaults() -> dict[str, Any]:
    """Every setting at its default."""
    return {s.name: s.default for s in SETTINGS}


def default_base_uri(host: str, port: int | str) -> str:
    """The base URI when none is configured: where the server listens."""
    return f"http://{host}:{port}"


def read_config(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Every setting: the defaults, then the environment, then ``overrides``, each checked.

    Keys of ``overrides`` that are not ``LDCV_*`` (Flask's own, say) pass through
    unchanged; an unknown ``LDCV_*`` key raises. ``LDCV_*`` environment variables that
    are not settings (a benchmark's) are left alone. ``LDCV_BASE_URI`` comes out without
    a trailing slash, and as ``http://HOST:PORT`` where none is given.
    """
    environ = os.environ if environ is None else environ
    settings = defaults()
    for s in SETTINGS:
        if s.environment and s.name in environ:
            settings[s.name] = s.parse(environ[s.name])
    for name, value in (overrides or {}).items():
        if name.startswith(PREFIX):
            settings[name] = setting_named(name).convert(value)
        else:
            settings[name] = value
    base = settings["LDCV_BASE_URI"] or default_base_uri(
        settings["LDCV_HOST"], settings["LDCV_PORT"]
    )
    settings["LDCV_BASE_URI"] = base.rstrip("/")
    return settings


def environment_value(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One setting from the environment alone (its default where unset), checked."""
    environ = os.environ if environ is None else environ
    s = setting_named(name)
    return s.parse(environ[name]) if s.environment and name in environ else s.default


def config_value(config: Mapping[str, Any], name: str) -> Any:
    """One setting from a mapping that may lack it (an app's config), checked."""
    s = setting_named(name)
    return s.convert(config[name]) if name in config else s.default


def as_environment(values: Mapping[str, Any]) -> dict[str, str]:
    """Settings as environment text that ``read_config`` reads back (for worker processes)."""
    return {name: setting_named(name).to_text(value) for name, value in values.items()}


def markdown_table() -> str:
    """The README's configuration table: every public setting, in declaration order."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{s.name}` | {s.shown_default} | {s.help} |" for s in SETTINGS if s.public]
    return "\n".join(lines) + "\n"
