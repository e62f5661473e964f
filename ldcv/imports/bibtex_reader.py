"""Read BibTeX and BibLaTeX (Zotero, JabRef, Google Scholar, Overleaf) into imported works."""

from __future__ import annotations

import logging
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from bibtexparser.model import Entry, ParsingFailedBlock

from ldcv.errors import InputError, Problem
from ldcv.imports.latex import decode_latex
from ldcv.imports.works import (
    IN_A_BOOK,
    ImportedName,
    ImportedWork,
    ReadWorks,
    Skipped,
    arxiv_id,
    checked_isbn,
    clean_doi,
    clean_pages,
    find_preprint,
    is_preprint_server,
    is_workshop,
    year_of,
)

# Entry type → publication kind; where the venue decides (a workshop, a preprint server),
# ``_kind`` refines it. Types missing here have no kind in the CV format.
ENTRY_KINDS = {
    "article": "journal-article",
    "inproceedings": "conference-paper",
    "conference": "conference-paper",
    "incollection": "book-chapter",
    "inbook": "book-chapter",
    "misc": "preprint",
    "online": "preprint",
    "unpublished": "preprint",
    "preprint": "preprint",
}
# Types that are preprints only where a preprint server's id says so (not software, data …).
_PREPRINT_IF_IDENTIFIED = ("misc", "online")
# Where each kind's venue is: BibTeX field names, first found wins.
_VENUE = {"journal-article": ("journal", "journaltitle"), "book-chapter": ("booktitle",)}
_PROCEEDINGS = ("booktitle", "eventtitle")
_REPOSITORY_NAMES = {"arxiv": "arxiv", "biorxiv": "biorxiv", "medrxiv": "medrxiv"}
_ARTICLE_NUMBER = ("eid", "articleno", "article-number", "articlenumber")


def read_bibtex(path: Path) -> ReadWorks:
    """Read every entry of a BibTeX file; raise ``InputError`` on a syntax error."""
    return parse_bibtex(_read_text(path), str(path))


def parse_bibtex(text: str, name: str) -> ReadWorks:
    """Read every entry of BibTeX ``text`` from ``name``; raise ``InputError`` on a syntax error."""
    # bibtexparser logs each failed block; we report them ourselves, once, with the file.
    logger = logging.getLogger("bibtexparser")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    library = bibtexparser.parse_string(
        text, append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    problems = [_failure(name, block) for block in library.failed_blocks]
    if problems:
        raise InputError(problems)
    read = ReadWorks()
    for entry in library.entries:
        origin = f"line {entry.start_line + 1} (@{entry.entry_type}{{{entry.key}}})"
        work = _work(entry, origin, read)
        if work is not None:
            read.works.append(work)
    return read


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError([Problem(str(path), None, None, f"cannot read: {error}")]) from None


def _failure(name: str, block: object) -> Problem:
    line = getattr(block, "start_line", None)
    error = getattr(block, "error", None)
    reason = getattr(error, "abort_reason", None) or str(error or "cannot be read")
    if type(block) is ParsingFailedBlock:  # its subclasses name duplicate keys and fields
        reason = f"BibTeX syntax error: {reason}"
    return Problem(name, None if line is None else line + 1, None, reason)


def _field(entry: Entry, *names: str) -> str | None:
    for name in names:
        value = entry.fields_dict.get(name)
        if value is not None and isinstance(value.value, str) and value.value.strip():
            return value.value.strip()
    return None


def _text(entry: Entry, *names: str) -> str | None:
    value = _field(entry, *names)
    return decode_latex(value) if value else None


def _names(entry: Entry) -> list[ImportedName] | str:
    """The authors in byline order, or why they cannot be bylines."""
    field = entry.fields_dict.get("author")
    if field is None or not field.value:
        return "it names no author"
    names = []
    for parts in field.value:
        family = decode_latex(" ".join([*parts.von, *parts.last]))
        if family.casefold() == "others":  # "and others": the byline names only these
            continue
        given = decode_latex(" ".join(parts.first)) or None
        if not given:
            return f"author '{family}' has no given name or initials to write a byline with"
        names.append(ImportedName(family=family, given=given))
    return names


def _kind(entry: Entry) -> str | None:
    kind = ENTRY_KINDS.get(entry.entry_type.casefold())
    venue = _text(entry, "journal", "journaltitle") or ""
    if kind == "journal-article" and is_preprint_server(venue):
        return "preprint"  # Google Scholar's "arXiv preprint arXiv:1807.03418"
    if kind == "conference-paper" and is_workshop(_text(entry, *_PROCEEDINGS)):
        return "workshop-paper"
    return kind


def _repository(entry: Entry, doi: str | None) -> tuple[str, str] | None:
    prefix = (_field(entry, "archiveprefix", "eprinttype") or "").casefold()
    eprint = _field(entry, "eprint")
    if eprint and prefix in _REPOSITORY_NAMES and prefix != "arxiv":
        return _REPOSITORY_NAMES[prefix], eprint
    if eprint and prefix in ("", "arxiv") and arxiv_id(eprint):
        return "arxiv", arxiv_id(eprint) or ""
    texts = (_field(entry, n) for n in ("journal", "howpublished", "note", "publisher", "url"))
    return find_preprint(doi, *texts)


def _work(entry: Entry, origin: str, read: ReadWorks) -> ImportedWork | None:
    kind = _kind(entry)
    if kind is None:
        read.skipped.append(
            Skipped(origin, f"@{entry.entry_type} has no publication kind in the CV format")
        )
        return None
    title = _text(entry, "title")
    year = year_of(_field(entry, "year", "date"))
    names = _names(entry)
    missing = [n for n, v in (("title", title), ("year", year)) if not v]
    if missing:
        read.skipped.append(Skipped(origin, f"it has no {' or '.join(missing)}"))
        return None
    if isinstance(names, str):
        read.skipped.append(Skipped(origin, names))
        return None
    assert title is not None and year is not None
    if len(names) < len(entry.fields_dict["author"].value):
        read.notes.append(Skipped(origin, "'and others' ends the byline: only the named authors"))
    values: dict[str, str] = {}
    venue = _text(entry, *_VENUE[kind]) if kind in _VENUE else None
    if kind in ("conference-paper", "workshop-paper"):
        venue = _text(entry, *_PROCEEDINGS)
    if venue:
        values[{"journal-article": "journal", "book-chapter": "book"}.get(kind, "proceedings")] = (
            venue
        )
    doi = clean_doi(_field(entry, "doi") or "")
    repository = _repository(entry, doi) if kind == "preprint" else None
    if repository is None and entry.entry_type.casefold() in _PREPRINT_IF_IDENTIFIED:
        why = f"a @{entry.entry_type} with no arXiv, bioRxiv or medRxiv id"
        read.skipped.append(Skipped(origin, why))
        return None
    if repository:
        values[repository[0]] = repository[1]
    for name, source in (("series", "series"), ("volume", "volume"), ("issue", "number")):
        if _text(entry, source):
            values[name] = _text(entry, source) or ""
    if _field(entry, "pages"):
        values["pages"] = clean_pages(_field(entry, "pages") or "")
    for name, sources in (
        ("article_number", _ARTICLE_NUMBER),
        ("publisher", ("publisher",)),
        ("place", ("address", "location")),
    ):
        value = _text(entry, *sources)
        if value:
            values[name] = value
    if doi:
        values["doi"] = doi
    isbn = checked_isbn(_field(entry, "isbn")) if kind in IN_A_BOOK else None
    if isbn:
        values["isbn"] = isbn
    url = _field(entry, "url")
    if url and url.startswith(("http://", "https://")):
        values["url"] = url.replace("\\_", "_").replace("\\%", "%")
    return ImportedWork(origin, kind, title, names, year, values)
