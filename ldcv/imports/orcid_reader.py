"""Read the works of an ORCID record as the public API v3.0 gives them, saved to a file.

Three documents carry works: ``/v3.0/{iD}/works`` (groups of work summaries),
``/v3.0/{iD}/works/{put-codes}`` (the full works, in ``bulk``) and ``/v3.0/{iD}/work/{put-code}``
(one full work); ``/v3.0/{iD}/record`` holds the summaries too. Only full works list
their contributors; a summary's authors come from its BibTeX citation where it has one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ldcv.errors import InputError
from ldcv.imports.bibtex_reader import parse_bibtex
from ldcv.imports.json_records import not_what_it_claims, read_json
from ldcv.imports.works import (
    IN_A_BOOK,
    ImportedName,
    ImportedWork,
    ReadWorks,
    Skipped,
    arxiv_id,
    checked_isbn,
    checked_orcid,
    clean_doi,
    find_preprint,
    is_workshop,
    split_name,
    year_of,
)

# ORCID work type → publication kind; other types have no kind in the CV format.
ORCID_KINDS = {
    "journal-article": "journal-article",
    "conference-paper": "conference-paper",
    "book-chapter": "book-chapter",
    "preprint": "preprint",
    "working-paper": "preprint",
}
_SUMMARY_HELP = (
    "the works summary names no authors and gives no BibTeX citation; save the full works "
    "(GET /v3.0/{iD}/works/{put-codes}) instead"
)


def read_orcid(path: Path) -> ReadWorks:
    """Read the works in an ORCID v3.0 document; raise ``InputError`` if it holds none."""
    data = read_json(path, "an ORCID v3.0 works document")
    works = _works(path, data)
    read = ReadWorks()
    for number, work in enumerate(works, start=1):
        if not isinstance(work, dict):
            raise not_what_it_claims(path, f"work {number}", "not an ORCID work object")
        origin = f"work {number} (put-code {work.get('put-code')})"
        imported = _work(path, work, origin, read)
        if imported is not None:
            read.works.append(imported)
    return read


def _works(path: Path, data: Any) -> list[Any]:
    if isinstance(data, dict) and isinstance(data.get("activities-summary"), dict):
        data = data["activities-summary"].get("works") or {}
    if isinstance(data, dict) and isinstance(data.get("group"), list):
        found = []
        for group in data["group"]:
            summaries = group.get("work-summary") if isinstance(group, dict) else None
            if isinstance(summaries, list) and summaries:
                found.append(summaries[0])  # the versions of one work: the first is preferred
        return found
    if isinstance(data, dict) and isinstance(data.get("bulk"), list):
        return [item["work"] for item in data["bulk"] if isinstance(item, dict) and "work" in item]
    if isinstance(data, dict) and "put-code" in data and "title" in data:
        return [data]
    raise not_what_it_claims(
        path,
        "",
        "not an ORCID v3.0 works document: no 'group' (…/works), 'bulk' (…/works/PUT-CODES), "
        "'activities-summary' (…/record) or single work (…/work/PUT-CODE)",
    )


def _value(node: Any, *path: str) -> str | None:
    for step in path:
        if not isinstance(node, dict):
            return None
        node = node.get(step)
    return node.strip() if isinstance(node, str) and node.strip() else None


def _external_ids(work: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    ids = (work.get("external-ids") or {}).get("external-id") or []
    for item in ids:
        kind, value = _value(item, "external-id-type"), _value(item, "external-id-value")
        relationship = _value(item, "external-id-relationship")
        # A chapter's ISBN is its book's: "part-of"; every other id must be the work's own.
        if kind and value and (relationship in (None, "self") or kind.casefold() == "isbn"):
            found.setdefault(kind.casefold(), value)
    return found


def _authors(path: Path, work: dict[str, Any]) -> list[ImportedName] | str:
    contributors = (work.get("contributors") or {}).get("contributor") or []
    names = []
    for contributor in contributors:
        role = _value(contributor, "contributor-attributes", "contributor-role")
        if role not in (None, "author", "http://credit.niso.org/contributor-roles/"):
            continue
        credit = _value(contributor, "credit-name", "value")
        if credit is None:
            return "a contributor has no credit name"
        name = split_name(credit, checked_orcid(_value(contributor, "contributor-orcid", "path")))
        if not name.given:
            return f"author '{credit}' has no given name or initials to write a byline with"
        names.append(name)
    if names:
        return names
    citation = work.get("citation") or {}
    if _value(citation, "citation-type") == "bibtex" and _value(citation, "citation-value"):
        return _bibtex_authors(path, _value(citation, "citation-value") or "")
    return _SUMMARY_HELP


def _bibtex_authors(path: Path, citation: str) -> list[ImportedName] | str:
    try:
        read = parse_bibtex(citation, f"{path} (a work's BibTeX citation)")
    except InputError:
        return "its BibTeX citation cannot be read"
    authors = [w.authors for w in read.works]
    return authors[0] if authors else "its BibTeX citation names no authors"


def _work(path: Path, work: dict[str, Any], origin: str, read: ReadWorks) -> ImportedWork | None:
    kind = ORCID_KINDS.get(str(work.get("type")))
    if kind is None:
        read.skipped.append(Skipped(origin, f"type {work.get('type')} has no publication kind"))
        return None
    title = _value(work, "title", "title", "value")
    year = year_of(_value(work, "publication-date", "year", "value"))
    if not (title and year):
        missing = [n for n, v in (("title", title), ("publication year", year)) if not v]
        read.skipped.append(Skipped(origin, f"it has no {' or '.join(missing)}"))
        return None
    names = _authors(path, work)
    if isinstance(names, str):
        read.skipped.append(Skipped(origin, names))
        return None
    venue = _value(work, "journal-title", "value")
    if kind == "conference-paper" and is_workshop(venue):
        kind = "workshop-paper"
    ids = _external_ids(work)
    doi = clean_doi(ids.get("doi", ""))
    values: dict[str, str] = {}
    if kind == "preprint":
        arxiv = arxiv_id(ids.get("arxiv", ""))
        repository = ("arxiv", arxiv) if arxiv else find_preprint(doi, venue)
        if repository is None and work.get("type") == "working-paper":
            read.skipped.append(Skipped(origin, "a working paper with no arXiv/bioRxiv/medRxiv id"))
            return None
        if repository:
            values[repository[0]] = repository[1]
    elif venue:
        values[{"journal-article": "journal", "book-chapter": "book"}.get(kind, "proceedings")] = (
            venue
        )
    if doi:
        values["doi"] = doi
    isbn = checked_isbn(ids.get("isbn")) if kind in IN_A_BOOK else None
    if isbn:
        values["isbn"] = isbn
    url = _value(work, "url", "value")
    if url and url.startswith(("http://", "https://")):
        values["url"] = url
    return ImportedWork(origin, kind, title, names, year, values)
