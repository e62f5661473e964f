"""The weights of a remote store's IRIs, counted by the engine: those the embedded store counts.

The same generated CVs indexed into an embedded store and published to a real
``oxigraph serve``: one aggregate query gives, for each minted IRI over the threshold,
the number of the merge's triples naming it that ``document_weights`` counts in a pass
over the embedded store's merge.
"""

from __future__ import annotations

import pytest

from ldcv.documents.heavy_documents import document_weights
from ldcv.generator import write_cvs
from ldcv.store.disk import StoreDirectory
from ldcv.store.index import index_paths
from ldcv.store.remote_publish import publish_paths
from ldcv.store.remote_weights import heavy_weights
from ldcv.store.sparql_protocol import SparqlClient

pytestmark = pytest.mark.slow  # indexes and publishes generated CVs; starts `oxigraph serve`

BASE = "https://cv.example.org"


@pytest.mark.parametrize("threshold", [0, 40])
def test_the_engine_weighs_each_iri_as_the_embedded_store_does(sparql_engines, tmp_path, threshold):
    data = tmp_path / "data"
    write_cvs(6, data, seed=5)
    embedded = StoreDirectory(tmp_path / "store")
    assert not index_paths([data], embedded, BASE, jobs=1).failed
    with embedded.open_snapshot() as snapshot:
        expected = document_weights(snapshot.store, BASE)

    with sparql_engines.oxigraph() as engine:
        client = SparqlClient(engine.query_url, engine.update_url)
        assert not publish_paths([data], client, BASE, jobs=1, root=tmp_path).failed
        weighed = heavy_weights(client, BASE, threshold)

    assert weighed == {iri: n for iri, n in expected.items() if n > threshold}
    assert any(n > 40 for n in weighed.values())  # some documents are heavy
