"""Fixtures of the build tests: the seed's site built from its YAML, to hold others against."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ldcv.build.site import build_site
from ldcv.pipeline import Dataset


@pytest.fixture(scope="module")
def seed_yaml_site(seed_dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static site of ``seed_dataset`` (``data/`` under http://cv.example.org), built in
    one process (read it only)."""
    outdir = tmp_path_factory.mktemp("seed-yaml-site") / "site"
    build_site(seed_dataset, outdir, jobs=1)
    return outdir


APACHE_MODULES = ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers")


@pytest.fixture(scope="session")
def apache_serving(start_server) -> Callable[[Callable[[str], Dataset]], Any]:
    """``with apache_serving(dataset_at) as base``: Apache serving a static build."""
    return lambda dataset_at: _apache_serving(start_server, dataset_at)


@contextmanager
def _apache_serving(start_server, dataset_at: Callable[[str], Dataset]) -> Iterator[str]:
    """Apache 2.4 serving the static build of ``dataset_at(base)`` with its .htaccess, on a
    free local port; yield the base URL."""
    # Apache's workers run as www-data, who cannot enter pytest's private tmp dirs.
    work = Path(tempfile.mkdtemp(prefix="ldcv-apache-"))
    work.chmod(0o755)

    def command(port: int) -> list[str]:
        build_site(dataset_at(f"http://127.0.0.1:{port}"), work / "site")
        modules = "\n".join(
            f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so" for m in APACHE_MODULES
        )
        user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
        conf = work / "httpd.conf"
        conf.write_text(
            f"ServerRoot {work}\nServerName 127.0.0.1\nListen 127.0.0.1:{port}\n{modules}\n"
            f"PidFile {work}/apache.pid\nErrorLog {work}/error.log\n{user}"
            f"TypesConfig /etc/mime.types\nDocumentRoot {work}/site\n"
            f"<Directory {work}/site>\n  AllowOverride All\n  Require all granted\n</Directory>\n"
        )
        return ["apache2", "-X", "-f", str(conf)]

    try:
        with start_server.process(command) as live:
            yield live.base
    finally:
        shutil.rmtree(work, ignore_errors=True)
