"""RIS (the Research Information Systems tagged format) from CSL-JSON items."""

from __future__ import annotations

from collections.abc import Sequence

from ldcv.bibliography.csl import Item

# The RIS reference type of each CSL type.
RIS_TYPES = {
    "article-journal": "JOUR",
    "paper-conference": "CPAPER",
    "chapter": "CHAP",
    "article": "UNPB",  # a preprint: unpublished work
    "patent": "PAT",
    "thesis": "THES",
    "book": "BOOK",
}


def ris(items: Sequence[Item]) -> str:
    """The records of ``items`` as one RIS file (CRLF-free: readers accept either)."""
    return "\n".join(ris_record(item) for item in items)


def ris_record(item: Item) -> str:
    """One record, ``TY`` to ``ER``."""
    lines = [("TY", RIS_TYPES.get(item["type"], "GEN")), ("ID", item["id"])]
    add = lines.append
    for name in item.get("author", []):
        if "literal" in name:
            add(("AU", name["literal"]))
        else:
            given = name.get("given")
            add(("AU", f"{name.get('family', '')}, {given}" if given else name.get("family", "")))
    if item.get("title"):
        add(("TI", item["title"]))
    container = item.get("container-title")
    if container:
        add(("JO" if item["type"] == "article-journal" else "T2", container))
    if item.get("collection-title"):
        add(("T3", item["collection-title"]))
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    if parts[0]:
        year = str(parts[0][0])
        add(("PY", year))
        add(("DA", "/".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts[0]))))
    if item.get("volume"):
        add(("VL", item["volume"]))
    if item.get("issue"):
        add(("IS", item["issue"]))
    page = item.get("page")
    if page:
        first, _, last = page.partition("-")
        add(("SP", first))
        if last:
            add(("EP", last))
    if item.get("publisher"):
        add(("PB", item["publisher"]))
    if item.get("publisher-place"):
        add(("CY", item["publisher-place"]))
    if item.get("genre"):
        add(("M3", item["genre"]))
    if item["type"] == "patent":
        # The number where EndNote and Zotero put it (IS) and where the RIS specification
        # of 2011 does (SN, read by citation-js); the office as country and jurisdiction.
        add(("IS", item.get("number", "")))
        add(("SN", item.get("number", "")))
        add(("CY", item.get("authority", "")))
        add(("C3", item.get("authority", "")))
    elif item.get("number"):
        add(("AN", f"{item.get('publisher', '')}:{item['number']}"))
    if item.get("ISBN"):
        add(("SN", item["ISBN"]))
    if item.get("DOI"):
        add(("DO", item["DOI"]))
    if item.get("URL"):
        add(("UR", item["URL"]))
    add(("ER", ""))
    return "".join(f"{tag}  - {_one_line(value)}\n" for tag, value in lines if value or tag == "ER")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
