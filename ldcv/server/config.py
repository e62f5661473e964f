"""The server's settings: defaults, then ``LDCV_*`` environment variables, then arguments."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

DEFAULTS: dict[str, Any] = {
    "LDCV_DATA": ("data",),  # YAML files or directories; os.pathsep-separated in the environment
    "LDCV_BASE_URI": None,  # None: http://HOST:PORT
    "LDCV_HOST": "127.0.0.1",
    "LDCV_PORT": 8000,
    "LDCV_RELOAD": False,  # re-prepare the data when its files change
    "LDCV_RELOAD_INTERVAL": 1.0,  # seconds between looks at the files
    "LDCV_MAX_AGE": 300,  # Cache-Control max-age of documents, in seconds
    "LDCV_PRERENDER": True,  # serialize every document in every format at start-up
    "LDCV_DATASET": None,  # an already prepared Dataset (tests, benchmarks): skips LDCV_DATA
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _from_environment(name: str, text: str) -> Any:
    """Read one environment variable as the type of its default."""
    default = DEFAULTS[name]
    if name == "LDCV_DATA":
        return tuple(p for p in text.split(os.pathsep) if p)
    if isinstance(default, bool):
        value = text.strip().lower()
        if value not in _TRUE | _FALSE:
            raise ValueError(f"{name}={text!r}: expected one of 1/0, true/false, yes/no, on/off")
        return value in _TRUE
    try:
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
    except ValueError:
        raise ValueError(f"{name}={text!r}: expected a number") from None
    return text


def load_config(
    config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Merge the defaults, the ``LDCV_*`` environment variables and ``config``, in that order."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name, text in environ.items():
        if name.startswith("LDCV_") and name != "LDCV_DATASET":
            # Settings of other blueprints (LDCV_SPARQL_TIMEOUT …) pass through as text.
            settings[name] = _from_environment(name, text) if name in DEFAULTS else text
    settings.update(config or {})
    data = settings["LDCV_DATA"]
    settings["LDCV_DATA"] = (data,) if isinstance(data, str | os.PathLike) else tuple(data)
    if not settings["LDCV_BASE_URI"]:
        settings["LDCV_BASE_URI"] = f"http://{settings['LDCV_HOST']}:{settings['LDCV_PORT']}"
    settings["LDCV_BASE_URI"] = str(settings["LDCV_BASE_URI"]).rstrip("/")
    return settings
