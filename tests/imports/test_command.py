"""``ldcv import``: the diff of a dry run, exit codes, nothing written on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ldcv.cli import main
from ldcv.errors import EXIT_INPUT, EXIT_NOT_CONFORMANT, EXIT_OK, EXIT_USAGE
from ldcv.load import load_file

BASE = ["--base-uri", "http://cv.example.org"]


def test_a_dry_run_prints_the_diff_and_writes_nothing(seed_copy, imports, capsys):
    before = seed_copy.read_bytes()
    code = main(["import", "ris", str(imports / "mendeley.ris"), "--into", str(seed_copy),
                 "--dry-run", *BASE])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    assert seed_copy.read_bytes() == before
    assert out.startswith(f"--- {seed_copy}\n+++ {seed_copy}\n@@ ")
    added = [line for line in out.splitlines() if line.startswith("+  - key:")]
    assert added == [
        "+  - key: dreyer-2023-revealing-hidden-context-bias",
        "+  - key: ede-2022-explain-to-not-forget",
    ]
    assert "is 'montavon-2019-layer-wise-relevance-propagation'" in err
    assert "is 'sun-2021-explain-and-improve-lrp'" in err
    assert "dry run: nothing written" in err


def test_an_import_writes_the_file_atomically_and_it_loads(seed_copy, imports, capsys):
    code = main(["import", "csl", str(imports / "zotero.csl.json"), "--into", str(seed_copy),
                 *BASE])  # fmt: skip
    assert code == EXIT_OK
    keys = {p.key for p in load_file(seed_copy).publications}
    assert "achtibat-2023-from-attribution-maps-to" in keys
    assert "added 2 publication(s)" in capsys.readouterr().err  # ECQX is there already
    assert sorted(p.name for p in seed_copy.parent.iterdir()) == [seed_copy.name]


@pytest.mark.parametrize(
    ("fmt", "fixture", "where"),
    [
        ("bibtex", "syntax-error.bib", "syntax-error.bib:8: BibTeX syntax error"),
        ("ris", "no-type.ris", "no-type.ris:8: RIS record 2 starts with AU"),
        ("csl", "not-csl.json", "not-csl.json: item 2: not a CSL-JSON item"),
        ("csl", "broken.json", "broken.json:4: not JSON"),
        ("orcid", "zotero.csl.json", "zotero.csl.json: not an ORCID v3.0 works document"),
        ("jsonresume", "not-resume.json", "not-resume.json: basics: not a JSON Resume"),
    ],
)
def test_bad_input_names_file_and_place_and_writes_nothing(
    fmt, fixture, where, small_cv, imports, capsys
):
    into = small_cv if fmt != "jsonresume" else small_cv.parent / "new.yaml"
    before = small_cv.read_bytes()
    code = main(["import", fmt, str(imports / fixture), "--into", str(into), *BASE])
    assert code == EXIT_INPUT
    assert where in capsys.readouterr().err
    assert small_cv.read_bytes() == before
    assert sorted(p.name for p in small_cv.parent.iterdir()) == [small_cv.name]


def test_without_into_the_entries_go_to_stdout_as_yaml(imports, capsys):
    assert main(["import", "orcid", str(imports / "orcid-works.json")]) == EXIT_OK
    out = capsys.readouterr().out
    publications = yaml.safe_load(out)["publications"]
    assert [p["key"] for p in publications] == [
        "yeom-2021-pruning-by-explaining-a",
        "weber-2023-layer-wise-feedback-propagation",
    ]
    assert publications[1]["arxiv"] == "2308.12053"


def test_a_json_resume_becomes_a_new_cv_that_loads(tmp_path: Path, imports, capsys):
    target = tmp_path / "ada-lovelace.yaml"
    assert main(["import", "jsonresume", str(imports / "jsonresume.json"), "--into",
                 str(target), *BASE]) == EXIT_OK  # fmt: skip
    cv = load_file(target)
    assert (cv.owner.given_name, cv.owner.family_name) == ("Ada", "Lovelace")
    assert [p.title for p in cv.positions] == ["Analyst"]
    assert cv.education[0].level == "master"
    assert [lang.code for lang in cv.languages] == ["en"]
    err = capsys.readouterr().err
    assert "no BCP 47 code known for 'Klingon'" in err
    assert "publications (1): JSON Resume gives no authors" in err


def test_a_json_resume_never_overwrites_a_cv(small_cv, imports, capsys):
    before = small_cv.read_bytes()
    code = main(["import", "jsonresume", str(imports / "jsonresume.json"), "--into", str(small_cv)])
    assert code == EXIT_USAGE
    assert small_cv.read_bytes() == before
    assert "exists" in capsys.readouterr().err


def test_a_result_the_shapes_refuse_is_not_written(seed_copy, tmp_path, capsys):
    old = tmp_path / "old.bib"
    old.write_text(
        "@article{old, author={Lovelace, Ada}, title={Sketch of the Analytical Engine}, "
        "journal={Scientific Memoirs}, year={1843}}\n",
        encoding="utf-8",
    )
    before = seed_copy.read_bytes()
    code = main(["import", "bibtex", str(old), "--into", str(seed_copy), *BASE])
    assert code == EXIT_NOT_CONFORMANT
    assert f"Violation: {seed_copy}:" in capsys.readouterr().err
    assert seed_copy.read_bytes() == before
    assert sorted(p.name for p in seed_copy.parent.iterdir()) == [seed_copy.name]


def test_the_file_keeps_its_mode_after_the_rename(small_cv, imports):
    small_cv.chmod(0o640)
    assert main(["import", "bibtex", str(imports / "zotero.bib"), "--into", str(small_cv),
                 *BASE]) == EXIT_OK  # fmt: skip
    assert small_cv.stat().st_mode & 0o777 == 0o640
    assert "Reveal to Revise" in small_cv.read_text(encoding="utf-8")


def test_a_folder_that_does_not_load_is_reported_before_anything_is_done(small_cv, imports, capsys):
    text = small_cv.read_text(encoding="utf-8")
    small_cv.write_text(text.replace("year: 2020", "year: 2020-13"), encoding="utf-8")
    before = small_cv.read_bytes()
    code = main(["import", "bibtex", str(imports / "zotero.bib"), "--into", str(small_cv)])
    assert code == EXIT_INPUT
    err = capsys.readouterr().err
    assert "'2020-13' is not a date" in err
    assert "does not load before the import" in err
    assert small_cv.read_bytes() == before


def test_a_json_resume_dry_run_prints_the_new_file_as_a_diff(tmp_path: Path, imports, capsys):
    target = tmp_path / "ada.yaml"
    code = main(["import", "jsonresume", str(imports / "jsonresume.json"), "--into", str(target),
                 "--dry-run", *BASE])  # fmt: skip
    assert code == EXIT_OK
    assert not target.exists()
    out = capsys.readouterr().out
    assert out.startswith(f"--- /dev/null\n+++ {target}\n")
    assert "+  family_name: Lovelace\n" in out


@pytest.mark.parametrize(
    ("fmt", "fixture"),
    [("bibtex", "zotero.bib"), ("ris", "mendeley.ris"), ("csl", "zotero.csl.json"),
     ("csl", "doi-org.csl.json"), ("orcid", "orcid-works.json")],
)  # fmt: skip
@pytest.mark.slow
def test_a_second_import_of_the_same_file_changes_nothing(fmt, fixture, seed_copy, imports):
    arguments = ["import", fmt, str(imports / fixture), "--into", str(seed_copy), *BASE]
    assert main(arguments) == EXIT_OK
    once = seed_copy.read_bytes()
    assert main(arguments) == EXIT_OK
    assert seed_copy.read_bytes() == once


def test_a_json_resume_of_an_owner_the_folder_has_is_refused(seed_copy, tmp_path, capsys):
    resume = tmp_path / "again.json"
    resume.write_text('{"basics": {"name": "Sebastian Lapuschkin"}}', encoding="utf-8")
    target = seed_copy.parent / "second.yaml"
    code = main(["import", "jsonresume", str(resume), "--into", str(target), *BASE])
    assert code == EXIT_INPUT
    assert f"'sebastian-lapuschkin' is also the owner of {seed_copy}" in capsys.readouterr().err
    assert not target.exists()
