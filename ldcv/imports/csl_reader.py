"""Read CSL-JSON (Zotero's export, doi.org's ``application/vnd.citationstyles.csl+json``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ldcv.imports.json_records import not_what_it_claims, read_json
from ldcv.imports.works import (
    IN_A_BOOK,
    ImportedName,
    ImportedWork,
    ReadWorks,
    Skipped,
    checked_isbn,
    checked_orcid,
    clean_doi,
    clean_pages,
    find_preprint,
    is_preprint_server,
    is_workshop,
    split_name,
)

# CSL type → publication kind; other types have no kind in the CV format.
CSL_KINDS = {
    "article-journal": "journal-article",
    "paper-conference": "conference-paper",
    "chapter": "book-chapter",
    "article": "preprint",  # Zotero's and DataCite's type for arXiv papers
    "posted-content": "preprint",  # Crossref's, for bioRxiv and medRxiv
    "manuscript": "preprint",
}
_PREPRINT_IF_IDENTIFIED = ("article", "manuscript")
# Crossref titles carry inline markup: <i>in vivo</i>, <sub>2</sub>.
_MARKUP = re.compile(r"</?(?:i|b|em|strong|sub|sup|scp|span|mml:[a-z]+)(?:\s[^>]*)?>")


def read_csl(path: Path) -> ReadWorks:
    """Read a CSL-JSON array (or doi.org's single item); raise ``InputError`` if it is not one."""
    data = read_json(path, "CSL-JSON")
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise not_what_it_claims(path, "", "not CSL-JSON: neither an item nor a list of items")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise not_what_it_claims(
                path, f"item {number}", "not a CSL-JSON item: an object with a string 'type'"
            )
    read = ReadWorks()
    for number, item in enumerate(items, start=1):
        origin = f"item {number} ({item.get('id') or item.get('DOI') or item['type']})"
        work = _work(item, origin, read)
        if work is not None:
            read.works.append(work)
    return read


def _text(item: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = item.get(name)
        if isinstance(value, list):  # Crossref's lists: ["Pattern Recognition"]
            value = value[0] if value and isinstance(value[0], str) else None
        if isinstance(value, int | float):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return " ".join(_MARKUP.sub("", value).split())
    return None


def _year(item: dict[str, Any]) -> int | None:
    issued = item.get("issued") or {}
    if not isinstance(issued, dict):
        return None
    parts = issued.get("date-parts")
    try:
        return int(parts[0][0])
    except (TypeError, IndexError, ValueError):
        match = re.match(r"\s*(\d{4})", str(issued.get("raw") or issued.get("literal") or ""))
        return int(match.group(1)) if match else None


def _names(item: dict[str, Any]) -> list[ImportedName] | str:
    people = item.get("author")
    if not isinstance(people, list) or not people:
        return "it names no author"
    names = []
    for person in people:
        if not isinstance(person, dict):
            return "an author is not a CSL name object"
        iD = checked_orcid(str(person.get("ORCID") or ""))
        family, given = person.get("family"), person.get("given")
        if isinstance(family, str) and family.strip():
            particle = person.get("non-dropping-particle")
            family = f"{particle} {family}" if isinstance(particle, str) else family
            name = ImportedName(family.strip(), (given or "").strip() or None, iD)
        elif isinstance(person.get("literal"), str):
            name = split_name(person["literal"], iD)
        else:
            return "an author has neither a family name nor a literal name"
        if not name.given:
            return f"author '{name}' has no given name or initials to write a byline with"
        names.append(name)
    return names


def _kind(item: dict[str, Any]) -> str | None:
    kind = CSL_KINDS.get(item["type"])
    if kind == "journal-article" and is_preprint_server(_text(item, "container-title")):
        return "preprint"
    if kind == "conference-paper" and is_workshop(_text(item, "container-title", "event-title")):
        return "workshop-paper"
    return kind


def _work(item: dict[str, Any], origin: str, read: ReadWorks) -> ImportedWork | None:
    kind = _kind(item)
    if kind is None:
        read.skipped.append(Skipped(origin, f"type {item['type']} has no publication kind"))
        return None
    title, year, names = _text(item, "title"), _year(item), _names(item)
    if not (title and year):
        missing = [n for n, v in (("title", title), ("issued year", year)) if not v]
        read.skipped.append(Skipped(origin, f"it has no {' or '.join(missing)}"))
        return None
    if isinstance(names, str):
        read.skipped.append(Skipped(origin, names))
        return None
    values: dict[str, str] = {}
    doi = clean_doi(_text(item, "DOI") or "")
    if kind == "preprint":
        texts = (_text(item, n) for n in ("container-title", "publisher", "number", "URL", "note"))
        repository = find_preprint(doi, *texts)
        if repository is None and item["type"] in _PREPRINT_IF_IDENTIFIED:
            read.skipped.append(Skipped(origin, "no arXiv, bioRxiv or medRxiv id"))
            return None
        if repository:
            values[repository[0]] = repository[1]
    else:
        venue = _text(item, "container-title")
        if kind in ("conference-paper", "workshop-paper"):
            venue = venue or _text(item, "event-title", "event")
        field = {"journal-article": "journal", "book-chapter": "book"}.get(kind, "proceedings")
        if venue:
            values[field] = venue
    if _text(item, "page"):
        values["pages"] = clean_pages(_text(item, "page") or "")
    for name, keys in (
        ("series", ("collection-title",)),
        ("volume", ("volume",)),
        ("issue", ("issue",)),
        (
            "article_number",
            ("article-number",) if kind == "preprint" else ("article-number", "number"),
        ),
        ("publisher", ("publisher",)),
        ("place", ("publisher-place",)),
    ):
        value = _text(item, *keys)
        if value and not (name == "publisher" and kind == "preprint" and is_preprint_server(value)):
            values[name] = value
    if doi:
        values["doi"] = doi
    isbn = checked_isbn(_text(item, "ISBN")) if kind in IN_A_BOOK else None
    if isbn:
        values["isbn"] = isbn
    url = _text(item, "URL")
    if url and url.startswith(("http://", "https://")):
        values["url"] = url
    return ImportedWork(origin, kind, title, names, year, values)
