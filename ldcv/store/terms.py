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
