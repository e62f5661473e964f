"""Read RIS (Mendeley, Zotero, EndNote, publishers' "export citation") into imported works."""

from __future__ import annotations

import re
from pathlib import Path

import rispy

from ldcv.errors import InputError, Problem
from ldcv.imports.works import (
    IN_A_BOOK,
    ImportedWork,
    ReadWorks,
    Skipped,
    checked_isbn,
    clean_doi,
    clean_pages,
    find_preprint,
    is_preprint_server,
    is_workshop,
    split_name,
    year_of,
)

# TY → publication kind; types missing here have no kind in the CV format.
RECORD_KINDS = {
    "JOUR": "journal-article",
    "JFULL": "journal-article",
    "EJOUR": "journal-article",
    "CONF": "conference-paper",
    "CPAPER": "conference-paper",
    "CHAP": "book-chapter",
    "ECHAP": "book-chapter",
    "UNPB": "preprint",
    "INPR": "preprint",
    "GEN": "preprint",
    "ELEC": "preprint",
}
_PREPRINT_IF_IDENTIFIED = ("GEN", "ELEC")
_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_VENUES = ("journal_name", "secondary_title", "alternate_title3", "alternate_title2")


def record_lines(path: Path, text: str) -> list[int]:
    """The first line of each record; raise ``InputError`` for records without a type."""
    starts: list[int] = []
    problems: list[Problem] = []
    open_record = False
    for number, line in enumerate(text.splitlines(), start=1):
        match = _TAG.match(line.rstrip())
        if match is None:
            continue
        tag = match.group(1)
        if not open_record:
            starts.append(number)
            open_record = True
            if tag != "TY":
                problems.append(
                    Problem(
                        str(path),
                        number,
                        None,
                        f"RIS record {len(starts)} starts with {tag}, not TY: every record "
                        "begins with its type (TY  - JOUR …)",
                    )
                )
        elif tag == "TY":
            problems.append(
                Problem(str(path), number, None, "TY inside a record: the one before has no ER")
            )
        if tag == "ER":
            open_record = False
    if open_record:
        problems.append(
            Problem(str(path), starts[-1], None, f"RIS record {len(starts)} has no ER (its end)")
        )
    if not starts and not problems:
        problems.append(Problem(str(path), None, None, "no RIS records (TY  - … ER  - )"))
    if problems:
        raise InputError(problems)
    return starts


def read_ris(path: Path) -> ReadWorks:
    """Read every record of a RIS file; raise ``InputError`` on a record without a type."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError([Problem(str(path), None, None, f"cannot read: {error}")]) from None
    starts = record_lines(path, text)
    try:
        records = rispy.loads(text)
    except (OSError, ValueError, KeyError) as error:
        raise InputError([Problem(str(path), None, None, f"not RIS: {error}")]) from None
    read = ReadWorks()
    for number, (line, record) in enumerate(zip(starts, records, strict=True), start=1):
        origin = f"line {line} (record {number}, {record.get('type_of_reference')})"
        work = _work(record, origin, read)
        if work is not None:
            read.works.append(work)
    return read


def _first(record: dict, *names: str) -> str | None:
    for name in names:
        value = record.get(name)
        if isinstance(value, list):
            value = next((v for v in value if v and v.strip()), None)
        if value and value.strip():
            return " ".join(value.split())
    return None


def _kind(record: dict) -> str | None:
    kind = RECORD_KINDS.get(str(record.get("type_of_reference", "")).upper())
    if kind == "journal-article" and is_preprint_server(_first(record, *_VENUES)):
        return "preprint"
    if kind == "conference-paper" and is_workshop(_first(record, "secondary_title")):
        return "workshop-paper"
    return kind


def _repository(record: dict, doi: str | None) -> tuple[str, str] | None:
    texts = (_first(record, *_VENUES), _first(record, "publisher"), _first(record, "notes"))
    return find_preprint(doi, *texts, *(record.get("urls") or ()))


def _work(record: dict, origin: str, read: ReadWorks) -> ImportedWork | None:
    kind = _kind(record)
    type_of = record.get("type_of_reference")
    if kind is None:
        read.skipped.append(Skipped(origin, f"TY {type_of} has no publication kind in the CV"))
        return None
    title = _first(record, "title", "primary_title")
    year = year_of(_first(record, "year", "publication_year", "date"))
    authors = [*(record.get("authors") or ()), *(record.get("first_authors") or ())]
    if not (title and year and authors):
        missing = [n for n, v in (("title", title), ("year", year), ("author", authors)) if not v]
        read.skipped.append(Skipped(origin, f"it has no {' or '.join(missing)}"))
        return None
    names = [split_name(a) for a in authors]
    if any(not n.given for n in names):
        bare = next(n for n in names if not n.given)
        read.skipped.append(Skipped(origin, f"author '{bare}' has no given name or initials"))
        return None
    values: dict[str, str] = {}
    doi = clean_doi(_first(record, "doi") or "")
    if kind == "preprint":
        repository = _repository(record, doi)
        if repository is None and type_of in _PREPRINT_IF_IDENTIFIED:
            read.skipped.append(Skipped(origin, f"a {type_of} with no arXiv/bioRxiv/medRxiv id"))
            return None
        if repository:
            values[repository[0]] = repository[1]
    venue_field = {"journal-article": "journal", "book-chapter": "book"}.get(kind, "proceedings")
    venue = _first(record, *(_VENUES if kind == "journal-article" else ("secondary_title",)))
    if venue and kind != "preprint":
        values[venue_field] = venue
    start, end = _first(record, "start_page"), _first(record, "end_page")
    if start:
        values["pages"] = clean_pages(f"{start}-{end}" if end and end != start else start)
    for name, tags in (
        ("series", ("tertiary_title",)),
        ("volume", ("volume",)),
        ("issue", ("number",)),
        ("article_number", ("custom7",)),
        ("publisher", ("publisher",)),
        ("place", ("place_published",)),
    ):
        value = _first(record, *tags)
        if value:
            values[name] = value
    if doi:
        values["doi"] = doi
    isbn = checked_isbn(_first(record, "issn")) if kind in IN_A_BOOK else None  # SN: either
    if isbn:
        values["isbn"] = isbn
    url = next((u for u in record.get("urls") or () if u.startswith(("http://", "https://"))), None)
    if url:
        values["url"] = url.strip()
    return ImportedWork(origin, kind, title, names, year, values)
