"""Names, identifiers and pages as every reader normalises them."""

from __future__ import annotations

import pytest

from ldcv.imports.works import (
    ImportedName,
    arxiv_id,
    clean_doi,
    clean_pages,
    find_preprint,
    split_name,
)


@pytest.mark.parametrize(
    ("given", "byline"),
    [
        ("Klaus-Robert", "Müller K-R"),
        ("K.-R.", "Müller K-R"),
        ("C.J.", "Müller C J"),
        ("Christopher J.", "Müller C J"),
        ("Gary S. W.", "Müller G S W"),
    ],
)
def test_a_name_becomes_the_byline_the_yaml_writes(given, byline):
    assert ImportedName("Müller", given).byline == byline


@pytest.mark.parametrize(
    ("written", "family", "given"),
    [
        ("Müller, Klaus-Robert", "Müller", "Klaus-Robert"),
        ("Müller K-R", "Müller", "K-R"),
        ("Klaus-Robert Müller", "Müller", "Klaus-Robert"),
    ],
)
def test_names_split_in_every_written_order(written, family, given):
    name = split_name(written)
    assert (name.family, name.given) == (family, given)


def test_identifiers_lose_their_prefixes_and_versions():
    assert (
        clean_doi("https://doi.org/10.1016/j.inffus.2021.07.008") == "10.1016/j.inffus.2021.07.008"
    )
    assert clean_doi("not a doi") is None
    assert arxiv_id("arXiv:2109.04236v2") == "2109.04236v2"
    assert arxiv_id("https://arxiv.org/pdf/2109.04236.pdf") == "2109.04236"
    assert arxiv_id("0703.1234") is None  # no new-style id before April 2007
    assert clean_pages("211--222") == "211-222"
    assert find_preprint("10.48550/arXiv.2109.04236") == ("arxiv", "2109.04236")
    assert find_preprint("10.1101/2020.12.10.20225243", "medRxiv") == (
        "medrxiv",
        "2020.12.10.20225243",
    )
