"""Translate RDF terms between rdflib (the mapping, the documents) and pyoxigraph (the store).

Blank nodes keep their labels both ways, so a blank node written to the store under a
stable label is read back under the same one.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
_XSD_STRING = str(XSD.string)
TERMS_KEPT = 20_000  # each way: some 4 MiB, the terms of the last hundred or so documents
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_oxigraph(term: Node) -> OxTerm:
    """Return ``term`` as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term the store holds: {term!r}")


def to_rdflib(term: OxTerm) -> Node:
    """Return a pyoxigraph term as an rdflib term.

    Literals keep their lexical form: rdflib would otherwise normalise ``"1.50"^^xsd:decimal``.
    """
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _RDF_LANGSTRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise TypeError(f"not an RDF term rdflib holds: {term!r}")


class Translations:
    """``to_oxigraph`` and ``to_rdflib`` for one store's reads, remembering recent answers.

    A reader names the same predicates, classes, dates and neighbours again and again, and
    making an rdflib term costs microseconds (an IRI is checked, a literal's datatype made).
    At most ``kept`` terms each way: past that, the memory starts again from nothing. Safe
    from several threads (a lost entry is translated again).
    """

    def __init__(self, kept: int = TERMS_KEPT) -> None:
        self.kept = kept
        self._to_rdflib: dict[OxTerm, Node] = {}
        self._to_oxigraph: dict[Node, OxTerm] = {}

    def to_rdflib(self, term: OxTerm) -> Node:
        """``to_rdflib(term)``, from memory where it was asked lately."""
        found = self._to_rdflib.get(term)
        if found is None:
            if len(self._to_rdflib) >= self.kept:
                self._to_rdflib.clear()
            found = self._to_rdflib[term] = to_rdflib(term)
        return found

    def to_oxigraph(self, term: Node) -> OxTerm:
        """``to_oxigraph(term)``, from memory where it was asked lately."""
        found = self._to_oxigraph.get(term)
        if found is None:
            if len(self._to_oxigraph) >= self.kept:
                self._to_oxigraph.clear()
            found = self._to_oxigraph[term] = to_oxigraph(term)
        return found
