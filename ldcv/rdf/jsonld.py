"""JSON-LD: compaction with the schema.org context (shipped, never fetched) and the
inline contexts that let any processor read our documents offline.

Reading the ~2,500-term context costs ~50 ms: whoever compacts many documents (a
catalog) reads it once into a :class:`JsonLdContext` and hands it to each compaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files

from rdflib import Graph
from rdflib.plugins.serializers.jsonld import Converter
from rdflib.plugins.shared.jsonld.context import Context
from rdflib.term import Node

SCHEMA_CONTEXT_URL = "https://schema.org"


def schema_context() -> dict:
    """Read the schema.org JSON-LD context from the copy shipped with ldcv (never fetched)."""
    text = files("ldcv.rdf").joinpath("schemaorg-context.jsonld").read_text(encoding="utf-8")
    return json.loads(text)["@context"]


def _extra_context(known: dict) -> dict[str, str]:
    """Prefixes our graph uses that the schema.org context ``known`` does not define."""
    from ldcv.rdf.vocabulary import PREFIXES

    return {p: str(ns) for p, ns in PREFIXES.items() if p not in known and p != "schema"}


@dataclass(frozen=True)
class JsonLdContext:
    """The shipped schema.org context and our prefixes, read once by whoever compacts."""

    extra: dict[str, str]  # our prefixes the schema.org context lacks
    full: dict  # the schema.org context with them: what the compaction expands with
    compaction: Context  # ``full`` as rdflib's converter reads it

    @classmethod
    def read(cls) -> JsonLdContext:
        """Read the shipped context (~50 ms): once for every document its holder compacts."""
        schema = schema_context()
        extra = _extra_context(schema)
        full = {**schema, **extra}
        return cls(extra, full, Context(full))


def compact_jsonld(graph: Graph, context: JsonLdContext | None = None) -> dict:
    """Compact ``graph`` as JSON-LD with the schema.org context, ``@graph`` with ``@id`` links.

    The output names the context by URL (what consumers and Google expect) plus
    our extra prefixes; the compaction itself runs on the local copy, ``context``
    (read here when none is given).
    """
    context = JsonLdContext.read() if context is None else context
    extra = context.extra
    # Convert with the context read once, directly (what rdflib's serializer does
    # inside, minus re-reading and re-dumping the context).
    converter = Converter(context.compaction, use_native_types=False, use_rdf_type=False)
    # A dataset (context-aware) is read graph by graph by the converter itself.
    result = converter.convert(graph if graph.context_aware else _ReadOnce(graph))
    # Through JSON and back: plain str for every IRI (rdflib's URIRef never equals a str).
    document = json.loads(json.dumps(result if isinstance(result, dict) else {"@graph": result}))
    body = {k: v for k, v in document.items() if k != "@context"}
    if "@graph" not in body:
        body = {"@graph": [body]} if body else {"@graph": []}
    # rdflib walks the subjects of a set, in an order that changes with Python's hash
    # seed; a fixed order gives the same bytes (and ETags) in every process.
    body["@graph"] = sorted((_ordered_node(n) for n in body["@graph"]), key=_json_key)
    return {"@context": [SCHEMA_CONTEXT_URL, extra] if extra else SCHEMA_CONTEXT_URL, **body}


class _ReadOnce:
    """What rdflib's JSON-LD ``Converter`` asks of a graph, answered from one pass over it.

    The converter asks each subject's triples, and each object whether it starts a list,
    through ``Graph.triples``. One walk of the graph, kept by subject in the graph's own
    order, gives it the same answers in the same order (so the same output): a fifth of
    the compaction of a 2,000-triple document.
    """

    context_aware = False

    def __init__(self, graph: Graph) -> None:
        self.identifier = graph.identifier
        self._by_subject: dict[Node, list[tuple[Node, Node]]] = {}
        self._first: dict[tuple[Node, Node], Node] = {}
        first = self._first
        for s, p, o in graph:
            found = self._by_subject.get(s)
            if found is None:
                found = self._by_subject[s] = []
            found.append((p, o))
            if (s, p) not in first:
                first[s, p] = o
        self._referrers: dict[Node, list[Node]] | None = None

    def subjects(self, predicate: None = None, obj: Node | None = None) -> Iterator[Node]:
        """Every subject, or those pointing at ``obj`` (the converter asks nothing else)."""
        if predicate is not None:
            raise NotImplementedError("the JSON-LD converter asks subjects by object only")
        if obj is None:
            return iter(self._by_subject)
        if self._referrers is None:  # only a blank node subject asks: made once
            self._referrers = {}
            for s, pairs in self._by_subject.items():
                for _, o in pairs:
                    self._referrers.setdefault(o, []).append(s)
        return iter(self._referrers.get(obj, ()))

    def predicate_objects(self, subject: Node) -> Iterator[tuple[Node, Node]]:
        return iter(self._by_subject.get(subject, ()))

    def value(self, subject: Node, predicate: Node) -> Node | None:
        """The first object of ``subject`` through ``predicate``, as ``Graph.value`` gives it."""
        return self._first.get((subject, predicate))


_NODE_HEAD = ("@id", "id", "@type", "type")
# ``json.dumps(value, sort_keys=True, ensure_ascii=False)`` makes an encoder a call; this
# is that encoder, made once (a large document's sort keys are thousands of calls).
_KEY_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def _json_key(value: object) -> str:
    return _KEY_ENCODER.encode(value)


def _ordered_node(node: object) -> object:
    """A node object with id and type first, the other keys sorted, value arrays sorted.

    Arrays inside ``@list`` keep their order: they are not property value arrays.
    """
    if not isinstance(node, dict):
        return node
    keys = [k for k in _NODE_HEAD if k in node]
    keys += sorted(k for k in node if k not in _NODE_HEAD)
    return {
        k: sorted(node[k], key=_json_key) if isinstance(node[k], list) and k != "@list" else node[k]
        for k in keys
    }


def standalone_jsonld(document: dict, context: JsonLdContext | None = None) -> dict:
    """The same document with an inline context holding just the terms it uses.

    Our ``.jsonld`` documents must be readable offline by any JSON-LD processor,
    so they cannot name the schema.org context by URL (processors must fetch it,
    and schema.org serves it only through a ``Link`` header several do not follow).
    The whole context is 200 KB; the terms one document uses, with the prefixes
    and terms their definitions refer to, are a few dozen lines and expand the
    body exactly as the full context does.
    """
    body = {k: v for k, v in document.items() if k != "@context"}
    return {"@context": used_context(body, context), **body}


def used_context(body: object, context: JsonLdContext | None = None) -> dict:
    """The definitions of the compaction context that ``body`` needs to expand."""
    full = (JsonLdContext.read() if context is None else context).full
    vocab = full["@vocab"]
    needed: dict = {"@vocab": vocab}
    pending = list(_strings(body))
    while pending:
        text = pending.pop()
        for name in (text, text.partition(":")[0] if ":" in text else None):
            if not name or name not in full or name in needed or _vocab_says(full, name):
                continue
            needed[name] = full[name]
            pending.extend(_strings(full[name]))
    return dict(sorted(needed.items()))


def _vocab_says(context: dict, term: str) -> bool:
    """Whether ``@vocab`` alone expands ``term`` as its definition does (``Person``, ``name``).

    Such definitions only matter where a term is expanded against the vocabulary
    (keys and ``@type`` values), and there ``@vocab`` gives the same IRI.
    """
    definition = context[term]
    if not isinstance(definition, dict) or set(definition) != {"@id"}:
        return False
    prefix, _, name = definition["@id"].partition(":")
    return name == term and context.get(prefix) == context["@vocab"]


def _strings(value: object):
    """Every key and string value in a JSON value, keywords excepted."""
    if isinstance(value, str):
        if not value.startswith("@"):
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def expand_context(document: dict) -> dict:
    """Replace the context URL in a document of ours by the local copy, for offline parsing."""
    context = document.get("@context")
    items = context if isinstance(context, list) else [context]
    local: dict = {}
    for item in items:
        local.update(schema_context() if item == SCHEMA_CONTEXT_URL else item)
    return {**document, "@context": local}


def jsonld_bytes(data: dict) -> bytes:
    """The bytes of a JSON-LD document as we serve it (from ``compact_jsonld``)."""
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
