"""Answer SPARQL queries safely: one module per job, the public API re-exported here.

* ``protocol`` reads a SPARQL Protocol request (WSGI environ) into an operation;
* ``scan`` reads facts off the query text (``SERVICE`` is refused, ``SELECT *`` order);
* ``engines`` evaluates a :class:`QueryRequest` with pyoxigraph or rdflib, local data only;
* ``store_engine`` evaluates one from a store snapshot on disk, its CV graphs only;
* ``results`` writes the answer in the negotiated format;
* ``pool`` runs queries in worker processes that are killed at the time limit;
* ``service`` gives every process of a server one set of such workers on a store;
* ``description``, ``examples`` and ``local`` serve the service description, the shipped
  example queries and ``ldcv query``.
"""

from __future__ import annotations

from ldcv.rdf.negotiation import negotiate
from ldcv.sparql.description import graph_sizes, service_description
from ldcv.sparql.engines import (
    ENGINES,
    OxigraphEngine,
    RdflibEngine,
    canonical_double,
    decoded,
    default_engine_name,
    engine_from_snapshot,
    graph_snapshot,
    make_engine,
)
from ldcv.sparql.errors import (
    EngineBusy,
    NotAcceptable,
    ProtocolError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    SparqlError,
)
from ldcv.sparql.examples import ExampleQuery, example_queries
from ldcv.sparql.local import LOCAL_FORMATS, run_local, text_table
from ldcv.sparql.media import (
    CSV,
    HTML,
    JSON_LD,
    N_TRIPLES,
    RDF_XML,
    SPARQL_JSON,
    SPARQL_XML,
    TABLE,
    TSV,
    TURTLE,
)
from ldcv.sparql.outcomes import (
    Boolean,
    EncodedSolutions,
    EncodedTriples,
    QueryRequest,
    Reply,
    Solutions,
    Term,
    Triples,
)
from ldcv.sparql.pool import PoolStats, QueryPool
from ldcv.sparql.protocol import Operation, read_operation
from ldcv.sparql.results import (
    answer,
    serialize,
    table_of,
    term_n3,
    write_boolean,
    write_solutions,
    write_triples,
)
from ldcv.sparql.scan import dataset_clause, refuse_unsafe, uses_service
from ldcv.sparql.service import QueryServiceProcess, ServiceQueries
from ldcv.sparql.store_engine import StoreEngine

__all__ = [
    "CSV",
    "ENGINES",
    "HTML",
    "JSON_LD",
    "LOCAL_FORMATS",
    "N_TRIPLES",
    "RDF_XML",
    "SPARQL_JSON",
    "SPARQL_XML",
    "TABLE",
    "TSV",
    "TURTLE",
    "Boolean",
    "EncodedSolutions",
    "EncodedTriples",
    "EngineBusy",
    "ExampleQuery",
    "NotAcceptable",
    "Operation",
    "OxigraphEngine",
    "PoolStats",
    "ProtocolError",
    "QueryPool",
    "QueryRefused",
    "QueryRequest",
    "QueryServiceProcess",
    "QuerySyntaxError",
    "QueryTimeout",
    "RdflibEngine",
    "Reply",
    "ServiceQueries",
    "Solutions",
    "SparqlError",
    "StoreEngine",
    "Term",
    "Triples",
    "answer",
    "canonical_double",
    "dataset_clause",
    "decoded",
    "default_engine_name",
    "engine_from_snapshot",
    "example_queries",
    "graph_sizes",
    "graph_snapshot",
    "make_engine",
    "negotiate",
    "read_operation",
    "refuse_unsafe",
    "run_local",
    "serialize",
    "service_description",
    "table_of",
    "term_n3",
    "text_table",
    "uses_service",
    "write_boolean",
    "write_solutions",
    "write_triples",
]
