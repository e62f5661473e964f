"""The text a reader sees: dates at their precision, labels from terms, paragraphs."""

from __future__ import annotations

import pytest

from ldcv.pages.text import format_date, humanize, lead_label, local_name, paragraphs


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("2021", "2021"),
        ("2014-10", "Oct 2014"),
        ("2021-07-28", "28 Jul 2021"),
        ("2021-07-28T10:00:00", "28 Jul 2021"),
        (None, ""),
        ("2014-13", "2014-13"),  # not a date: shown as written
        ("sometime", "sometime"),
    ],
)
def test_format_date_keeps_the_precision_of_the_date(value, text) -> None:
    assert format_date(value) == text


def test_local_name_is_the_part_after_the_last_hash_or_slash() -> None:
    assert local_name("http://schema.org/startDate") == "startDate"
    assert local_name("https://w3id.org/ldcv/vocab#skillGroup") == "skillGroup"
    assert local_name("http://example.org/id/person/ada/") == "ada"


def test_humanize_turns_a_term_into_a_sentence_case_label() -> None:
    assert humanize("startDate") == "Start date"
    assert humanize("http://purl.org/ontology/bibo/pageEnd") == "Page end"
    assert humanize("field_of_study") == "Field of study"


def test_paragraphs_split_on_blank_lines_and_join_wrapped_lines() -> None:
    text = "First line\nwrapped.\n\n\n  Second.  \n\n   "
    assert paragraphs(text) == ["First line wrapped.", "Second."]


def test_lead_label_splits_a_short_capitalised_label_from_its_text() -> None:
    assert lead_label("Research focus: explainable AI") == ("Research focus", "explainable AI")
    assert lead_label("Topics of my recent work: XAI") == (None, "Topics of my recent work: XAI")
    assert lead_label("No label here") == (None, "No label here")
