"""Fixtures of the RDF tests: ldcv's shapes, parsed once for the session."""

from __future__ import annotations

import pytest
from rdflib import Graph


@pytest.fixture(scope="session")
def shipped_shapes() -> Graph:
    """ldcv's own SHACL shapes as shipped (``ldcv_shapes()``); tests must not change them."""
    from ldcv.rdf.validation import ldcv_shapes

    return ldcv_shapes()
