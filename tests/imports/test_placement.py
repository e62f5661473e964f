"""Imported names placed among the people the dataset knows: keys, aliases, initials, ORCID."""

from __future__ import annotations

from ldcv.imports.placement import KnownPeople
from ldcv.imports.works import ImportedName
from ldcv.model import CV, Owner


def test_full_names_find_owner_people_and_coauthors_by_their_bylines(seed_cv):
    known = KnownPeople([seed_cv])
    assert known.place(ImportedName("Lapuschkin", "Sebastian")).key == "sebastian-lapuschkin"
    assert known.place(ImportedName("Bach", "Sebastian")).key == "sebastian-lapuschkin"
    mueller = known.place(ImportedName("Müller", "Klaus-Robert"))
    assert (mueller.key, mueller.written) == ("klaus-robert-mueller", "Müller K-R")
    assert known.place(ImportedName("Anders", "Christopher J.")).key == "anders-cj"


def test_a_name_nobody_has_is_unplaced_and_written_as_a_byline(seed_cv):
    placement = KnownPeople([seed_cv]).place(ImportedName("Pahde", "Frederik"))
    assert (placement.key, placement.written) == (None, "Pahde F")


def test_an_unplaced_name_with_fewer_initials_says_who_it_may_be(seed_cv):
    placement = KnownPeople([seed_cv]).place(ImportedName("Anders", "Christopher"))
    assert placement.key is None
    assert placement.looks_like is not None and "'Anders C J' (anders-cj)" in placement.looks_like


def test_an_orcid_id_places_a_name_spelled_otherwise(seed_cv):
    known = KnownPeople([seed_cv])
    known.add_orcid("0000-0002-0762-7258", "sebastian-lapuschkin")
    placement = known.place(ImportedName("Lapuschkin", "Seb. X.", "0000-0002-0762-7258"))
    assert placement.by_orcid
    assert (placement.key, placement.written) == ("sebastian-lapuschkin", "Lapuschkin S")


def test_the_owners_full_name_places_them_and_joins_their_aliases(seed_cv):
    known = KnownPeople([seed_cv], owner="sebastian-lapuschkin")
    placement = known.place(ImportedName("Bach", "Sebastian"))
    assert placement.key == "sebastian-lapuschkin"
    assert not placement.new_owner_alias  # "Bach S" is an alias already
    other = KnownPeople([seed_cv]).place(ImportedName("Lapuschkin", "Sebastian X."))
    assert other.key is None  # initials S X: not the owner's S


def test_the_owners_initials_alone_only_hint_at_the_owner():
    owner = Owner(key="ada-example", name="Ada Example", given_name="Ada", family_name="Example")
    known = KnownPeople([CV(owner=owner)], owner="ada-example")
    placement = known.place(ImportedName("Example", "A."))
    assert placement.key is None
    assert placement.looks_like == "the owner ada-example: if so, add 'Example A' to person.aliases"
    full = known.place(ImportedName("Example", "Ada"))
    assert (full.key, full.new_owner_alias) == ("ada-example", True)
