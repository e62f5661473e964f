"""Citation keys: one per work, the same wherever the work is listed."""

from __future__ import annotations

from ldcv.bibliography.exports import Bibliographies
from ldcv.bibliography.keys import CitationKeys, citation_key
from ldcv.bibliography.works import works_of


def test_kept_keys_are_the_keys_made_afresh_for_every_seed_work(seed_dataset):
    graph = seed_dataset.graph
    keys = CitationKeys(graph)
    (owner,) = seed_dataset.owners
    works = works_of(graph, owner)
    assert len(works) > 39  # the publications, theses and patents
    kept = {work: keys.key(work) for work in works}
    assert kept == {work: citation_key(graph, work) for work in works}
    assert len(set(kept.values())) == len(works)
    assert {"binder2016layera", "binder2016layerb"} <= set(kept.values())


def test_a_work_has_its_own_key_in_every_bibliography_that_lists_it(seed_dataset):
    graph = seed_dataset.graph
    bibliographies = Bibliographies(graph)
    (owner,) = seed_dataset.owners
    works = works_of(graph, owner)
    listed = bibliographies.items(owner)  # in the order of ``works_of``
    assert len(listed) == len(works)
    for work, item in zip(works, listed, strict=True):
        (own,) = bibliographies.items(work)
        assert item["id"] == own["id"] == citation_key(graph, work)


def test_few_kept_lists_still_give_the_same_keys(seed_dataset):
    graph = seed_dataset.graph
    (owner,) = seed_dataset.owners
    works = works_of(graph, owner)
    keys = CitationKeys(graph, kept=1)
    assert [keys.key(w) for w in works] == [citation_key(graph, w) for w in works]
