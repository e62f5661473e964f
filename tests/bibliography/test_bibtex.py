"""The BibTeX export, read by bibtexparser (v2) and pybtex, agrees with the YAML."""

from __future__ import annotations

import re

import bibtexparser
import pybtex.database
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts

from ldcv.bibliography.bibtex import bibtex_entry, escape

ENTRY_TYPES = {
    "journal-article": "article",
    "conference-paper": "inproceedings",
    "workshop-paper": "inproceedings",
    "book-chapter": "incollection",
    "preprint": "misc",
    "thesis-doctoral": "phdthesis",
    "thesis-master": "mastersthesis",
    "thesis-bachelor": "thesis",
    "patent": "patent",
}


def _plain(text: str) -> str:
    """A field's text without case-protecting braces, as a reader shows it."""
    return re.sub(r"[{}]", "", text)


def _identity(entry_type: str, fields) -> str:
    value = fields["number" if entry_type == "patent" else "title"]
    return _plain(str(getattr(value, "value", value)))


def _parsed(seed_export):
    return bibtexparser.parse_string(
        seed_export("bibtex").decode("utf-8"),
        append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors(), SplitNameParts()],
    )


def test_bibtexparser_reads_every_seed_work_with_the_yamls_fields(
    seed_export, seed_works, initials_agree
):
    library = _parsed(seed_export)
    assert not library.failed_blocks
    assert len(library.entries) == len(seed_works)
    # A patent's grants may share a title: each is found by its number.
    found = {_identity(e.entry_type, e.fields_dict): e for e in library.entries}
    for work in seed_works:
        entry = found[work.number or work.title]
        fields = {name: _plain(str(f.value)) for name, f in entry.fields_dict.items()}
        assert entry.entry_type == ENTRY_TYPES[work.kind], work.title
        assert fields["year"] == work.year
        names = entry.fields_dict["author"].value
        assert [" ".join(n.last) for n in names] == [b[0] for b in work.bylines]
        for name, (_, initials) in zip(names, work.bylines, strict=True):
            assert initials_agree(initials, " ".join(name.first)), (work.title, name)
        venue = fields.get("journal") or fields.get("booktitle")
        assert venue == work.venue
        assert fields.get("volume") == work.volume
        assert fields.get("number") == (work.issue or work.number)
        assert (fields.get("pages") or "").replace("\u2013", "-") == (work.pages or "")
        assert fields.get("eprint") == work.arxiv
        if work.arxiv:
            assert fields["archivePrefix"] == "arXiv"
        assert fields.get("doi") == work.doi


def test_pybtex_reads_the_same_authors_titles_and_years(seed_export, seed_works):
    data = pybtex.database.parse_string(seed_export("bibtex").decode("utf-8"), "bibtex")
    assert len(data.entries) == len(seed_works)
    found = {_identity(e.type, e.fields): e for e in data.entries.values()}
    for work in seed_works:
        entry = found[work.number or work.title]
        assert entry.fields["year"] == work.year
        families = [" ".join(p.last_names) for p in entry.persons["author"]]
        assert families == [_plain(b[0]) for b in work.bylines]


def test_non_ascii_names_are_utf8_not_latex(seed_export):
    text = seed_export("bibtex").decode("utf-8")
    assert "Müller, Klaus-Robert" in text
    assert "Hägele, M." in text
    assert "Marinč, T." in text
    assert '\\"' not in text  # no LaTeX accent commands


def test_citation_keys_are_unique_and_the_seeds_keys_are_readable(seed_export):
    library = _parsed(seed_export)
    keys = [e.key for e in library.entries]
    assert len(keys) == len(set(keys))
    assert "lapuschkin2019unmasking" in keys
    # Two Binder et al. 2016 chapters begin with the same word: told apart by a letter.
    assert {"binder2016layera", "binder2016layerb"} <= set(keys)


def test_special_characters_are_escaped_and_read_back():
    item = {
        "id": "x2020a",
        "type": "article-journal",
        "title": "100% of {braces} & $dollars$ #1 under_score ~ ^ \\",
        "container-title": "Gait & Posture",
        "author": [{"family": "van der Berg", "given": "Ann"}],
        "issued": {"date-parts": [[2020]]},
    }
    entry = bibtexparser.parse_string(
        bibtex_entry(item), append_middleware=[LatexDecodingMiddleware()]
    ).entries[0]
    assert entry.fields_dict["journal"].value == "Gait & Posture"
    assert escape("a & b") == "a \\& b"
    data = pybtex.database.parse_string(bibtex_entry(item), "bibtex")
    person = data.entries["x2020a"].persons["author"][0]
    assert person.last_names == ["{van der Berg}"] or " ".join(person.last_names) == "van der Berg"
