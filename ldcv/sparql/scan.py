"""Read what the endpoint needs from a query's text before and after an engine parses it.

Three facts: whether the query uses ``SERVICE`` (refused before any engine sees it, since
pyoxigraph would open a connection), the column order of ``SELECT *`` (first appearance
in the query, as the W3C tests expect; oxigraph sorts the names), and the graphs its
``FROM``/``FROM NAMED`` clauses name (pyoxigraph applies them without telling which). All
skip IRIs, strings and comments. The scans are regular expressions (some 10 µs for a
1,000-character query); only the dataset clause is parsed (with rdflib: 5 ms), and an engine
remembers those it parsed in its own :class:`DatasetClauses`.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from ldcv.sparql.errors import QueryRefused, QuerySyntaxError

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# The terminals that may contain arbitrary text, exactly as the SPARQL grammar defines them.
_OPAQUE = re.compile(
    r"""<[^<>"{}|^`\\\x00-\x20]*>
      | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      | '''(?:[^'\\]|\\.|'(?!''))*'''
      | "(?:[^"\\\n\r]|\\.)*"
      | '(?:[^'\\\n\r]|\\.)*'
      | \#[^\n\r]*""",
    re.VERBOSE | re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$.\-])SERVICE(?![\w:\-])", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$.\-])FROM(?![\w:\-])", re.IGNORECASE)
_SELECT_STAR = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)
_FIRST_SELECT = re.compile(r"\bSELECT\b", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00B7-\uFFFF]+)")


# The IRIs of a query's FROM clauses and of its FROM NAMED clauses.
Clause = tuple[tuple[str, ...], tuple[str, ...]]


def _unescape_codepoints(text: str) -> str:
    def char(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _UNICODE_ESCAPE.sub(char, text)


def uses_service(query: str) -> bool:
    """Tell whether the query contains the SERVICE keyword outside IRIs, strings and comments."""
    # rdflib expands \\u escapes before parsing, oxigraph does not: check both readings.
    views = {query, _unescape_codepoints(query)}
    return any(_SERVICE.search(_OPAQUE.sub(" ", view)) for view in views)


def _has_keyword(pattern: re.Pattern[str], query: str) -> bool:
    # rdflib expands \\u escapes before parsing, oxigraph does not: check both readings.
    views = {query, _unescape_codepoints(query)}
    return any(pattern.search(_OPAQUE.sub(" ", view)) for view in views)


def dataset_clause(query: str, base_iri: str | None = None) -> Clause | None:
    """Return the IRIs of the query's FROM and FROM NAMED clauses, or None when it has none."""
    if not _has_keyword(_FROM, query):
        return None
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        clause = translateQuery(parseQuery(query), base=base_iri).algebra.get("datasetClause")
    except Exception as error:  # pyparsing errors, unknown prefixes, bad IRIs
        raise QuerySyntaxError(str(error)) from error
    if not clause:
        return None
    # A clause is a mapping with one key; get() would answer a missing key with its name.
    defaults = tuple(str(d["default"]) for d in clause if "default" in d)
    named = tuple(str(d["named"]) for d in clause if "named" in d)
    return defaults, named


class DatasetClauses:
    """The dataset clauses of the queries one engine was asked, each parsed once.

    The same few queries come again and again; the engine that answers them for the
    worker's lifetime keeps the last ``limit`` (a query that fails to parse is not kept).
    """

    def __init__(self, limit: int = 512) -> None:
        self.limit = limit
        self._known: OrderedDict[tuple[str, str | None], Clause | None] = OrderedDict()
        self._lock = threading.Lock()  # an engine may answer from several threads

    def __len__(self) -> int:
        return len(self._known)

    def of(self, query: str, base_iri: str | None = None) -> Clause | None:
        """Return ``dataset_clause(query, base_iri)``, parsed once while it is remembered."""
        key = (query, base_iri)
        with self._lock:
            if key in self._known:
                self._known.move_to_end(key)
                return self._known[key]
        found = dataset_clause(query, base_iri)
        with self._lock:
            self._known[key] = found
            while len(self._known) > self.limit:
                self._known.popitem(last=False)
        return found


def refuse_unsafe(query: str) -> None:
    """Raise :class:`QueryRefused` for a query that would make the server fetch something."""
    if uses_service(query):
        raise QueryRefused(
            "SERVICE is not allowed: this endpoint answers from its own data and never "
            "contacts another server"
        )


def _star_positions(query: str) -> dict[str, int] | None:
    """Where each variable first appears, for a ``SELECT *`` query; None for a projection."""
    clean = _OPAQUE.sub(" ", query)
    first = _FIRST_SELECT.search(clean)
    if first is None or not _SELECT_STAR.match(clean, first.start()):
        return None
    positions: dict[str, int] = {}
    for match in _VARIABLE.finditer(clean):
        positions.setdefault(match.group(1), match.start())
    return positions


def column_order(query: str, variables: list[str]) -> list[str]:
    """Order SELECT * columns by first appearance in the query, as the W3C tests expect."""
    positions = _star_positions(query)
    if positions is None:
        return variables  # an explicit projection keeps its own order
    last = len(query)
    return sorted(variables, key=lambda name: positions.get(name, last))


_DATASET_KEYWORD = re.compile(r"(?<![\w:?$.\-])FROM(?=\s)", re.IGNORECASE)
# Read in the query itself (the masked text has blanked the IRI out).
_GRAPH_TERM = re.compile(
    r"\s+(?:NAMED\s+)?(?:<[^<>\"{}|^`\\\x00-\x20]*>|(?:[A-Za-z][\w.\-]*)?:[\w.\-:%]*)",
    re.IGNORECASE,
)


def without_dataset_clause(query: str) -> str:
    """Return the query without its FROM and FROM NAMED clauses (IRIs, strings, comments kept).

    For an engine that lets a query's own clauses override the protocol's graph parameters
    (Virtuoso 7): with them gone, the parameters alone say which graphs are read.
    """
    masked = _OPAQUE.sub(lambda found: " " * len(found.group()), query)
    pieces, kept_from = [], 0
    for keyword in _DATASET_KEYWORD.finditer(masked):
        graph = _GRAPH_TERM.match(query, keyword.end())
        if graph is not None:
            pieces.append(query[kept_from : keyword.start()])
            kept_from = graph.end()
    return "".join(pieces) + query[kept_from:]


_GRAPH_PATTERN = re.compile(r"(?<![\w:?$.\-])GRAPH(?![\w:\-])", re.IGNORECASE)


def names_a_graph(query: str) -> bool:
    """Tell whether the query has a GRAPH pattern: a query's only way into named graphs."""
    return _has_keyword(_GRAPH_PATTERN, query)


_GRAPH_FORM = re.compile(r"(?<![\w:?$.\-])(?:CONSTRUCT|DESCRIBE)(?![\w:\-])", re.IGNORECASE)


def answers_with_a_graph(query: str) -> bool:
    """Tell whether the query is a CONSTRUCT or a DESCRIBE (its answer is triples, not rows)."""
    return _has_keyword(_GRAPH_FORM, query)
