"""Turn values into the text a reader sees: dates at their precision, labels, paragraphs."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_LEAD_LABEL = re.compile(r"^([A-Z][A-Za-z]+(?: [a-z]+){0,2}): (.+)$", re.DOTALL)


def local_name(iri: str) -> str:
    """Return the part of an IRI after its last ``#`` or ``/``: ``…/startDate`` → ``startDate``."""
    for separator in ("#", "/"):
        if separator in iri.rstrip(separator):
            iri = iri.rstrip(separator).rsplit(separator, 1)[1]
    return iri


def humanize(name: str) -> str:
    """Turn a term's local name into a label: ``startDate`` → ``Start date``."""
    words: list[str] = []
    for char in local_name(name).replace("_", " "):
        if char.isupper() and words and words[-1] != " ":
            words.append(" ")
            char = char.lower()
        words.append(char)
    text = "".join(words).strip()
    return text[:1].upper() + text[1:]


def paragraphs(value: Any) -> list[str]:
    """Split a text into the paragraphs its blank lines separate."""
    return [" ".join(p.split()) for p in str(value).split("\n\n") if p.strip()]


def lead_label(paragraph: str) -> tuple[str | None, str]:
    """Split a paragraph's lead-in label ("Research focus: …") from its text."""
    match = _LEAD_LABEL.match(paragraph)
    return (match.group(1), match.group(2)) if match else (None, paragraph)


def format_date(value: Any) -> str:
    """Render a date at its precision: ``2021``, ``Oct 2014``, ``28 Jul 2021``."""
    if value is None:
        return ""
    text = str(value)
    parts = text.split("-")
    try:
        if len(parts) == 1:
            return f"{int(parts[0]):04d}"
        if len(parts) == 2:
            return f"{_MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
        if len(parts) == 3:
            day = date.fromisoformat(text[:10])
            return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    except (ValueError, IndexError):
        pass
    return text
