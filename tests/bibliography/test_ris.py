"""The RIS export, read by rispy, agrees with the YAML."""

from __future__ import annotations

import rispy

from ldcv.bibliography.ris import ris_record

RIS_TYPES = {
    "journal-article": "JOUR",
    "conference-paper": "CPAPER",
    "workshop-paper": "CPAPER",
    "book-chapter": "CHAP",
    "preprint": "UNPB",
    "thesis-doctoral": "THES",
    "thesis-master": "THES",
    "thesis-bachelor": "THES",
    "patent": "PAT",
}


def test_rispy_reads_every_seed_work_with_the_yamls_fields(seed_export, seed_works, initials_agree):
    records = rispy.loads(seed_export("ris").decode("utf-8"))
    assert len(records) == len(seed_works)
    found = {r["number"] if r["type_of_reference"] == "PAT" else r["title"]: r for r in records}
    for work in seed_works:
        record = found[work.number or work.title]
        assert record["type_of_reference"] == RIS_TYPES[work.kind], work.title
        assert record["year"] == work.year
        authors = [a.split(", ", 1) for a in record["authors"]]
        assert [a[0] for a in authors] == [b[0] for b in work.bylines]
        for (_, given), (_, initials) in zip(authors, work.bylines, strict=True):
            assert initials_agree(initials, given)
        venue = record.get("journal_name") or record.get("secondary_title")
        assert venue == work.venue
        assert record.get("volume") == work.volume
        assert record.get("number") == (work.issue or work.number)
        pages = "-".join(p for p in (record.get("start_page"), record.get("end_page")) if p)
        assert pages == (work.pages or "")
        assert record.get("doi") == work.doi
        if work.arxiv:
            assert f"https://arxiv.org/abs/{work.arxiv}" in record["urls"]
        if work.office:
            assert record["place_published"] == work.office


def test_a_record_keeps_one_line_per_field():
    record = ris_record(
        {"id": "k", "type": "article-journal", "title": "Two\nlines", "author": [{"literal": "X"}]}
    )
    assert "TI  - Two lines\n" in record
    assert record.startswith("TY  - JOUR\n") and record.endswith("ER  - \n")
    assert rispy.loads(record)[0]["authors"] == ["X"]
