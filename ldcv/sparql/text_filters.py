"""Find a query's substring filters on a variable a triple binds, and bind it to candidates.

A filter ``CONTAINS(LCASE(STR(?v)), "text")`` makes Oxigraph decode every literal ?v can
be. Given the literals that may contain the text (``ldcv.store.text_index``), the group
holding the filter gets ``VALUES ?v { … }`` at its end, and the filter stays: the answers
are the same, and Oxigraph starts from the candidates. Recognised, in any case of the
keywords and with or without the parentheses around the call::

    FILTER (CONTAINS(LCASE(STR(?v)), "text"))   FILTER (CONTAINS(LCASE(?v), "text"))
    FILTER (CONTAINS(STR(?v), "text"))          FILTER (CONTAINS(?v, "text"))
    FILTER (REGEX(?v, "text", "i"))             FILTER (REGEX(STR(?v), "text"))

where "text" is a plain string (no language tag or datatype; escapes allowed) and, for
REGEX, holds no metacharacter. Why the rewrite gives the same answers: ``?v`` occurs in a
triple pattern of the group itself (not only under OPTIONAL, UNION, MINUS or a nested
group), so every solution of the group binds it; joining the group with the candidates
at its end keeps exactly the solutions whose ?v is a candidate, which every solution that
passes the filter is (the candidates are a superset); and the group's other elements are
left as they are, so a BIND or an OPTIONAL before it sees what it saw. A group inside an
expression (``EXISTS``) is not rewritten. ``STR(?v)`` is true of an IRI too, which the
index does not list: that form is rewritten only where ``?v`` is the object of a
predicate whose objects have only ever been literals.

The query is read by a tokenizer of SPARQL's terminals and a scan of its groups, not by
a full parser: rdflib's parser and algebra take 54–167 ms for example 5, more than the
rewrite saves, the scan 0.2 ms. Anything it does not know leaves the query as it is;
unchanged is always a correct answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_NAME = r"A-Za-z0-9_\u00B7-\U0010FFFF"  # the characters of a name past its first
_TOKEN = re.compile(
    r"""(?P<space>\s+|\#[^\n\r]*)
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                  |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
      | (?P<var>[?$][NAME]+)
      | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
      | (?P<blank>_:[NAME](?:[NAME.\-]*[NAME\-])?)
      | (?P<pname>(?:[A-Za-z\u00C0-\U0010FFFF](?:[NAME.\-]*[NAME\-])?)?
                 :(?:[NAME:%\-]|\.(?=[NAME:%\-]))*)
      | (?P<number>\d+\.\d*[eE][+-]?\d+|\.?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<punct>\^\^|&&|\|\||!=|<=|>=|\{\||\|\}|<<|>>|[{}()\[\].;,!=<>+\-*/^|?])""".replace(
        "NAME", _NAME
    ),
    re.VERBOSE,
)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_STRING_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_REGEX_SPECIAL = set("\\.^$|?*+()[]{}")
# Elements of a group that are not triples, each followed by what it holds.
_GROUP_KEYWORDS = {"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES", "UNION"}
_MAY_FILTER = re.compile(r"contains|regex", re.IGNORECASE)
_TERM_KINDS = {"iri", "string", "var", "blank", "pname", "number"}


@dataclass(frozen=True)
class Token:
    """One terminal of the query: its kind (a group of ``_TOKEN``), text and offset."""

    kind: str
    text: str
    start: int

    @property
    def upper(self) -> str:
        """The text in capitals: SPARQL's keywords are read in any case."""
        return self.text.upper()


@dataclass(frozen=True)
class TextFilter:
    """A filter the index can narrow: ``?variable`` holds ``needle``, in any case or not."""

    variable: str
    needle: str
    str_of: bool  # the filter reads STR(?v): an IRI may pass it too
    predicates: tuple[str, ...] | None  # ?v is an object of these (None: of some other way)
    # The group also matches a literal constant (``?a schema:familyName "Samek"``), where
    # an engine starts: the candidates would only add work (example 4: 5 -> 20 ms).
    anchored: bool = False


@dataclass
class _Group:
    close: int  # the index of the text's closing brace
    triples: list[list[Token]] = field(default_factory=list)  # its triples blocks' tokens
    filters: list[list[Token]] = field(default_factory=list)  # each filter's constraint


class _Unknown(Exception):
    """The query holds something this scan does not read: leave it as it is."""


Candidates = Callable[[TextFilter], "list[str] | None"]


def narrowed(query: str, candidates: Candidates) -> str:
    """Return ``query`` with each recognised filter's variable bound to ``candidates(filter)``.

    ``candidates`` answers N-Triples terms, or ``None`` to leave that filter alone. The
    query comes back unchanged when nothing is recognised or the scan cannot read it.
    """
    if not _MAY_FILTER.search(query):
        return query
    try:
        tokens = _tokens(query)
        prefixes, groups = _Scan(tokens).query()
        recognised = [
            (group, found) for group in groups for found in _text_filters(group, prefixes)
        ]
    except _Unknown:
        return query
    insertions: list[tuple[int, str]] = []
    for group, found in recognised:
        terms = candidates(found)
        if terms is not None:
            # Two filters on one variable: two VALUES, whose join keeps what both hold.
            values = f"VALUES ?{found.variable} {{ {' '.join(terms)} }}\n"
            insertions.append((group.close, values))
    if not insertions:
        return query
    pieces, kept = [], 0
    for place, text in sorted(insertions, key=lambda item: item[0]):
        pieces += [query[kept:place], text]
        kept = place
    return "".join(pieces) + query[kept:]


def _tokens(query: str) -> list[Token]:
    tokens: list[Token] = []
    place = 0
    while place < len(query):
        match = _TOKEN.match(query, place)
        if match is None or match.end() == place:
            raise _Unknown(query[place : place + 20])
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(Token(kind, match.group(), place))
        place = match.end()
    return tokens


class _Scan:
    """Read the prologue and every group graph pattern (outside expressions) of a query."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.place = 0
        self.groups: list[_Group] = []

    def peek(self, ahead: int = 0) -> Token | None:
        place = self.place + ahead
        return self.tokens[place] if place < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise _Unknown("the query ends early")
        self.place += 1
        return token

    def query(self) -> tuple[dict[str, str], list[_Group]]:
        prefixes: dict[str, str] = {}
        while (token := self.peek()) is not None and token.upper in ("PREFIX", "BASE"):
            self.take()
            if token.upper == "BASE":
                raise _Unknown("BASE")  # relative IRIs would need resolving
            name, iri = self.take(), self.take()
            if name.kind != "pname" or not name.text.endswith(":") or iri.kind != "iri":
                raise _Unknown("PREFIX")
            prefixes[name.text[:-1]] = iri.text[1:-1]
        form = self.take().upper
        if form not in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            raise _Unknown(form)
        if form == "CONSTRUCT" and self.peek() is not None and self.peek().text == "{":  # type: ignore[union-attr]
            self.skip_balanced()  # the template
        self.to_group()
        self.group()
        while (token := self.peek()) is not None:  # the solution modifiers, VALUES
            if token.text in ("(", "{", "["):
                self.skip_balanced()
            elif token.text in (")", "}", "]"):
                raise _Unknown("unbalanced")
            else:
                self.take()
        return prefixes, self.groups

    def to_group(self) -> None:
        """Skip the projection and dataset clauses up to the WHERE group's brace."""
        while (token := self.peek()) is not None and token.text != "{":
            if token.text == "(":
                self.skip_balanced()
            else:
                self.take()
        if token is None:
            raise _Unknown("no group")

    def skip_balanced(self) -> None:
        """Skip a bracketed whole: ``(…)``, ``{…}`` or ``[…]``, with whatever it nests."""
        depth = 0
        while True:
            token = self.take()
            if token.text in ("(", "{", "[", "{|"):
                depth += 1
            elif token.text in (")", "}", "]", "|}"):
                depth -= 1
            if depth == 0:
                return
            if depth < 0:
                raise _Unknown("unbalanced")

    def group(self) -> None:
        """Read a group graph pattern (the current token is its brace)."""
        self.take()
        first = self.peek()
        if first is not None and first.upper == "SELECT":
            self.subquery()
            return
        found = _Group(close=-1)
        while True:
            token = self.take()
            upper = token.upper
            if token.text == "}":
                found.close = token.start
                self.groups.append(found)
                return
            if token.text == "{":
                self.place -= 1
                self.group()
                found.triples.append([])
            elif token.text in ("{|", "|}", "<<", ">>"):
                raise _Unknown(token.text)  # annotations and quoted triples
            elif token.kind == "word" and upper in _GROUP_KEYWORDS:
                self.element(upper, found)
                found.triples.append([])  # a triples block ends here
            elif token.kind == "word" and upper not in ("A", "TRUE", "FALSE"):
                raise _Unknown(upper)  # LATERAL, or something new
            else:
                if not found.triples:
                    found.triples.append([])
                found.triples[-1].append(token)

    def element(self, keyword: str, found: _Group) -> None:
        """Read the rest of a group's element that is not triples."""
        if keyword in ("OPTIONAL", "MINUS", "UNION"):
            self.group_next()
        elif keyword in ("GRAPH", "SERVICE"):
            if (silent := self.peek()) is not None and silent.upper == "SILENT":
                self.take()
            self.take()  # the graph's name
            self.group_next()
        elif keyword == "FILTER":
            start = self.place
            token = self.peek()
            if token is not None and token.upper in ("EXISTS", "NOT"):
                while (token := self.peek()) is not None and token.text != "{":
                    self.take()
                self.skip_balanced()  # a group inside an expression: not rewritten
                return
            if token is not None and token.text != "(":
                self.take()  # a function's name: FILTER regex(…)
            self.skip_balanced()
            found.filters.append(self.tokens[start : self.place])
        elif keyword == "BIND":
            self.skip_balanced()
        elif keyword == "VALUES":
            if (token := self.peek()) is not None and token.text == "(":
                self.skip_balanced()
            else:
                self.take()
            self.skip_balanced()

    def group_next(self) -> None:
        token = self.peek()
        if token is None or token.text != "{":
            raise _Unknown("a group was expected")
        self.group()

    def subquery(self) -> None:
        """Read ``{ SELECT … { group } modifiers }`` (the brace was taken)."""
        self.to_group()
        self.group()
        while (token := self.peek()) is not None and token.text != "}":
            if token.text in ("(", "{", "["):
                self.skip_balanced()
            else:
                self.take()
        self.take()


def _text_filters(group: _Group, prefixes: dict[str, str]) -> list[TextFilter]:
    """The group's filters the index can narrow, each with what the group says of its variable."""
    found = []
    anchored = any(token.kind in ("string", "number") for block in group.triples for token in block)
    for constraint in group.filters:
        call = _filter_call(constraint)
        if call is None:
            continue
        variable, needle, str_of = call
        bindings = [_bound_by(block, variable, prefixes) for block in group.triples]
        if not any(bound for bound, _ in bindings):
            continue
        if any(bound and predicates is None for bound, predicates in bindings):
            found.append(TextFilter(variable, needle, str_of, None, anchored))
            continue
        iris = sorted({iri for bound, predicates in bindings if bound for iri in predicates or ()})
        found.append(TextFilter(variable, needle, str_of, tuple(iris), anchored))
    return found


def _filter_call(tokens: list[Token]) -> tuple[str, str, bool] | None:
    """``(variable, needle, STR(?v) read)`` if the constraint is one this module narrows."""
    texts = [t.text if t.kind in ("var", "string") else t.upper for t in tokens]
    while texts and texts[0] == "(" and texts[-1] == ")" and _wraps(texts):
        texts = texts[1:-1]
        tokens = tokens[1:-1]
    if len(tokens) < 6 or tokens[-1].text != ")" or texts[1] != "(":
        return None
    name, inner = texts[0], tokens[2:-1]
    # The first argument: ?v, STR(?v), LCASE(?v), LCASE(STR(?v)).
    wrappers, place = [], 0
    while place + 1 < len(inner) and inner[place].upper in ("STR", "LCASE"):
        if inner[place + 1].text != "(":
            return None
        wrappers.append(inner[place].upper)
        place += 2
    if place >= len(inner) or inner[place].kind != "var":
        return None
    variable = inner[place].text[1:]
    place += 1
    for _ in wrappers:
        if place >= len(inner) or inner[place].text != ")":
            return None
        place += 1
    rest = inner[place:]
    if not rest or rest[0].text != "," or len(rest) < 2 or rest[1].kind != "string":
        return None
    needle = _string_value(rest[1].text)
    after = rest[2:]
    if name == "CONTAINS" and not after and wrappers in ([], ["STR"], ["LCASE"], ["LCASE", "STR"]):
        if wrappers and wrappers[0] == "LCASE" and needle != needle.lower():
            return None  # a lower-cased value never holds an upper-case letter: nothing matches
        return variable, needle, "STR" in wrappers
    literal_pattern = name == "REGEX" and wrappers in ([], ["STR"])
    if literal_pattern and not _REGEX_SPECIAL & set(needle) and _case_flag_only(after):
        return variable, needle, "STR" in wrappers
    return None


def _case_flag_only(flags: list[Token]) -> bool:
    """Whether REGEX's flags, after its pattern, are none, ``""`` or ``"i"``."""
    if not flags:
        return True
    if len(flags) != 2 or flags[0].text != "," or flags[1].kind != "string":
        return False
    return _string_value(flags[1].text) in ("", "i")


def _wraps(texts: list[str]) -> bool:
    """Whether the first parenthesis closes at the last."""
    depth = 0
    for place, text in enumerate(texts):
        depth += text == "("
        depth -= text == ")"
        if depth == 0:
            return place == len(texts) - 1
    return False


def _string_value(text: str) -> str:
    """The value of a SPARQL string token (its quotes and escapes undone)."""
    quote = 3 if text[:3] in ('"""', "'''") else 1
    body = text[quote:-quote]

    def escape(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        if code is not None:
            if 0xD800 <= int(code, 16) < 0xE000:
                raise _Unknown("a surrogate")
            return chr(int(code, 16))
        if match.group(3) not in _ESCAPES:
            raise _Unknown("escape")
        return _ESCAPES[match.group(3)]

    try:
        return _STRING_ESCAPE.sub(escape, body)
    except (ValueError, OverflowError):
        raise _Unknown("escape") from None


def _bound_by(
    triples: list[Token], variable: str, prefixes: dict[str, str]
) -> tuple[bool, tuple[str, ...] | None]:
    """Whether the group's triples bind ``?variable``; the predicates it is an object of.

    The predicates are those of plain ``subject predicate ?v`` patterns; ``None`` when it
    is also bound some other way (a variable predicate, a path, a subject), which then
    says nothing of what it may be.
    """
    names = {f"?{variable}", f"${variable}"}
    places = [place for place, token in enumerate(triples) if token.text in names]
    if not places:
        return False, None
    predicates: set[str] = set()
    for place in places:
        verb = triples[place - 1] if place >= 1 else None
        before = triples[place - 2] if place >= 2 else None
        after = triples[place + 1] if place + 1 < len(triples) else None
        object_place = (
            verb is not None
            and (verb.kind in ("iri", "pname") or verb.upper == "A")
            and before is not None
            and (before.kind in _TERM_KINDS or before.text in ("[", "]", ")", ";"))
            and (after is None or after.text in (".", ";", "]"))
        )
        if not object_place:
            return True, None
        iri = _iri(verb, prefixes) if verb is not None else None
        if iri is None:
            return True, None
        predicates.add(iri)
    return True, tuple(sorted(predicates))


def _iri(token: Token, prefixes: dict[str, str]) -> str | None:
    if token.upper == "A":
        return RDF_TYPE
    if token.kind == "iri":
        iri = token.text[1:-1]
        return iri if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", iri) else None
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes or "%" in local:
        return None
    return prefixes[prefix] + local
