"""BibTeX from CSL-JSON items: UTF-8, for biblatex, bibtexparser and pybtex.

Text is written in UTF-8 as it is ("Müller", "Marinč"), not as LaTeX accents:
biblatex (with biber), bibtexparser and pybtex read UTF-8, and Zotero, JabRef and
Overleaf write it. Only LaTeX's special characters are escaped (``\\&``, ``\\%`` …),
and words with capitals after their first letter ("iNNvestigate", "LRP") are braced
so that styles lower-casing titles keep them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ldcv.bibliography.csl import Item

# The entry type of each CSL type (a thesis by its genre, in ``_entry_type``).
ENTRY_TYPES = {
    "article-journal": "article",
    "paper-conference": "inproceedings",
    "chapter": "incollection",
    "article": "misc",
    "patent": "patent",
    "thesis": "thesis",
    "book": "book",
}
_SPECIAL = re.compile(r"([&%$#_{}~^\\])")
_ESCAPES = {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}
_CASED_WORD = re.compile(r"(?<![\w{])(\w+[A-Z]\w*)")


def bibtex(items: Sequence[Item]) -> str:
    """The entries of ``items`` as one BibTeX file."""
    return "\n".join(bibtex_entry(item) for item in items)


def bibtex_entry(item: Item) -> str:
    """One ``@type{key, field = {value}, …}`` entry."""
    fields: list[tuple[str, str]] = []
    add = fields.append
    if item.get("author"):
        add(("author", " and ".join(_name(n) for n in item["author"])))
    if item.get("title"):
        add(("title", _protect_case(escape(item["title"]))))
    kind = item["type"]
    container = item.get("container-title")
    if container:
        add(("journal" if kind == "article-journal" else "booktitle", escape(container)))
    if kind == "thesis" and item.get("publisher"):
        add(("school", escape(item["publisher"])))
    elif item.get("publisher") and kind != "article":
        add(("publisher", escape(item["publisher"])))
    if item.get("collection-title"):
        add(("series", escape(item["collection-title"])))
    for csl, field in (("volume", "volume"), ("issue", "number"), ("page", "pages")):
        if item.get(csl):
            add((field, escape(item[csl]).replace("-", "--")))
    if item.get("publisher-place"):
        add(("address", escape(item["publisher-place"])))
    year, month, day = _date(item)
    if year:
        add(("year", year))
    if month:
        add(("month", month))
    if day and kind == "patent":
        add(("date", f"{year}-{int(month):02d}-{int(day):02d}"))
    if kind == "thesis" and _entry_type(item) == "thesis":
        add(("type", escape(item.get("genre", "Thesis"))))
    if kind == "article" and item.get("number"):
        # A preprint: arXiv's eprint fields (as arXiv's own BibTeX writes them); bioRxiv
        # and medRxiv ids are DOIs, written as the doi field.
        if item.get("publisher") == "arXiv":
            add(("eprint", escape(item["number"])))
            add(("archivePrefix", "arXiv"))
        add(("howpublished", escape(item.get("publisher", ""))))
        add(("note", "Preprint"))
    if kind == "patent":
        add(("number", escape(item.get("number", ""))))
        add(("location", escape(item.get("authority", ""))))
    if item.get("ISBN"):
        add(("isbn", escape(item["ISBN"])))
    if item.get("DOI"):
        add(("doi", escape(item["DOI"])))
    if item.get("URL"):
        add(("url", _escape_url(item["URL"])))
    body = "".join(f",\n  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{_entry_type(item)}{{{item['id']}{body}\n}}\n"


def escape(text: str) -> str:
    """Escape LaTeX's special characters; everything else stays UTF-8."""
    return _SPECIAL.sub(lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def _escape_url(url: str) -> str:
    # Inside \url, only an unbalanced brace or a percent sign can do harm.
    return url.replace("%", r"\%").replace("{", "%7B").replace("}", "%7D")


def _protect_case(title: str) -> str:
    return _CASED_WORD.sub(lambda m: "{" + m.group(1) + "}", title)


def _entry_type(item: Item) -> str:
    if item["type"] == "thesis":
        genre = str(item.get("genre", "")).lower()
        if genre.startswith("phd"):
            return "phdthesis"
        if genre.startswith("master"):
            return "mastersthesis"
    return ENTRY_TYPES.get(item["type"], "misc")


def _name(name: dict[str, str]) -> str:
    if "literal" in name:
        return "{" + escape(name["literal"]) + "}"
    family, given = escape(name.get("family", "")), escape(name.get("given", ""))
    if " " in family:
        family = "{" + family + "}"  # "van der Berg": one family name, not middle names
    return f"{family}, {given}" if given else family


def _date(item: Item) -> tuple[str | None, str | None, str | None]:
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    values = [str(p) for p in parts[0]] + [None, None, None]  # type: ignore[list-item]
    return values[0], values[1], values[2]
