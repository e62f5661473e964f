"""What was read from a store, kept for the next documents (``ldcv.documents.store_reads``)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from ldcv.documents.store_reads import RecentReads
from ldcv.rdf.vocabulary import BIBO, RDF, SDO
from ldcv.store.rdflib_view import UnionView

BASE = "http://cv.example.org"
PAPER = URIRef(f"{BASE}/id/publication/babbage-1844-script")
ADA = URIRef(f"{BASE}/id/person/ada-lovelace")


class CountingView(UnionView):
    """A view that counts the questions it answers."""

    asked = 0

    def union(self, subject=None, predicate=None, obj=None):
        self.asked += 1
        return super().union(subject, predicate, obj)


def test_answers_are_the_stores_and_each_question_about_a_subject_goes_there_once(
    overlapping_cv_store,
):
    view = CountingView(overlapping_cv_store)
    reads = Graph(store=RecentReads(view), bind_namespaces="none")
    plain = Graph(store=UnionView(overlapping_cv_store), bind_namespaces="none")
    for _ in range(3):
        assert set(reads.objects(PAPER, SDO.name)) == set(plain.objects(PAPER, SDO.name))
        assert set(reads.predicate_objects(ADA)) == set(plain.predicate_objects(ADA))
        assert set(reads.objects(ADA, RDF.type)) == set(plain.objects(ADA, RDF.type))
    assert view.asked == 2  # the type of Ada came from her whole description


def test_questions_about_objects_are_not_kept(overlapping_cv_store):
    view = CountingView(overlapping_cv_store)
    reads = Graph(store=RecentReads(view), bind_namespaces="none")
    for _ in range(2):
        assert set(reads.subjects(SDO.author, ADA)) >= {PAPER}
    assert view.asked == 2


def test_at_most_the_bound_of_triples_is_kept(overlapping_cv_store):
    view = CountingView(overlapping_cv_store)
    reads = RecentReads(view, kept=5)
    list(reads.union(PAPER, None, None))  # more than five triples: not kept
    list(reads.union(PAPER, None, None))
    assert view.asked == 2
    list(reads.union(PAPER, BIBO.authorList, None))
    list(reads.union(PAPER, BIBO.authorList, None))
    assert view.asked == 3


def test_reads_are_read_only(overlapping_cv_store):
    reads = Graph(store=RecentReads(UnionView(overlapping_cv_store)), bind_namespaces="none")
    with pytest.raises(TypeError):
        reads.add((ADA, SDO.name, Literal("Ada")))
    assert len(reads) == len(Graph(store=UnionView(overlapping_cv_store)))
