"""What users install: the sdist and the wheel built from it, in a new virtual environment.

The wheel is installed (not editable) with the ``serve`` extra into a fresh venv, and
each command runs there, from a folder outside the source tree, on a copy of the seed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from rdflib import Graph

from ldcv import __version__
from ldcv.rdf.formats import RDF_FORMATS

ROOT = Path(__file__).resolve().parents[1]
SEED_OWNER = "sebastian-lapuschkin"

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Installed:
    """A virtual environment holding ldcv from its wheel, and a folder to work in."""

    wheel: Path
    sdist: Path
    bin: Path
    workdir: Path

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [str(self.bin / "ldcv"), *args],
            cwd=self.workdir,
            capture_output=True,
            timeout=timeout,
            check=False,
            env=_clean_environment(),
        )


def _clean_environment() -> dict[str, str]:
    """The environment without our venv or source tree, and without LDCV_* settings."""
    return {
        k: v for k, v in os.environ.items() if not k.startswith(("LDCV_", "VIRTUAL_ENV", "PYTHON"))
    }


def _tracked_package_files() -> set[str]:
    """The files git tracks under ldcv/ and shapes/, by their path inside the wheel."""
    listed = subprocess.run(
        ["git", "ls-files", "ldcv", "shapes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return {("ldcv/" + p if p.startswith("shapes/") else p) for p in listed}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    dist = tmp_path_factory.mktemp("dist")
    # The sdist first, then the wheel from the sdist: a file the sdist lacks is missed.
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("ldcv-*.whl")
    (sdist,) = dist.glob("ldcv-*.tar.gz")
    venv = tmp_path_factory.mktemp("venv")
    # Without a pip of its own (ensurepip takes ~3 s): this venv's pip installs into it.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = ["install", "--quiet", f"ldcv[serve] @ {wheel.as_uri()}"]
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, *install],
        check=True,
        capture_output=True,
        env=_clean_environment(),  # a PYTHONPATH to the source would make pip skip ldcv
    )
    workdir = tmp_path_factory.mktemp("work")
    (workdir / "data").mkdir()
    for source in (ROOT / "data").glob("*.yaml"):
        (workdir / "data" / source.name).write_bytes(source.read_bytes())
    yield Installed(wheel, sdist, venv / "bin", workdir)


def test_the_wheel_holds_every_file_of_the_package(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    missing = _tracked_package_files() - names
    assert not missing, missing
    assert "ldcv/shapes/ldcv.shapes.ttl" in names and "ldcv/pages/templates/base.html" in names


def test_the_sdist_holds_the_sources_the_wheel_is_built_from(installed: Installed) -> None:
    with tarfile.open(installed.sdist) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    expected = {p.replace("ldcv/shapes/", "shapes/", 1) for p in _tracked_package_files()}
    assert not expected - names, expected - names


def test_the_installed_package_is_not_the_source_tree(installed: Installed) -> None:
    where = subprocess.run(
        [str(installed.bin / "python"), "-c", "import ldcv; print(ldcv.__file__)"],
        cwd=installed.workdir,
        env=_clean_environment(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert "site-packages" in where and not where.startswith(str(ROOT)), where


def test_version(installed: Installed) -> None:
    result = installed.run("--version")
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"ldcv {__version__}"


def test_validate(installed: Installed) -> None:
    result = installed.run("validate")
    assert result.returncode == 0, result.stderr.decode()
    assert "conforms: Sebastian Lapuschkin" in result.stderr.decode()


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.key)
def test_export_in_every_format(installed: Installed, fmt, no_network) -> None:
    result = installed.run("export", "--format", fmt.key, "--base-uri", "https://cv.example.org")
    assert result.returncode == 0, result.stderr.decode()
    graph = Graph().parse(data=result.stdout, format=fmt.rdflib_name)
    assert len(graph) > 2000


def test_query(installed: Installed, seed_cv) -> None:
    query = (
        "SELECT (COUNT(DISTINCT ?w) AS ?n) "
        "WHERE { ?w <http://purl.org/ontology/bibo/authorList> ?l }"
    )
    result = installed.run("query", query, "--format", "csv")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().split() == ["n", str(len(seed_cv.publications))]


def test_build(installed: Installed) -> None:
    result = installed.run("build", "site", "--base-uri", "https://cv.example.org")
    assert result.returncode == 0, result.stderr.decode()
    site = installed.workdir / "site"
    assert (site / "doc" / "person" / f"{SEED_OWNER}.html").is_file()
    assert (site / "static" / "ldcv.css").is_file()
    assert (site / "nginx.conf").is_file() and (site / ".htaccess").is_file()


def test_embed(installed: Installed) -> None:
    result = installed.run("embed", "--base-uri", "https://cv.example.org")
    assert result.returncode == 0, result.stderr.decode()
    snippet = result.stdout.decode()
    assert snippet.startswith('<script type="application/ld+json">')
    assert f"https://cv.example.org/id/person/{SEED_OWNER}" in snippet


def test_serve_answers_a_request_with_granian(installed: Installed, start_server) -> None:
    ldcv = str(installed.bin / "ldcv")
    with start_server.process(
        lambda port: [ldcv, "serve", "--port", str(port), "--workers", "1"],
        cwd=installed.workdir,
        env=lambda _port: _clean_environment(),
    ) as live:
        response = requests.get(
            live.url(f"/id/person/{SEED_OWNER}"), headers={"Accept": "text/turtle"}, timeout=60
        )
        assert response.status_code == 200 and "Sebastian Lapuschkin" in response.text
        assert response.url.endswith(f"/doc/person/{SEED_OWNER}")
    text = live.stderr()
    assert "with granian" in text, text
    assert "development server" not in text.lower(), text
