"""citation-js (Node), a reader that is not ours, reads each export as the YAML says."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

READER = Path(__file__).resolve().parents[1] / "node" / "citation-js-read.mjs"
SUFFIXES = {"bibtex": "bib", "ris": "ris", "csl-json": "csl.json"}


def _read_with_citation_js(path: Path, fmt_key: str) -> tuple[list[dict], str]:
    result = subprocess.run(
        ["node", str(READER), str(path), fmt_key],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data, _, bibliography = result.stdout.partition("\n---\n")
    return json.loads(data), bibliography


@pytest.mark.node
@pytest.mark.slow
@pytest.mark.parametrize("fmt_key", list(SUFFIXES))
def test_citation_js_reads_every_seed_work_as_the_yaml_says(
    seed_export, seed_works, initials_agree, tmp_path, fmt_key
):
    path = tmp_path / f"seed.{SUFFIXES[fmt_key]}"
    path.write_bytes(seed_export(fmt_key))
    items, bibliography = _read_with_citation_js(path, fmt_key)
    assert len(items) == len(seed_works)
    # A patent's grants may share a title: each is found by its number.
    found = {i["title"]: i for i in items} | {i["number"]: i for i in items if "number" in i}
    for work in seed_works:
        item = found[work.number or work.title]
        assert str(item["issued"]["date-parts"][0][0]) == work.year, work.title
        assert [a["family"] for a in item["author"]] == [b[0] for b in work.bylines]
        for name, (_, initials) in zip(item["author"], work.bylines, strict=True):
            assert initials_agree(initials, name["given"]), (work.title, name)
        venue = item.get("container-title") or item.get("event-title")
        assert venue == work.venue, (fmt_key, work.title)
        assert item.get("volume") == work.volume
        assert (item.get("page") or "").replace("\u2013", "-") == (work.pages or "")
        assert (item.get("DOI") or None) == work.doi
        if work.arxiv:
            assert work.arxiv in json.dumps(item)
        # The CSL plugin formats what the reader understood: one APA entry per work.
        assert work.title.split(":")[0][:25].lower() in bibliography.lower()
