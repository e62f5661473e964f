"""The formats ``ldcv import`` reads: one table for the CLI's choices, help and readers.

It imports nothing, so that building the command line costs no reader's import.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportFormat:
    """One format: its name on the command line, what it is, and the function that reads it."""

    key: str
    label: str
    reader: str  # "module:function" under ldcv.imports
    whole_cv: bool = False  # it describes a person, not only works: it makes a whole CV


IMPORT_FORMATS = (
    ImportFormat("bibtex", "BibTeX or BibLaTeX (.bib)", "bibtex_reader:read_bibtex"),
    ImportFormat("ris", "RIS (.ris)", "ris_reader:read_ris"),
    ImportFormat("csl", "CSL-JSON, as Zotero and doi.org export it", "csl_reader:read_csl"),
    ImportFormat(
        "orcid", "an ORCID record's works, public API v3.0 JSON", "orcid_reader:read_orcid"
    ),
    ImportFormat(
        "jsonresume",
        "a JSON Resume v1 document: a whole new CV",
        "jsonresume_reader:read_resume",
        True,
    ),
)


def import_format(key: str) -> ImportFormat:
    """The format named ``key``; ``KeyError`` if there is none."""
    return next(f for f in IMPORT_FORMATS if f.key == key)
