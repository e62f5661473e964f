"""Name the media types the endpoint reads and writes, and which ones fit which query form."""

from __future__ import annotations

from ldcv.rdf.vocabulary import PREFIXES as _ALL_PREFIXES

XSD = str(_ALL_PREFIXES["xsd"])

# The first of each table is the canonical one we send.
SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
JSON_LD = "application/ld+json"
N_TRIPLES = "application/n-triples"
RDF_XML = "application/rdf+xml"
HTML = "text/html"
TABLE = "application/x-ldcv-table+json"  # internal: rows for the HTML query page

# Accepted media type -> the canonical type we answer with.
SOLUTION_TYPES = {
    SPARQL_JSON: SPARQL_JSON,
    SPARQL_XML: SPARQL_XML,
    CSV: CSV,
    TSV: TSV,
    "application/json": SPARQL_JSON,
    "application/xml": SPARQL_XML,
    "text/xml": SPARQL_XML,
}
BOOLEAN_TYPES = {
    SPARQL_JSON: SPARQL_JSON,
    SPARQL_XML: SPARQL_XML,
    "application/json": SPARQL_JSON,
    "application/xml": SPARQL_XML,
    "text/xml": SPARQL_XML,
}
GRAPH_TYPES = {
    TURTLE: TURTLE,
    "application/x-turtle": TURTLE,
    JSON_LD: JSON_LD,
    "application/json": JSON_LD,
    N_TRIPLES: N_TRIPLES,
    "text/plain": N_TRIPLES,
    RDF_XML: RDF_XML,
    "application/xml": RDF_XML,
}
# What the service description advertises (W3C formats registry IRIs).
RESULT_FORMAT_IRIS = {
    SPARQL_JSON: "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    SPARQL_XML: "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    CSV: "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    TSV: "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    TURTLE: "http://www.w3.org/ns/formats/Turtle",
    JSON_LD: "http://www.w3.org/ns/formats/JSON-LD",
    N_TRIPLES: "http://www.w3.org/ns/formats/N-Triples",
    RDF_XML: "http://www.w3.org/ns/formats/RDF_XML",
}
# Prefixes Turtle and RDF/XML answers declare when their IRIs use them: these of ldcv's
# table (ldcv:, owl:, void: and sd: are left out, as answers have always written them).
PREFIXES = {
    prefix: str(_ALL_PREFIXES[prefix])
    for prefix in ("schema", "foaf", "bibo", "dcterms", "rdf", "rdfs", "xsd")
}
