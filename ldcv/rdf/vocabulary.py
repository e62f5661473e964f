"""Namespaces and prefixes, in one place, and our own small vocabulary."""

from __future__ import annotations

from importlib.resources import files

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD


class Terms(Namespace):
    """A namespace that makes each term once: rdflib's makes a new IRI at every ``SDO.name``.

    Mapping 100 CVs looks terms up half a million times; a cached attribute is
    forty times faster than rdflib's ``__getattr__``.
    """

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):  # copy, pickle and friends probe for dunders
            raise AttributeError(name)
        term = self.term(name)
        self.__dict__[name] = term
        return term


# http, not https: the official JSON-LD context expands terms to http://schema.org/,
# so embedded JSON-LD and Turtle carry identical IRIs. rdflib's own SDO is https.
SDO = Terms("http://schema.org/")
FOAF = Terms("http://xmlns.com/foaf/0.1/")
BIBO = Terms("http://purl.org/ontology/bibo/")
DCTERMS = Terms("http://purl.org/dc/terms/")
VOID = Terms("http://rdfs.org/ns/void#")
SD = Terms("http://www.w3.org/ns/sparql-service-description#")

# Independent of any deployment's base URI, so that two servers publish the same terms;
# see the header of vocab.ttl for how it dereferences.
LDCV = Terms("https://w3id.org/ldcv/vocab#")

# The path under which every ldcv server (and the static build) serves vocab.ttl.
VOCABULARY_PATH = "/vocab"

PREFIXES: dict[str, Namespace] = {
    "schema": SDO,
    "foaf": FOAF,
    "bibo": BIBO,
    "dcterms": DCTERMS,
    "ldcv": LDCV,
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "void": VOID,
    "sd": SD,
}

__all__ = [
    "BIBO",
    "DCTERMS",
    "FOAF",
    "LDCV",
    "OWL",
    "PREFIXES",
    "RDF",
    "RDFS",
    "SD",
    "SDO",
    "VOCABULARY_PATH",
    "VOID",
    "XSD",
    "bind_prefixes",
    "new_graph",
    "own_vocabulary",
]


def bind_prefixes(graph: Graph) -> Graph:
    """Bind our prefixes on ``graph``, replacing rdflib's https ``schema`` binding."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def new_graph() -> Graph:
    """Return an empty graph with only our prefixes bound (not rdflib's thirty defaults)."""
    return bind_prefixes(Graph(bind_namespaces="core"))


def own_vocabulary() -> Graph:
    """Load ldcv's own vocabulary (``ldcv/rdf/vocab.ttl``) shipped with the package."""
    text = files("ldcv.rdf").joinpath("vocab.ttl").read_text(encoding="utf-8")
    return new_graph().parse(data=text, format="turtle")
