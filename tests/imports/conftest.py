"""Fixtures of the import tests: the import fixture files and a CV folder to import into."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "sebastian-lapuschkin.yaml"
IMPORTS = ROOT / "tests" / "fixtures" / "imports"


@pytest.fixture
def imports() -> Path:
    """The folder of import fixtures: BibTeX, RIS, CSL-JSON, ORCID and JSON Resume files."""
    return IMPORTS


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """The seed CV, alone in a folder of its own: a CV file an import may change."""
    folder = tmp_path / "data"
    folder.mkdir()
    target = folder / "sebastian-lapuschkin.yaml"
    shutil.copyfile(SEED, target)
    return target


@pytest.fixture
def small_cv(tmp_path: Path) -> Path:
    """A CV with an owner, a comment and one publication, in a folder of its own."""
    folder = tmp_path / "small"
    folder.mkdir()
    target = folder / "ada.yaml"
    target.write_text(
        "# Ada's CV: this comment, the order and the layout must survive an import.\n"
        "person:\n"
        "  given_name: Ada\n"
        "  family_name: Example   # a trailing comment\n"
        "  aliases: [Example A]\n"
        "\n"
        "publications:\n"
        "  - kind: journal-article\n"
        '    title: "Known Work"\n'
        "    authors: [Example A, Doe J]\n"
        "    year: 2020\n"
        "    journal: Journal of Things\n"
        "\n"
        "# A comment after the list, before the next section.\n"
        "languages:\n"
        "  - {name: English, code: en, level: native}\n",
        encoding="utf-8",
    )
    return target
