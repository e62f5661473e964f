"""Web-server configuration for the static build: nginx and Apache, negotiating as ldcv serve does.

Neither server can weigh q-values, so the Accept header is matched with an ordered
list of regular expressions, made from the format table:

1. the client's first entry, when it is one of our media types without a q below 1,
   wins (browsers start with ``text/html``, Jena with ``text/turtle``, rdflib with
   what it asked for, LDSpider with ``application/rdf+xml``);
2. else the first of our media types, in the table's order, that the header names
   without ``q=0``;
3. else a wildcard (``*/*``, ``text/*``, ``application/*``) picks the first format it
   covers; an empty header means Turtle;
4. else nothing is acceptable: 406.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from ldcv.documents.crawler_files import VOID_PATH
from ldcv.rdf.formats import (
    BIBLIOGRAPHIC_FORMATS,
    BIBLIOGRAPHY_KINDS,
    FORMATS,
    RDF_FORMATS,
    TABLE,
    Format,
    formats_for,
)
from ldcv.rdf.vocabulary import VOCABULARY_PATH

# Paths negotiated among the RDF formats only (no HTML view): VoID and our vocabulary.
RDF_RESOURCES: tuple[str, ...] = (VOID_PATH, VOCABULARY_PATH)
CORS_EXPOSED = "Link, ETag, Content-Location"
CACHE_CONTROL = "public, max-age=3600"
# The formats of works' and people's documents: every document's and the bibliographic ones.
WORK_FORMATS: tuple[Format, ...] = formats_for("publication")
# Kinds and slugs as ldcv.rdf.iris mints them.
SEGMENT = "[a-z0-9]+(?:-[a-z0-9]+)*"
# Pages of long lists: of a document (ldcv.documents.paged) and of the index of the people.
PAGED = f"(?:doc/{SEGMENT}/{SEGMENT}/page/[1-9][0-9]*|people/by-[a-z]+(?:/[1-9][0-9]*)?)"

_PARAMS = r"(?:\s*;\s*(?!q\s*=)[^;,]*)*"  # media-type parameters other than q
_NOT_Q0 = r"(?:\s*;\s*(?!q\s*=\s*0(?:\.0*)?\s*(?:[;,]|$))[^;,]*)*"  # any parameters but q=0
_Q1 = r"(?:\s*;\s*q\s*=\s*1(?:\.0*)?)?"


@dataclass(frozen=True)
class AcceptRule:
    """When ``pattern`` matches the Accept header (case-insensitively), serve ``suffix``."""

    pattern: str
    suffix: str


def _alternation(media_types: Sequence[str]) -> str:
    return "(?:" + "|".join(re.escape(m) for m in media_types) + ")"


def accept_rules(formats: Sequence[Format] = FORMATS) -> list[AcceptRule]:
    """The ordered regular expressions that approximate negotiation among ``formats``."""
    rules = [
        AcceptRule(rf"^\s*{_alternation(f.media_types)}{_PARAMS}{_Q1}{_PARAMS}\s*(?:,|$)", f.suffix)
        for f in formats
    ]
    # Primary media types before the secondary ones (application/json, text/plain …).
    depth = max(len(f.media_types) for f in formats)
    for index in range(depth):
        for f in formats:
            if index < len(f.media_types):
                pattern = rf"(?:^|,)\s*{_alternation(f.media_types[index : index + 1])}"
                rules.append(AcceptRule(rf"{pattern}{_NOT_Q0}\s*(?:,|$)", f.suffix))
    wildcards = {"*/*": formats[0]}
    for f in formats:
        if f.named_only:  # a wildcard never picks BibTeX, RIS …
            continue
        major = f.media_type.split("/")[0]
        wildcards.setdefault(f"{major}/*", f)
    for wildcard, f in wildcards.items():
        rules.append(AcceptRule(rf"(?:^|,)\s*{re.escape(wildcard)}{_NOT_Q0}\s*(?:,|$)", f.suffix))
    return rules


def negotiate_suffix(accept: str | None, formats: Sequence[Format] = FORMATS) -> str | None:
    """What the generated configuration serves for ``accept``: a suffix, or ``None`` (406)."""
    if not accept or not accept.strip():
        return formats[0].suffix
    for rule in accept_rules(formats):
        if re.search(rule.pattern, accept, re.IGNORECASE):
            return rule.suffix
    return None


# nginx's map hash holds a key of at most about 46 bytes (map_hash_bucket_size 64):
# the exact entries stay below that, so the generated file needs no http-level tuning.
_LONGEST_EXACT_ACCEPT = 40


def exact_accepts(formats: Sequence[Format] = FORMATS) -> list[tuple[str, str]]:
    """Accept headers nginx can look up in its hash, with the suffix the rules give them.

    Each of our media types alone and ``*/*`` (curl, wget, requests): the commonest
    headers skip the regular expressions. Browsers' headers are too long for the hash;
    they meet the first, anchored, expressions.
    """
    headers = [m for f in formats for m in f.media_types] + ["*/*"]
    entries = []
    for accept in dict.fromkeys(headers):
        suffix = negotiate_suffix(accept, formats)
        if suffix is not None and len(accept) <= _LONGEST_EXACT_ACCEPT:
            entries.append((accept, suffix))
    return entries


def _nginx_string(text: str) -> str:
    """Quote ``text`` for nginx: its parser unescapes ``\\\\`` and ``\\"`` in quoted strings."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_ENV = Environment(
    loader=PackageLoader("ldcv.build", "templates"),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,  # server configuration, not HTML
)
_ENV.filters["nginx_string"] = _nginx_string


@dataclass(frozen=True)
class Site:
    """Where the built site lives and under which URL it is served."""

    base_uri: str
    root: Path

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_uri)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def prefix(self) -> str:
        """The base URI's path ('' for a site at the root of its host)."""
        return urlsplit(self.base_uri).path.rstrip("/")

    @property
    def host(self) -> str:
        return urlsplit(self.base_uri).hostname or "localhost"

    @property
    def port(self) -> int:
        parts = urlsplit(self.base_uri)
        return parts.port or (443 if parts.scheme == "https" else 80)


def _context(site: Site) -> dict:
    return {
        "site": site,
        "base": site.base_uri.rstrip("/"),
        "formats": FORMATS,
        "rdf_formats": RDF_FORMATS,
        "suffixes": "|".join(re.escape(f.suffix) for f in TABLE),
        "work_formats": WORK_FORMATS,
        "work_kinds": "|".join(sorted(BIBLIOGRAPHY_KINDS)),
        "work_rules": accept_rules(WORK_FORMATS),
        "work_exact": exact_accepts(WORK_FORMATS),
        "work_available": ", ".join(f.media_type for f in WORK_FORMATS),
        "bibliographic_formats": BIBLIOGRAPHIC_FORMATS,
        "extension": lambda f: f.suffix.rpartition(".")[2],
        "rdf_suffixes": "|".join(f.suffix for f in RDF_FORMATS),
        "document_rules": accept_rules(FORMATS),
        "rdf_rules": accept_rules(RDF_FORMATS),
        "document_exact": exact_accepts(FORMATS),
        "rdf_exact": exact_accepts(RDF_FORMATS),
        "segment": SEGMENT,
        "paged": PAGED,
        "cors_exposed": CORS_EXPOSED,
        "cache_control": CACHE_CONTROL,
        "available": ", ".join(f.media_type for f in FORMATS),
        "rdf_available": ", ".join(f.media_type for f in RDF_FORMATS),
        "re_escape": re.escape,
        "format_names": _format_names(FORMATS),
        "work_format_names": _format_names(WORK_FORMATS),
        "charset_bibliographic": [
            f.media_type for f in BIBLIOGRAPHIC_FORMATS if f.content_type != f.media_type
        ],
        "rdf_resources": RDF_RESOURCES,
    }


def _format_names(formats: Sequence[Format]) -> list[tuple[str, str]]:
    """Each ``?format=`` value (key or suffix) of ``formats`` once, with the suffix it selects."""
    names: dict[str, str] = {}
    for f in formats:
        names.setdefault(f.key, f.suffix)
        names.setdefault(f.suffix, f.suffix)
    return sorted(names.items())


def nginx_conf(base_uri: str, root: Path) -> str:
    """The nginx configuration to include in ``http { }``: the maps and one ``server { }``."""
    site = Site(base_uri.rstrip("/"), root.resolve())
    return _ENV.get_template("nginx.conf.j2").render(**_context(site))


def htaccess(base_uri: str) -> str:
    """Apache rules (mod_rewrite, mod_headers, mod_mime) equivalent to ``nginx_conf``."""
    site = Site(base_uri.rstrip("/"), Path("."))
    return _ENV.get_template("htaccess.j2").render(**_context(site))
