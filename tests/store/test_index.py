"""The incremental index: only changed CVs (and those a change reaches) are indexed."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from ldcv.pipeline import prepare
from ldcv.rdf.vocabulary import SDO
from ldcv.store.disk import StoreDirectory
from ldcv.store.index import STATUS_FILE, index_paths
from ldcv.store.terms import to_oxigraph
from ldcv.store.text_index import TextIndex, index_continues, index_path

BASE = "https://example.org"

ADA = """\
person:
  given_name: Ada
  family_name: Lovelace
  aliases: [Lovelace A]
people:
  - given_name: Klaus-Robert
    family_name: Müller
    initials: K-R
organizations:
  - key: royal-society
    name: Royal Society
publications:
  - key: engines
    kind: journal-article
    title: On engines
    journal: Taylor's Scientific Memoirs
    authors: [Lovelace A, Babbage C, Müller K-R]
    year: 2015
"""

CHARLES = """\
person:
  given_name: Charles
  family_name: Babbage
  aliases: [Babbage C]
positions:
  - title: Fellow
    organization: royal-society
    start: 2010
publications:
  - key: engines
    kind: journal-article
    title: On engines
    journal: Taylor's Scientific Memoirs
    authors: [Lovelace A, Babbage C, Müller K-R]
    year: 2015
"""

MARY = """\
person:
  given_name: Mary
  family_name: Somerville
publications:
  - kind: journal-article
    title: On the magnetizing power
    journal: Philosophical Transactions
    authors: [Somerville M]
    year: 2016
"""


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def union(store: StoreDirectory) -> set[ox.Triple]:
    """Every triple of the current snapshot's CV graphs, once."""
    with store.open_snapshot() as snapshot:
        return {
            ox.Triple(q.subject, q.predicate, q.object)
            for graph in snapshot.records
            for q in snapshot.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        }


def as_oxigraph(graph) -> set[ox.Triple]:
    return {ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in graph}


def without_blank_nodes(triples: set[ox.Triple]) -> set[ox.Triple]:
    return {
        t for t in triples if not any(isinstance(x, ox.BlankNode) for x in (t.subject, t.object))
    }


@pytest.fixture
def group(tmp_path: Path) -> Path:
    """Three CVs: two sharing a paper, a coauthor and an organisation; one alone."""
    return write(tmp_path / "data", ada=ADA, charles=CHARLES, mary=MARY)


def test_a_first_index_adds_every_cv_as_its_own_graph(group: Path, store_directory) -> None:
    report = index_paths([group], store_directory, BASE, jobs=1)

    assert [Path(name).name for name in report.added] == ["ada.yaml", "charles.yaml", "mary.yaml"]
    assert report.failed == {} and report.generation == 1
    with store_directory.open_snapshot() as snapshot:
        assert set(snapshot.records) == {
            f"{BASE}/doc/person/ada-lovelace",
            f"{BASE}/doc/person/charles-babbage",
            f"{BASE}/doc/person/mary-somerville",
        }


def test_an_index_parses_the_shapes_once_for_its_files_and_not_when_nothing_changed(
    group: Path, store_directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ldcv.rdf.validation as validation

    parsed = []
    shipped = validation.ldcv_shapes

    def counted():
        parsed.append(1)
        return shipped()

    monkeypatch.setattr(validation, "ldcv_shapes", counted)
    report = index_paths([group], store_directory, BASE, jobs=1)
    assert len(report.added) == 3 and len(parsed) == 1
    index_paths([group], store_directory, BASE, jobs=1)
    assert len(parsed) == 1


def test_the_union_of_the_graphs_is_the_dataset_prepared_whole(group: Path, store_directory):
    index_paths([group], store_directory, BASE, jobs=1)
    whole = as_oxigraph(prepare([group], BASE).graph)
    stored = union(store_directory)

    assert without_blank_nodes(stored) == without_blank_nodes(whole)
    # One author list for the shared paper: its cells are the same nodes in both graphs.
    assert len(stored) == len(whole)


def test_indexing_again_without_changes_changes_nothing(group: Path, store_directory) -> None:
    index_paths([group], store_directory, BASE, jobs=1)
    again = index_paths([group], store_directory, BASE, jobs=1)

    assert (again.added, again.changed, again.affected) == ([], [], [])
    assert again.unchanged == 3 and again.generation is None
    assert store_directory.generation() == 1


def test_indexing_a_store_without_a_text_index_makes_it_and_publishes_nothing(
    group: Path, store_directory
) -> None:
    index_paths([group], store_directory, BASE, jobs=1)
    index_path(store_directory.path).unlink()  # as an older ldcv left the store
    again = index_paths([group], store_directory, BASE, jobs=1)

    assert again.generation is None and store_directory.generation() == 1
    made = TextIndex.of_snapshot(store_directory.path, 1)
    assert made is not None and made.literal_count(None) > 0
    assert index_continues(store_directory.path, 1)


def test_only_the_changed_cv_is_indexed(group: Path, store_directory) -> None:
    index_paths([group], store_directory, BASE, jobs=1)
    write(group, mary=MARY.replace("magnetizing power", "magnetising power"))
    report = index_paths([group], store_directory, BASE, jobs=1)

    assert [Path(n).name for n in report.changed] == ["mary.yaml"]
    assert report.affected == [] and report.unchanged == 2
    titles = {
        str(t.object.value) for t in union(store_directory) if t.predicate.value.endswith("/name")
    }
    assert "On the magnetising power" in titles and "On the magnetizing power" not in titles


def test_a_changed_declaration_reaches_the_cvs_that_name_the_person(group, store_directory):
    index_paths([group], store_directory, BASE, jobs=1)
    write(group, ada=ADA.replace("given_name: Klaus-Robert", "given_name: Klaus Robert"))
    report = index_paths([group], store_directory, BASE, jobs=1)

    assert [Path(n).name for n in report.changed] == ["ada.yaml"]
    assert [Path(n).name for n in report.affected] == ["charles.yaml"]  # names Müller K-R
    given = {
        t.object.value
        for t in union(store_directory)
        if t.subject.value.endswith("/klaus-robert-mueller")
        and t.predicate.value == str(SDO.givenName)
    }
    assert given == {"Klaus Robert"}


def test_a_bad_cv_keeps_its_last_good_graph_and_the_others_are_indexed(group, store_directory):
    index_paths([group], store_directory, BASE, jobs=1)
    before = {t for t in union(store_directory) if "mary-somerville" in t.subject.value}
    write(group, mary=MARY.replace("year: 2016", "year: someday"))
    write(group, ada=ADA.replace("title: On engines", "title: On engines", 1) + "  \n")
    report = index_paths([group], store_directory, BASE, jobs=1)

    (failed,) = report.failed
    assert Path(failed).name == "mary.yaml"
    assert any("mary.yaml:9: publications[0].year" in problem for problem in report.failed[failed])
    assert [Path(n).name for n in report.changed] == ["ada.yaml", "mary.yaml"]
    assert report.generation == 2  # Ada's change is published all the same
    assert {t for t in union(store_directory) if "mary-somerville" in t.subject.value} == before
    status = json.loads((store_directory.path / STATUS_FILE).read_text(encoding="utf-8"))
    assert list(status["failed"]) == [failed]


def test_a_removed_file_takes_its_graph_with_it(group: Path, store_directory) -> None:
    index_paths([group], store_directory, BASE, jobs=1)
    (group / "mary.yaml").unlink()
    report = index_paths([group], store_directory, BASE, jobs=1)

    assert [Path(n).name for n in report.removed] == ["mary.yaml"]
    assert not any("mary-somerville" in t.subject.value for t in union(store_directory))


@pytest.mark.slow
def test_a_change_reaching_a_cv_indexed_from_another_folder_indexes_it_again(
    tmp_path: Path, store_directory
) -> None:
    first = write(tmp_path / "first", ada=ADA, mary=MARY)
    second = write(tmp_path / "second", charles=CHARLES)
    index_paths([first], store_directory, BASE, jobs=1)
    # Charles's bylines now resolve to him, so Ada's CV (same paper) is built again.
    report = index_paths([second], store_directory, BASE, jobs=1)

    assert [Path(n).name for n in report.added] == ["charles.yaml"]
    assert [Path(n).name for n in report.affected] == ["ada.yaml"]
    assert not report.failed and report.generation == 2
    with store_directory.open_snapshot() as snapshot:
        sources = sorted(Path(r.source).name for r in snapshot.records.values())
    assert sources == ["ada.yaml", "charles.yaml", "mary.yaml"]
    both = StoreDirectory(tmp_path / "both")
    index_paths([first, second], both, BASE, jobs=1)
    assert union(store_directory) == union(both)


@pytest.mark.slow
def test_an_index_in_worker_processes_stores_what_one_process_does(tmp_path: Path, group):
    one, two = StoreDirectory(tmp_path / "one"), StoreDirectory(tmp_path / "two")
    index_paths([group], one, BASE, jobs=1)
    index_paths([group], two, BASE, jobs=2)

    assert union(one) == union(two)


@pytest.fixture
def counted_validation_pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Fork validation at any size, and count the process pools it starts (real ones)."""
    import ldcv.rdf.validation

    started: list[int] = []
    start_pool = ldcv.rdf.validation.start_pool

    def counted(jobs: int):  # type: ignore[no-untyped-def]
        started.append(jobs)
        return start_pool(jobs)

    monkeypatch.setattr(ldcv.rdf.validation, "PARALLEL_FROM", 1)
    monkeypatch.setattr(ldcv.rdf.validation, "start_pool", counted)
    return started


def _index_a_change_both_ways(tmp_path: Path, group: Path, started: list[int], **changed: str):
    """Index ``group``, change one CV, index again: in one process and with two jobs."""
    stores = [(StoreDirectory(tmp_path / "one"), 1), (StoreDirectory(tmp_path / "two"), 2)]
    for store, jobs in stores:
        index_paths([group], store, BASE, jobs=jobs)
    write(group, **changed)
    started.clear()
    reports = [index_paths([group], store, BASE, jobs=jobs) for store, jobs in stores]
    return [store for store, _ in stores], reports


@pytest.mark.slow
def test_a_lone_changed_cv_validated_in_two_processes_is_stored_as_in_one(
    tmp_path: Path, group: Path, counted_validation_pools: list[int]
) -> None:
    changed = MARY.replace("magnetizing power", "magnetising power")
    (one, two), reports = _index_a_change_both_ways(
        tmp_path, group, counted_validation_pools, mary=changed
    )

    assert counted_validation_pools == [2]  # the lone CV's shapes went to two processes
    assert [Path(n).name for n in reports[1].changed] == ["mary.yaml"]
    assert reports[0].summary() == reports[1].summary()
    assert union(one) == union(two)


@pytest.mark.slow
def test_a_lone_bad_cv_validated_in_two_processes_names_the_same_file_line_and_field(
    tmp_path: Path, group: Path, counted_validation_pools: list[int]
) -> None:
    # The loader takes any page text; the shapes want a hyphen, not the en dash of print.
    bad = MARY + "    pages: 261–295\n"
    (one, two), reports = _index_a_change_both_ways(
        tmp_path, group, counted_validation_pools, mary=bad
    )

    assert counted_validation_pools == [2]
    mary = str((group / "mary.yaml").resolve())
    assert reports[0].failed == reports[1].failed and list(reports[1].failed) == [mary]
    assert any(
        f"Violation: {mary}:5: " in problem and "schema:pagination" in problem
        for problem in reports[1].failed[mary]
    ), reports[1].failed
    assert union(one) == union(two)  # both keep Mary's last good graph


@pytest.mark.slow
def test_a_first_index_killed_half_way_publishes_nothing_and_the_next_starts_afresh(
    tmp_path: Path, group, kill_once_writing
) -> None:
    store = StoreDirectory(tmp_path / "store")
    # Enough CVs that the kill, half a second after the index took the store, lands while
    # they are indexed (150 take some 5 s here).
    for number in range(150):
        write(group, **{f"extra-{number:03d}": MARY.replace("Mary", f"Mary{number:03d}")})
    command = [sys.executable, "-m", "ldcv", "index", str(group), "--store", str(store.path)]
    process = subprocess.Popen([*command, "--base-uri", BASE], stderr=subprocess.DEVNULL)
    kill_once_writing(process, store.path, 0.5)
    assert store.generation() is None
    assert store.open_snapshot() is None

    finished = index_paths([group], store, BASE)
    clean = StoreDirectory(tmp_path / "clean")
    index_paths([group], clean, BASE)

    assert finished.failed == {}
    assert len(finished.added) == len(list(group.glob("*.yaml")))
    assert union(store) == union(clean)


@pytest.mark.slow
def test_an_index_killed_half_way_leaves_the_store_as_it_was(
    tmp_path: Path, group, kill_once_writing
) -> None:
    store = StoreDirectory(tmp_path / "store")
    index_paths([group], store, BASE, jobs=1)
    before = union(store)
    # Enough CVs that the kills, up to 0.9 s after the index took the store, land while
    # graphs are written (one after another from about 0.1 s on; 150 take some 5 s here).
    for number in range(150):
        write(group, **{f"extra-{number:03d}": MARY.replace("Mary", f"Mary{number:03d}")})
    command = [sys.executable, "-m", "ldcv", "index", str(group), "--store", str(store.path)]
    command += ["--base-uri", BASE, "--jobs", "1"]
    for delay in (0.3, 0.6, 0.9):
        process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
        kill_once_writing(process, store.path, delay)
        assert store.generation() == 1
        assert union(store) == before
    finished = index_paths([group], store, BASE, jobs=1)

    assert finished.failed == {}
    assert len({t.subject.value for t in union(store) if "mary" in t.subject.value}) > len(
        {t.subject.value for t in before if "mary" in t.subject.value}
    )


def test_an_unchanged_bad_cv_is_not_read_again_and_fails_again(group, store_directory):
    index_paths([group], store_directory, BASE, jobs=1)
    write(group, ada=ADA.replace("year: 2015", "year: someday"))
    first = index_paths([group], store_directory, BASE, jobs=1)
    again = index_paths([group], store_directory, BASE, jobs=1)

    assert list(first.failed) == list(again.failed) == [str(group / "ada.yaml")]
    assert again.failed == first.failed
    # Nothing else is indexed again for it: the bad file declares what it declared before.
    assert (again.added, again.changed, again.affected) == ([], [], [])
    assert again.generation is None


def test_a_fixed_cv_is_indexed_again(group, store_directory):
    index_paths([group], store_directory, BASE, jobs=1)
    write(group, ada=ADA.replace("year: 2015", "year: someday"))
    index_paths([group], store_directory, BASE, jobs=1)
    write(group, ada=ADA.replace("title: On engines", "title: On engines"))  # as it was
    fixed = index_paths([group], store_directory, BASE, jobs=1)

    assert fixed.failed == {}
    assert [Path(n).name for n in fixed.changed] == []  # its bytes are the indexed ones again


def test_an_index_under_another_base_uri_replaces_every_graph(group: Path, store_directory):
    index_paths([group], store_directory, BASE, jobs=1)
    moved = index_paths([group], store_directory, "https://cv.example.net", jobs=1)

    assert len(moved.added) == 3 and len(moved.removed) == 3
    with store_directory.open_snapshot() as snapshot:
        assert {r.details["base"] for r in snapshot.records.values()} == {"https://cv.example.net"}
        assert all(g.startswith("https://cv.example.net/") for g in snapshot.records)


def test_an_orcid_another_file_declares_under_another_key_fails_the_changed_file(
    group, store_directory
):
    with_orcid = ADA.replace(
        "    initials: K-R", "    initials: K-R\n    orcid: 0000-0002-1694-233X"
    )
    write(group, ada=with_orcid)
    index_paths([group], store_directory, BASE, jobs=1)
    write(
        group,
        mary=MARY.replace(
            "publications:",
            "people:\n  - key: kr-mueller\n    given_name: Karl\n    family_name: Müller\n"
            "    orcid: https://orcid.org/0000-0002-1694-233X\npublications:",
        ),
    )
    report = index_paths([group], store_directory, BASE, jobs=1)

    (failed,) = report.failed
    assert Path(failed).name == "mary.yaml"
    assert any(
        "person 'kr-mueller' has the ORCID iD 0000-0002-1694-233X of 'klaus-robert-mueller' "
        f"in {group.resolve() / 'ada.yaml'}:" in problem
        for problem in report.failed[failed]
    ), report.failed


@pytest.mark.slow
def test_a_changed_orcid_reaches_the_cvs_that_name_the_person(group, store_directory):
    index_paths([group], store_directory, BASE, jobs=1)
    with_orcid = ADA.replace(
        "    initials: K-R", "    initials: K-R\n    orcid: 0000-0002-1694-233X"
    )
    write(group, ada=with_orcid)
    report = index_paths([group], store_directory, BASE, jobs=1)

    assert [Path(n).name for n in report.changed] == ["ada.yaml"]
    assert [Path(n).name for n in report.affected] == ["charles.yaml"]  # names Müller K-R
    same_as = {
        t.object.value
        for t in union(store_directory)
        if t.subject.value.endswith("/klaus-robert-mueller")
        and t.predicate.value == str(SDO.sameAs)
    }
    assert same_as == {"https://orcid.org/0000-0002-1694-233X"}


def test_an_index_of_one_changed_cv_leaves_the_garbage_collector_on(group, store_directory):
    index_paths([group], store_directory, BASE, jobs=1)
    write(group, ada=ADA.replace("On engines", "On the engines"))

    report = index_paths([group], store_directory, BASE, jobs=1)

    assert report.changed and gc.isenabled()
