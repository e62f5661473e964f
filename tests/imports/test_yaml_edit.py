"""Entries and aliases spliced into YAML text: every other byte stays, the YAML reads back."""

from __future__ import annotations

import pytest
import yaml

from ldcv.imports.yaml_edit import CannotInsert, add_owner_aliases, insert_publications

ENTRY = {
    "key": "doe-2021-a-work",
    "kind": "preprint",
    "title": "A: Work",
    "authors": ["Doe J"],
    "year": 2021,
    "arxiv": "1912.07730",
    "volume": "7",
}


@pytest.mark.parametrize(
    "text",
    [
        "person: {given_name: A, family_name: B}\n",
        "person: {given_name: A, family_name: B}\npublications: []  # none yet\nskills: []\n",
        "person: {given_name: A, family_name: B}\npublications:\n# nothing yet\nskills: []\n",
    ],
)
def test_entries_go_into_a_missing_or_empty_list(text):
    after = yaml.safe_load(insert_publications(text, [ENTRY]))
    (entry,) = after["publications"]
    assert entry["arxiv"] == "1912.07730"  # quoted: a float would lose its last zero
    assert entry["title"] == "A: Work"
    assert entry["volume"] == 7


def test_entries_take_the_lists_indentation_and_blank_line_spacing():
    text = "publications:\n- key: a\n  title: A\n\n- key: b\n  title: B\n"
    after = insert_publications(text, [ENTRY])
    assert after.startswith(text + "\n- key: doe-2021-a-work\n  kind: preprint\n")


def test_a_flow_list_of_publications_is_refused():
    with pytest.raises(CannotInsert, match="flow list"):
        insert_publications("publications: [{key: a}]\n", [ENTRY])


@pytest.mark.parametrize(
    ("aliases", "expected"),
    [
        ("  aliases: [Doe J]   # kept\n", "  aliases: [Doe J, Müller K-R]   # kept\n"),
        ("  aliases:\n    - Doe J\n", "  aliases:\n    - Doe J\n    - Müller K-R\n"),
        ("  aliases: Doe J\n", "  aliases: [Doe J, Müller K-R]\n"),
        ("", "  aliases: [Müller K-R]\n"),
    ],
)
def test_owner_aliases_join_the_list_in_its_own_style(aliases, expected):
    text = f"person:\n  given_name: K\n{aliases}\n# next\nskills: []\n"
    assert add_owner_aliases(text, ["Müller K-R"]) == (
        f"person:\n  given_name: K\n{expected}\n# next\nskills: []\n"
    )


def test_a_file_with_crlf_line_ends_gets_crlf_lines():
    text = "person:\r\n  given_name: K\r\npublications:\r\n  - key: a\r\n    title: A\r\n"
    after = add_owner_aliases(insert_publications(text, [ENTRY]), ["Doe J"])
    assert after.count("\n") == after.count("\r\n")
    assert after.startswith("person:\r\n  given_name: K\r\n  aliases: [Doe J]\r\npublications:")
    assert yaml.safe_load(after)["publications"][1]["key"] == "doe-2021-a-work"


@pytest.mark.parametrize(
    "text",
    [
        "Müller K-R", "Pattern Recognition", "XXAI: Extending", "#1 paper", "- dash", "yes",
        "No", "null", "~", "1912.07730", "2017-05-02", "1e3", "a, b", "[x]", "{x}", "'q'",
        '"dq"', "a #b", "@x", "%x", "`x", "trailing ", " leading", "O'Brien", "A & B (2020)",
        "Line\nbreak", "Tab\there", "ends:", "?x", "*x", "&x", "!x", "|x", ">x", "é",
    ],
)  # fmt: skip
def test_every_value_reads_back_as_written_plain_or_quoted(text):
    entry = {"key": "k", "note": text, "authors": [text, "Doe J"]}
    (read,) = yaml.safe_load(insert_publications("publications:\n", [entry]))["publications"]
    assert read["note"] == text
    assert read["authors"] == [text, "Doe J"]
