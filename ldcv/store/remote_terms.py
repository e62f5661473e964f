"""Blank nodes on a remote store: written as IRIs of our own, read back as blank nodes.

A SPARQL store gives every blank node it is sent a fresh name, and no query can name
one it gave back: a document cut node by node could not follow an author list. So the
publisher writes each blank node (already labelled by its place, ``ldcv.store.blank_nodes``)
as the IRI ``SKOLEM_PREFIX + label``, and everything read from the store turns those IRIs
back into blank nodes with the same label: documents, dumps and SPARQL answers show
blank nodes, as from the embedded store. (A query's ``isBlank`` sees the IRIs: listed
among the engine differences in the README.)
"""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox

SKOLEM_PREFIX = "urn:ldcv:blank:"
# In N-Triples a blank node is a line's subject or its object (the term before the final
# " ."); a literal cannot span lines, so these two never match inside one.
_SKOLEM_SUBJECT = re.compile(rb"^<urn:ldcv:blank:([A-Za-z0-9_.-]+)>(?=[ \t])", re.MULTILINE)
_SKOLEM_OBJECT = re.compile(
    rb"(?<=>[ \t])<urn:ldcv:blank:([A-Za-z0-9_.-]+)>(?=[ \t]*\.[ \t]*$)", re.MULTILINE
)


def to_remote(term: Any) -> Any:
    """Return ``term`` (a pyoxigraph term) as written to the store: a blank node as an IRI."""
    if isinstance(term, ox.BlankNode):
        return ox.NamedNode(SKOLEM_PREFIX + term.value)
    return term


def from_remote(term: Any) -> Any:
    """Return ``term`` as read from the store: one of our blank-node IRIs as a blank node."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(SKOLEM_PREFIX):
        return ox.BlankNode(term.value[len(SKOLEM_PREFIX) :])
    return term


_BLANK_SUBJECT = re.compile(rb"^_:([A-Za-z0-9_.-]+)(?=[ \t])", re.MULTILINE)
_BLANK_OBJECT = re.compile(rb"(?<=>[ \t])_:([A-Za-z0-9_.-]+)(?=[ \t]*\.[ \t]*$)", re.MULTILINE)


def lines_to_remote(ntriples: bytes) -> bytes:
    """Write the blank nodes of N-Triples as our IRIs (literals stay as they are)."""
    if b"_:" not in ntriples:
        return ntriples
    iri = b"<" + SKOLEM_PREFIX.encode() + rb"\1>"
    return _BLANK_OBJECT.sub(iri, _BLANK_SUBJECT.sub(iri, ntriples))


def lines_from_remote(ntriples: bytes) -> bytes:
    """Turn our blank-node IRIs in N-Triples back into blank nodes (literals stay as they are)."""
    if SKOLEM_PREFIX.encode() not in ntriples:
        return ntriples
    return _SKOLEM_OBJECT.sub(rb"_:\1", _SKOLEM_SUBJECT.sub(rb"_:\1", ntriples))


def json_results_from_remote(data: bytes) -> bytes:
    """Turn our blank-node IRIs in SPARQL JSON results back into blank nodes."""
    if SKOLEM_PREFIX.encode() not in data:
        return data
    results = json.loads(data)
    for row in results.get("results", {}).get("bindings", []):
        for value in row.values():
            _blank_again(value)
    return json.dumps(results, ensure_ascii=False).encode("utf-8")


def _blank_again(value: dict[str, Any]) -> None:
    if value.get("type") == "uri" and value.get("value", "").startswith(SKOLEM_PREFIX):
        value["type"] = "bnode"
        value["value"] = value["value"][len(SKOLEM_PREFIX) :]
    elif value.get("type") == "triple":  # RDF 1.2 triple terms: their parts too
        for part in value.get("value", {}).values():
            if isinstance(part, dict):
                _blank_again(part)
