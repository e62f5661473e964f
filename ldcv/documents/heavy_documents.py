"""Which documents of a store are costly to render, known without rendering them.

A document's cost grows with its neighbourhood: a prolific person's profile lists
hundreds of works with their bylines, and every page of a hub (an organisation, a skill,
a language, a coauthor of hundreds) reads the hub's ordered referrers. Both show in one
number the store can count cheaply: the triples of the merge of the CV graphs that name
the document's subject, as subject or as object (its *weight*). One pass over the merge
counts every minted IRI's weight (7 s of CPU for a million triples); a later generation
recounts only the IRIs a change names (``updated_weights``). The documents whose
subject weighs more than a threshold, and every further page of them, are the heavy
ones: rendered ahead of the request (``ldcv.documents.documents_ahead``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ldcv.rdf.iris import document_path, parse_thing_iri

MERGE = ox.DefaultGraph()


def document_weights(store: ox.Store, base: str) -> dict[str, int]:
    """The triples of ``store``'s merge that name each IRI minted under ``base``, by IRI."""
    prefix = base.rstrip("/") + "/id/"
    counts: Counter[str] = Counter()
    for quad in store.quads_for_pattern(None, None, None, MERGE):
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(prefix):
                counts[term.value] += 1
    return dict(counts)


def updated_weights(
    previous: Mapping[str, int], store: ox.Store, changed: Iterable[str]
) -> dict[str, int]:
    """``previous`` weights with each IRI of ``changed`` counted again in ``store``'s merge."""
    weights = dict(previous)
    for iri in changed:
        weight = _weight(store, ox.NamedNode(iri))
        if weight:
            weights[iri] = weight
        else:
            weights.pop(iri, None)
    return weights


def heavy_documents(weights: Mapping[str, int], base: str, threshold: int) -> list[str]:
    """The paths of the documents whose subject weighs more than ``threshold``, heaviest first.

    Only the first page of each: its further pages are found by asking for them.
    """
    if threshold <= 0:
        return []
    heavy = []
    for iri, weight in weights.items():
        parsed = parse_thing_iri(base.rstrip("/"), iri) if weight > threshold else None
        if parsed is not None:
            heavy.append((-weight, document_path(*parsed)))
    return [path for _, path in sorted(heavy)]


def weights_text(weights: Mapping[str, int]) -> bytes:
    """The weights as a file: one ``IRI<TAB>weight`` line each, sorted."""
    return "".join(f"{iri}\t{weights[iri]}\n" for iri in sorted(weights)).encode("utf-8")


def read_weights(text: bytes) -> dict[str, int]:
    """The weights of a file written by ``weights_text``."""
    weights = {}
    for line in text.decode("utf-8").splitlines():
        iri, _, weight = line.rpartition("\t")
        weights[iri] = int(weight)
    return weights


def _weight(store: ox.Store, iri: ox.NamedNode) -> int:
    named = sum(1 for _ in store.quads_for_pattern(iri, None, None, MERGE))
    return named + sum(1 for _ in store.quads_for_pattern(None, None, iri, MERGE))
