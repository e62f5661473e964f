"""The CSL-JSON export, read by citeproc-py, agrees with the YAML."""

from __future__ import annotations

import json

from citeproc.source.json import CiteProcJSON

from ldcv.bibliography.csl import dotted_initials

CSL_TYPES = {
    "journal-article": "article-journal",
    "conference-paper": "paper-conference",
    "workshop-paper": "paper-conference",
    "book-chapter": "chapter",
    "preprint": "article",
    "thesis-doctoral": "thesis",
    "thesis-master": "thesis",
    "thesis-bachelor": "thesis",
    "patent": "patent",
}


def test_citeproc_reads_every_seed_work_with_the_yamls_fields(
    seed_export, seed_works, initials_agree
):
    items = json.loads(seed_export("csl-json"))
    source = CiteProcJSON(items)  # citeproc-py's own reader: it refuses what it cannot read
    assert len(source) == len(seed_works)
    found = {i["number"] if i["type"] == "patent" else i["title"]: i for i in items}
    for work in seed_works:
        item = found[work.number or work.title]
        read = source[item["id"].lower()]
        assert read["type"] == CSL_TYPES[work.kind]
        assert str(read["title"]) == work.title
        assert str(read["issued"]["year"]) == work.year
        families = [str(n["family"]) for n in read["author"]]
        assert families == [b[0] for b in work.bylines]
        for name, (_, initials) in zip(item["author"], work.bylines, strict=True):
            assert initials_agree(initials, name["given"])
        assert item.get("container-title") == work.venue
        assert item.get("volume") == work.volume
        assert item.get("issue") == work.issue
        assert item.get("page") == work.pages
        assert item.get("DOI") == work.doi
        if work.arxiv:
            assert (item["publisher"], item["number"]) == ("arXiv", work.arxiv)
        if work.office:
            assert (item["authority"], item["number"]) == (work.office, work.number)


def test_theses_name_their_degree_and_school(seed_export):
    items = [i for i in json.loads(seed_export("csl-json")) if i["type"] == "thesis"]
    genres = sorted(i["genre"] for i in items)
    assert genres == ["Bachelor's thesis", "Master's thesis", "PhD thesis"]
    assert {i["publisher"] for i in items} == {"Berlin Institute of Technology"}


def test_initials_are_written_with_dots():
    assert dotted_initials("K-R") == "K.-R."
    assert dotted_initials("C J") == "C. J."
    assert dotted_initials("AM") == "A. M."
    assert dotted_initials("G S W") == "G. S. W."
