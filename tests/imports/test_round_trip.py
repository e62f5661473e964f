"""Round trips (issue 13, point 6): export → import into an empty CV → export, same records.

For BibTeX, RIS and CSL-JSON, on the seed: its bibliography exported by ``ldcv export
--format …`` is imported into a CV that has the seed's owner and people but no
publications, and that CV's bibliography, exported again, holds the same records as
the first, field for field, read by parsers that are not ours. Patents and theses go
out with the bibliography but are not publications of the CV format: the import
reports them as not imported, and the comparison leaves them out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import bibtexparser
import pytest
import rispy

from ldcv.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
SEED = DATA / "sebastian-lapuschkin.yaml"
BASE = ["--base-uri", "http://cv.example.org"]
SEED_PUBLICATIONS = 39

Records = dict[str, dict]


def _bibtex(path: Path) -> Records:
    library = bibtexparser.parse_file(str(path))
    assert not library.failed_blocks
    return {
        e.key: {"type": e.entry_type, **{f.key: f.value for f in e.fields}}
        for e in library.entries
        if e.entry_type not in ("patent", "phdthesis", "mastersthesis", "thesis")
    }


def _ris(path: Path) -> Records:
    with path.open(encoding="utf-8") as text:
        records = rispy.load(text)
    return {r["id"]: r for r in records if r["type_of_reference"] not in ("PAT", "THES")}


def _csl(path: Path) -> Records:
    items = json.loads(path.read_text(encoding="utf-8"))
    return {i["id"]: i for i in items if i["type"] not in ("patent", "thesis")}


ROUND_TRIPS: list[tuple[str, str, Callable[[Path], Records]]] = [
    ("bibtex", "bibtex", _bibtex),
    ("ris", "ris", _ris),
    ("csl-json", "csl", _csl),
]


def _ldcv(*args: str) -> int:
    """Run the command in this process; its exit code, also where argparse exits."""
    try:
        return main(list(args))
    except SystemExit as exit_:
        return int(exit_.code or 0)


def _empty_cv(folder: Path) -> Path:
    """The seed's owner and people, without publications, nor the aliases only they use."""
    text = SEED.read_text(encoding="utf-8")
    head = text[: text.index("\norganizations:")] + "\n"
    folder.mkdir()
    target = folder / SEED.name
    target.write_text(re.sub(r"(?m)^ +aliases: .*\n", "", head), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("export", "imported", "records"), ROUND_TRIPS, ids=[e for e, _, _ in ROUND_TRIPS]
)
@pytest.mark.slow
def test_export_import_export_gives_the_same_records(export, imported, records, tmp_path):
    first = tmp_path / f"seed.{export}"
    assert _ldcv("export", str(DATA), "--format", export, "-o", str(first), *BASE) == 0
    empty = _empty_cv(tmp_path / "empty")
    assert _ldcv("validate", str(empty.parent), *BASE) == 0
    assert _ldcv("import", imported, str(first), "--into", str(empty), *BASE) == 0
    again = tmp_path / f"again.{export}"
    assert _ldcv("export", str(empty.parent), "--format", export, "-o", str(again), *BASE) == 0
    expected = records(first)
    assert len(expected) == SEED_PUBLICATIONS
    assert records(again) == expected
