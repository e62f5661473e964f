"""The CSL-JSON export, read by citeproc-py, agrees with the YAML."""

from __future__ import annotations

import json

from citeproc.source.json import CiteProcJSON

from ldcv.bibliography.csl import dotted_initials

CSL_TYPES = {
    "journal-article": "article-journal",
    "conference-paper": "paper-conference",
    "workshop-paper": "paper-conference",
    "book-chapter": "chapter",
    "preprint": "article",
    "thesis-doctoral": "thesis",
    "thesis-master": "thesis",
    "thesis-bachelor": "thesis",
    "patent": "patent",
}


def test_citeproc_reads_every_seed_work_with_the_yamls_fields(
    seed_export, seed_works, initials_agree
):
    items = json.loads(seed_export("csl-json"))
    source = CiteProcJSON(items)  # citeproc-py's own reader: it refuses what it cannot read
    assert len(source) == len(seed_works)
    found = {i["number"] if i["type"] == "patent" else i["title"]: i for i in items}
    for work in seed_works:
        item = found[work.number or work.title]
        read = source[item["id"].lower()]
        assert read["type"] == CSL_TYPES[work.kind]
        assert str(read["title"]) == work.title
        assert str(read["issued"]["year"]) == work.year
        families = [str(n["family"]) for n in read["author"]]
        assert families == [b[0] for b in work.bylines]
        for name, (_, initials) in zip(item["author"], work.bylines, strict=True):
            assert initials_agree(initials, name["given"])
        assert item.get("container-title") == work.venue
        assert item.get("volume") == work.volume
        assert item.get("issue") == work.issue
        assert item.get("page") == work.pages
        assert item.get("DOI") == work.doi
        if work.arxiv:
            assert (item["publisher"], item["number"]) == ("arXiv", work.arxiv)
        if work.office:
            assert (item["authority"], item["number"]) == (work.office, work.number)


def test_theses_name_their_degree_and_school(seed_export):
    items = [i for i in json.loads(seed_export("csl-json")) if i["type"] == "thesis"]
    genres = sorted(i["genre"] for i in items)
    assert genres == ["Bachelor's thesis", "Master's thesis", "PhD thesis"]
    assert {i["publisher"] for i in items} == {"Berlin Institute of Technology"}


def test_initials_are_written_with_dots():
    assert dotted_initials("K-R") == "K.-R."
    assert dotted_initials("C J") == "C. J."
    assert dotted_initials("AM") == "A. M."
    assert dotted_initials("G S W") == "G. S. W."


def test_identifiers_in_the_graph_reach_every_format(seed_dataset):
    """DOIs and ISBNs as the ids branch writes them (bibo:doi, schema:identifier values)."""
    import bibtexparser
    import rispy
    from rdflib import Graph, Literal, URIRef

    from ldcv.bibliography.exports import bibliography_items, render_items
    from ldcv.bibliography.styles import CitationStyles
    from ldcv.rdf.vocabulary import BIBO, RDF, SDO

    base = seed_dataset.base_uri
    graph = Graph()
    for triple in seed_dataset.graph:
        graph.add(triple)
    article = URIRef(f"{base}/id/publication/lapuschkin-2019-unmasking-clever-hans-predictors")
    chapter = URIRef(f"{base}/id/publication/montavon-2019-layer-wise-relevance-propagation")
    isbn = URIRef(f"{base}/id/identifier/isbn-978-3-030-28954-6")
    graph.add((article, BIBO.doi, Literal("10.1038/s41467-019-08987-4")))
    graph.add((chapter, SDO.identifier, isbn))
    graph.add((isbn, RDF.type, SDO.PropertyValue))
    graph.add((isbn, SDO.propertyID, Literal("ISBN")))
    graph.add((isbn, SDO.value, Literal("978-3-030-28954-6")))
    items = bibliography_items(graph, article) + bibliography_items(graph, chapter)
    assert items[0]["DOI"] == "10.1038/s41467-019-08987-4"
    assert items[1]["ISBN"] == "978-3-030-28954-6"
    styles = CitationStyles()
    entries = bibtexparser.parse_string(render_items(items, "bibtex", styles).decode()).entries
    assert entries[0].fields_dict["doi"].value == "10.1038/s41467-019-08987-4"
    assert entries[1].fields_dict["isbn"].value == "978-3-030-28954-6"
    records = rispy.loads(render_items(items, "ris", styles).decode())
    assert records[0]["doi"] == "10.1038/s41467-019-08987-4"
    assert records[1]["issn"] == "978-3-030-28954-6"  # RIS SN: ISBN or ISSN
    apa = render_items(items[:1], "citation", styles).decode()
    assert "https://doi.org/10.1038/s41467-019-08987-4" in apa
