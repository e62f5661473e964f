"""Works merged into a CV file: only the new entries change the file, and it still validates."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from ldcv.errors import InputError
from ldcv.imports.bibtex_reader import parse_bibtex, read_bibtex
from ldcv.imports.csl_reader import read_csl
from ldcv.imports.merge import import_into
from ldcv.load import load_file, load_paths

BASE = "http://cv.example.org"
ROOT = Path(__file__).resolve().parents[2]


def _only_inserted(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``; fail if it changes or drops any line."""
    matcher = difflib.SequenceMatcher(a=before.splitlines(True), b=after.splitlines(True))
    inserted = []
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        assert tag in ("equal", "insert"), f"an import changed existing lines: {tag}"
        if tag == "insert":
            inserted.extend(after.splitlines(True)[j1:j2])
    return inserted


def test_entries_go_to_the_end_of_the_list_and_every_other_byte_stays(small_cv: Path):
    read = parse_bibtex(
        "@article{x, author={Doe, Jane and Example, Ada}, title={A New Work}, "
        "journal={J}, year=2021}",
        "new.bib",
    )
    outcome = import_into(read, small_cv, BASE)
    inserted = _only_inserted(outcome.before, outcome.after)
    assert "".join(inserted) == (
        "  - key: doe-2021-a-new-work\n"
        "    kind: journal-article\n"
        '    title: "A New Work"\n'
        "    authors: [Doe J, Example A]\n"
        "    year: 2021\n"
        "    journal: J\n"
    )
    # Inserted after the last entry, before the comment that leads the next section.
    assert outcome.after.index("doe-2021") < outcome.after.index("# A comment after the list")


def test_the_seed_keeps_every_byte_and_loads_with_the_new_publications(seed_copy, imports):
    outcome = import_into(read_bibtex(imports / "zotero.bib"), seed_copy, BASE)
    assert outcome.after.startswith(outcome.before)
    seed_copy.write_text(outcome.after, encoding="utf-8")
    cv = load_file(seed_copy)
    added = {p.key: p for p in cv.publications if p.key in dict(outcome.added)}
    assert len(added) == 3
    chapter = added["kohlbrenner-2024-erklaerbare-ki-in-der"]
    assert [a.person for a in chapter.authors] == [
        "kohlbrenner-m",  # the coauthor the seed's bylines already name
        "marik-o",
        "sebastian-lapuschkin",
    ]


def test_works_already_there_are_skipped_and_named(seed_copy, imports):
    outcome = import_into(read_bibtex(imports / "zotero.bib"), seed_copy, BASE)
    already = {work.origin.split(" (")[0]: listed for work, listed in outcome.already}
    assert already == {
        "line 3": "'lapuschkin-2019-unmasking-clever-hans-predictors'",
        "line 14": "'becker-2018-interpreting-and-explaining-deep'",
    }


def test_names_nobody_has_are_reported_once(seed_copy, imports):
    outcome = import_into(read_bibtex(imports / "zotero.bib"), seed_copy, BASE)
    unplaced = [p.written for p in outcome.unplaced]
    assert unplaced == ["Pahde F", "Achtibat R", "Eisenbraun I", "Bosse S", "Wiegand T", "Mařík O"]


def test_a_result_that_would_not_validate_is_refused_with_the_reason(small_cv: Path):
    before = small_cv.read_bytes()
    read = parse_bibtex(
        "@article{x, author={Doe, Jane}, title={Bad Link}, journal={J}, year=2021, "
        "url={https://example.org/a b}}",
        "bad.bib",
    )
    with pytest.raises(InputError) as error:
        import_into(read, small_cv, BASE)
    (problem,) = error.value.problems
    assert problem.file == str(small_cv)
    assert problem.field == "publications[1].url"
    assert small_cv.read_bytes() == before
    assert sorted(p.name for p in small_cv.parent.iterdir()) == ["ada.yaml"]


def test_the_owners_full_name_joins_their_aliases_in_place(small_cv: Path):
    read = parse_bibtex(
        "@article{x, author={Example, Ada and Doe, Jane}, title={By Full Name}, journal={J}, "
        "year=2022}\n@article{y, author={Example, Ada}, title={Again}, journal={J}, year=2023}",
        "full.bib",
    )
    small_cv.write_text(
        small_cv.read_text(encoding="utf-8").replace("  aliases: [Example A]\n", ""),
        encoding="utf-8",
    )
    small_cv.write_text(
        small_cv.read_text(encoding="utf-8").replace("[Example A, Doe J]", "[Doe J]"),
        encoding="utf-8",
    )
    outcome = import_into(read, small_cv, BASE)
    assert [p.written for p in outcome.new_aliases] == ["Example A"]
    inserted = _only_inserted(outcome.before, outcome.after)
    assert inserted[0] == "  aliases: [Example A]\n"
    assert outcome.after.index("aliases:") < outcome.after.index("\npublications:")
    small_cv.write_text(outcome.after, encoding="utf-8")
    cv = load_file(small_cv)
    owned = [p.key for p in cv.publications if p.authors[0].person == cv.owner.key]
    assert owned == ["example-2022-by-full-name", "example-2023-again"]


def test_a_paper_another_cv_lists_is_added_as_that_cv_writes_it(tmp_path: Path):
    folder = tmp_path / "group"
    shutil.copytree(ROOT / "tests" / "fixtures" / "overlapping-cvs", folder)
    read = parse_bibtex(
        "@article{d, author={Babbage, Charles}, title={On the Difference Engine}, "
        "journal={Phil. Trans.}, year=2016}\n"
        '@article{e, author={Lovelace, Ada and Babbage, Charles and M{\\"u}ller, K.-R.}, '
        "title={On Engines}, journal={Memoirs}, year=2015}",
        "group.bib",
    )
    target = folder / "ada.yaml"
    outcome = import_into(read, target, BASE)
    assert [(w.origin.split(" (")[0], p.key) for w, p in outcome.shared] == [
        ("line 1", "difference-engine")
    ]
    assert [listed for _, listed in outcome.already] == ["'engines'"]
    assert "".join(_only_inserted(outcome.before, outcome.after)) == (
        "  - key: difference-engine\n"
        "    kind: journal-article\n"
        '    title: "On the difference engine"\n'
        "    authors: [Babbage C]\n"
        "    year: 2016\n"
        "    journal: Philosophical Transactions\n"
    )
    target.write_text(outcome.after, encoding="utf-8")
    cvs, _ = load_paths([folder])
    assert {p.key for cv in cvs for p in cv.publications if cv.owner.key == "ada-lovelace"} == {
        "engines",
        "difference-engine",
    }


def test_a_crlf_file_keeps_its_line_ends(small_cv: Path):
    small_cv.write_bytes(small_cv.read_bytes().replace(b"\n", b"\r\n"))
    before = small_cv.read_bytes().decode("utf-8")
    read = parse_bibtex("@article{x, author={Doe, Jane}, title={T}, journal={J}, year=2021}", "b")
    outcome = import_into(read, small_cv, BASE)
    assert outcome.before == before
    inserted = _only_inserted(outcome.before, outcome.after)
    assert inserted and all(line.endswith("\r\n") for line in inserted)


def test_an_orcid_in_the_yaml_places_a_name_spelled_otherwise(small_cv: Path, tmp_path: Path):
    text = small_cv.read_text(encoding="utf-8")
    small_cv.write_text(
        text.replace(
            "  aliases: [Example A]\n", "  aliases: [Example A]\n  orcid: 0000-0002-1825-0097\n"
        ),
        encoding="utf-8",
    )
    csl = tmp_path / "orcid.csl.json"
    csl.write_text(
        '[{"type": "article-journal", "title": "Spelled Otherwise", "container-title": "J", '
        '"issued": {"date-parts": [[2022]]}, "author": [{"family": "Exampel", "given": "Ada M.", '
        '"ORCID": "https://orcid.org/0000-0002-1825-0097"}]}]',
        encoding="utf-8",
    )
    outcome = import_into(read_csl(csl), small_cv, BASE)
    assert outcome.unplaced == []
    assert "    authors: [Example A]\n" in outcome.after
