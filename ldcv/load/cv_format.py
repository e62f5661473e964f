"""The CV format: its value types and the field tables that define the YAML.

These tables are the one definition of which fields each section has, which are
required and how each value is read; ``cv.schema.json`` describes the same format
for editors, and a test holds the two together.
"""

from __future__ import annotations

import calendar
import re
from typing import Any

import yaml

from ldcv.load import identifiers
from ldcv.load.fields import (
    INVALID,
    Field,
    Fields,
    FileReport,
    checked_text,
    choice_field,
    converted_text,
    line_of,
    list_field,
    mapping_field,
    matching,
    read_text,
    read_text_list,
    read_texts,
)
from ldcv.load.slugs import SLUG, slugify
from ldcv.model import PartialDate

# The owner fields that stay private unless ``public:`` lists them.
DEFAULT_PRIVATE = frozenset({"telephone", "address", "birth_date"})
DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2021, 2014-10, 2021-07-28)"
# The preprint servers a publication may give an identifier at; one at most.
REPOSITORIES = ("arxiv", "biorxiv", "medrxiv")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def parse_date(text: str) -> PartialDate | None:
    """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None if it is no such date."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month or 1)[1]:
        return None
    return PartialDate(year, month, day)


# --- the value types --------------------------------------------------------------------


def _key_problem(text: str) -> str | None:
    if SLUG.match(text):
        return None
    suggestion = slugify(text)
    hint = f", e.g. '{suggestion}'" if suggestion else ""
    return f"'{text}' is not a valid key: use lower-case letters, digits and single hyphens{hint}"


def _read_date(f: FileReport, node: yaml.Node, path: str, or_present: bool = False) -> Any:
    """Read a date written in one of ``DATE_FORMS``, keeping the precision written."""
    text = read_text(f, node, path)
    if text is None or text is INVALID:
        return text
    date = parse_date(text)
    if date is None:
        why = " (no such month or day)" if _DATE.match(text) else ""
        forms = f"{DATE_FORMS} or present" if or_present else DATE_FORMS
        f.problem(line_of(node), path, f"'{text}' is not a date{why}; write {forms}")
        return INVALID
    return date


def _read_end(f: FileReport, node: yaml.Node, path: str) -> Any:
    """Read an end date; ``present`` means ongoing, like no end at all."""
    if isinstance(node, yaml.ScalarNode) and node.value.strip().casefold() == "present":
        return None
    return _read_date(f, node, path, or_present=True)


# --- the tables -------------------------------------------------------------------------

_TEXT = Field(read_text)
_TEXTS = Field(read_texts)
_KEY = Field(checked_text(_key_problem))
_DATE_FIELD = Field(_read_date)
_END = Field(_read_end)
_URL_FIELD = Field(converted_text(identifiers.web_url))
_ORCID_FIELD = Field(converted_text(identifiers.orcid))
_REQUIRED_TEXT = Field(read_text, required=True)
_REQUIRED_DATE = Field(_read_date, required=True)

_ADDRESS = {name: _TEXT for name in ("street", "postal_code", "locality", "region", "country")}

_PROFILE = {"key": _KEY, "site": _REQUIRED_TEXT, "url": _URL_FIELD, "username": _TEXT}

_OWNER = {
    "key": _KEY,
    "name": _TEXT,
    "given_name": _REQUIRED_TEXT,
    "family_name": _REQUIRED_TEXT,
    "honorific_prefix": _TEXT,
    "birth_name": _TEXT,
    "birth_family_name": _TEXT,
    "birth_date": _DATE_FIELD,
    "email": Field(matching(_EMAIL, "an email address")),
    "telephone": _TEXT,
    "address": mapping_field(_ADDRESS),
    "homepage": _URL_FIELD,
    "orcid": _ORCID_FIELD,
    "profiles": list_field(_PROFILE),
    "bio": _TEXT,
    "aliases": _TEXTS,
    "public": _TEXTS,
    "private": _TEXTS,
}
# The owner fields ``public:`` and ``private:`` may name.
PRIVACY_FIELDS = tuple(n for n in _OWNER if n not in ("key", "aliases", "public", "private"))

_PERSON = {
    "key": _KEY,
    "given_name": _TEXT,
    "family_name": _REQUIRED_TEXT,
    "initials": _TEXT,
    "name": _TEXT,
    "honorific_prefix": _TEXT,
    "orcid": _ORCID_FIELD,
    "aliases": _TEXTS,
}

_ORGANIZATION = {
    "key": _KEY,
    "name": _REQUIRED_TEXT,
    "kind": choice_field("organization", "university", "school", "research", "group"),
    "alternate_names": _TEXTS,
    "locality": _TEXT,
    "country": _TEXT,
    "parent": _TEXT,
    "url": _URL_FIELD,
    "ror": Field(converted_text(identifiers.ror)),
    "wikidata": Field(converted_text(identifiers.wikidata)),
}

_POSITION = {
    "key": _KEY,
    "title": _REQUIRED_TEXT,
    "organization": _REQUIRED_TEXT,
    "start": _REQUIRED_DATE,
    "end": _END,
    "research_focus": _TEXT,
    "description": _TEXTS,
    "tasks": _TEXTS,
    "other_work": _TEXTS,
    "supervisors": _TEXTS,
}

_THESIS = {"key": _KEY, "title": _REQUIRED_TEXT, "supervisors": _TEXTS, "grade": _TEXT}

_EDUCATION = {
    "key": _KEY,
    "degree": _REQUIRED_TEXT,
    "organization": _REQUIRED_TEXT,
    "start": _REQUIRED_DATE,
    "end": _END,
    "category": _TEXT,
    "level": choice_field("doctoral", "master", "bachelor", "secondary"),
    "field_of_study": _TEXT,
    "distinction": _TEXT,
    "grade": _TEXT,
    "research_focus": _TEXT,
    "description": _TEXTS,
    "thesis": mapping_field(_THESIS),
}

_SKILL = {"key": _KEY, "category": _REQUIRED_TEXT, "summary": _TEXT, "items": _TEXTS}

_LANGUAGE_CODE = matching(_LANGUAGE_TAG, "a BCP 47 language tag such as 'de' or 'en-GB'")
_LANGUAGE = {
    "key": _KEY,
    "name": _REQUIRED_TEXT,
    "code": Field(_LANGUAGE_CODE, required=True),
    "level": _REQUIRED_TEXT,
}

_AWARD = {
    "key": _KEY,
    "name": _REQUIRED_TEXT,
    "year": _REQUIRED_DATE,
    "rank": _TEXT,
    "awarded_by": _TEXT,
    "description": _TEXT,
    "description_language": Field(_LANGUAGE_CODE),
    "for": _TEXT,
}

_GRANT = {
    "key": _KEY,
    "office": _REQUIRED_TEXT,
    "number": _REQUIRED_TEXT,
    "title": _TEXT,  # defaults to the family's title
    "granted": _REQUIRED_DATE,
}

_PATENT = {"key": _KEY, "title": _REQUIRED_TEXT, "grants": list_field(_GRANT)}

_PROJECT = {
    "key": _KEY,
    "name": _REQUIRED_TEXT,
    "description": _TEXT,
    "start": _DATE_FIELD,
    "end": _END,
    "url": _URL_FIELD,
}

PUBLICATION_KINDS = (
    "journal-article",
    "conference-paper",
    "workshop-paper",
    "book-chapter",
    "preprint",
)
_PUBLICATION = {
    "key": _KEY,
    "kind": choice_field(*PUBLICATION_KINDS, required=True),
    "title": _REQUIRED_TEXT,
    "authors": Field(read_text_list, required=True),
    "year": _REQUIRED_DATE,
    **{
        name: _TEXT
        for name in (
            "journal",
            "proceedings",
            "book",
            "series",
            "volume",
            "issue",
            "pages",
            "article_number",
            "publisher",
            "place",
        )
    },
    "arxiv": Field(converted_text(identifiers.arxiv)),
    "biorxiv": Field(converted_text(identifiers.rxiv)),
    "medrxiv": Field(converted_text(identifiers.rxiv)),
    "note": _TEXT,
    "doi": Field(converted_text(identifiers.doi)),
    "isbn": Field(converted_text(identifiers.isbn)),
    "url": _URL_FIELD,
}
# A publication's fields, in the order the format documents (and ldcv import writes) them.
PUBLICATION_FIELDS: tuple[str, ...] = tuple(_PUBLICATION)

# The top level of a CV file.
CV_FIELDS: Fields = {
    "person": mapping_field(_OWNER, required=True),
    "people": list_field(_PERSON),
    "organizations": list_field(_ORGANIZATION),
    "positions": list_field(_POSITION),
    "education": list_field(_EDUCATION),
    "skills": list_field(_SKILL),
    "languages": list_field(_LANGUAGE),
    "awards": list_field(_AWARD),
    "patents": list_field(_PATENT),
    "projects": list_field(_PROJECT),
    "publications": list_field(_PUBLICATION),
}
