"""Works and people answer the bibliographic formats over real HTTP, as doi.org does;
nothing changes for the clients that did not ask for them."""

from __future__ import annotations

import json

import bibtexparser
import pytest
import rispy

WORK = "/doc/publication/lapuschkin-2019-unmasking-clever-hans-predictors"
PERSON = "/doc/person/sebastian-lapuschkin"
ORGANIZATION = "/doc/organization/tu-berlin"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "content_type", "suffix"),
    [
        ("application/x-bibtex", "application/x-bibtex; charset=utf-8", "bib"),
        (
            "application/x-research-info-systems",
            "application/x-research-info-systems; charset=utf-8",
            "ris",
        ),
        (
            "application/vnd.citationstyles.csl+json",
            "application/vnd.citationstyles.csl+json",
            "csl.json",
        ),
        ("text/x-bibliography", "text/x-bibliography; charset=utf-8", "cite.txt"),
    ],
)
@pytest.mark.slow
def test_a_work_negotiates_each_bibliographic_format_and_its_suffix(
    seed_server, accept, content_type, suffix
):
    negotiated = seed_server.get(WORK, Accept=accept)
    assert negotiated.status_code == 200
    assert negotiated.headers["Content-Type"] == content_type
    assert negotiated.headers["Content-Location"] == seed_server.url(f"{WORK}.{suffix}")
    assert "Accept" in negotiated.headers["Vary"]
    fixed = seed_server.get(f"{WORK}.{suffix}")
    assert fixed.status_code == 200 and fixed.content == negotiated.content
    assert fixed.headers["ETag"] == negotiated.headers["ETag"]
    assert "Unmasking Clever Hans" in negotiated.text


@pytest.mark.slow
def test_the_bibtex_of_a_work_is_one_entry_a_reader_parses(seed_server):
    library = bibtexparser.parse_string(seed_server.get(f"{WORK}.bib").text)
    (entry,) = library.entries
    assert entry.key == "lapuschkin2019unmasking" and entry.entry_type == "article"
    assert entry.fields_dict["journal"].value == "Nature Communications"


def test_a_persons_document_offers_the_whole_bibliography(seed_server, seed_cv):
    records = rispy.loads(
        seed_server.get(PERSON, Accept="application/x-research-info-systems").text
    )
    theses = [e for e in seed_cv.education if e.thesis is not None]
    grants = [g for family in seed_cv.patents for g in family.grants]
    assert len(records) == len(seed_cv.publications) + len(theses) + len(grants)
    assert len(seed_cv.publications) == 39
    items = json.loads(seed_server.get(f"{PERSON}.csl.json").text)
    assert [i["id"] for i in items] == [r["id"] for r in records]


def test_a_coauthor_described_in_another_cv_has_a_bibliography_too(seed_server):
    items = json.loads(seed_server.get("/doc/person/klaus-robert-mueller.csl.json").text)
    assert len(items) > 20
    assert all(any(a.get("family") == "Müller" for a in i["author"]) for i in items)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("ieee", "[1]S. Lapuschkin"),
        ("chicago-author-date", "Lapuschkin, S., S. Wäldchen"),
        ("harvard", "Lapuschkin, S. et al. (2019)"),
        ("vancouver", "Lapuschkin S, Wäldchen S"),
    ],
)
def test_a_formatted_citation_takes_doi_orgs_style_parameter(seed_server, style, expected):
    response = seed_server.get(WORK, Accept=f"text/x-bibliography; style={style}")
    assert response.status_code == 200
    assert response.text.startswith(expected) or expected in response.text, response.text
    again = seed_server.get(f"{WORK}.cite.txt?style={style}")
    assert again.content == response.content


def test_apa_is_the_default_citation_and_locales_translate(seed_server):
    apa = seed_server.get(WORK, Accept="text/x-bibliography").text
    assert apa.startswith("Lapuschkin, S., Wäldchen, S.,") and "(2019)" in apa
    german = seed_server.get(WORK, Accept="text/x-bibliography; style=ieee; locale=de-DE").text
    assert "Bd. 10" in german


def test_an_unknown_style_is_a_clear_406_or_400(seed_server):
    negotiated = seed_server.get(WORK, Accept="text/x-bibliography; style=no-such-style")
    assert negotiated.status_code == 406
    assert "unknown citation style 'no-such-style'" in negotiated.text
    asked = seed_server.get(f"{WORK}.cite.txt?style=no-such-style")
    assert asked.status_code == 400


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/*", "text/turtle"),
        ("application/*", "text/turtle"),  # its alias application/x-turtle
        (FIREFOX, "text/html"),
    ],
)
def test_wildcards_and_browsers_never_get_a_bibliographic_format(seed_server, accept, expected):
    headers = {} if accept is None else {"Accept": accept}
    for path in (WORK, PERSON, "/"):
        response = seed_server.get(path, **headers)
        assert response.headers["Content-Type"].split(";")[0] == expected, (path, accept)


def test_organisations_and_the_home_page_have_no_bibliography(seed_server):
    assert seed_server.get(ORGANIZATION, Accept="application/x-bibtex").status_code == 406
    assert seed_server.get(f"{ORGANIZATION}.bib").status_code == 404
    assert seed_server.get(f"{ORGANIZATION}?format=bibtex").status_code == 400
    home = seed_server.get("/", Accept="application/x-bibtex")
    assert home.status_code == 406
    assert ".bib" not in home.headers["Link"]
    assert ".bib" not in seed_server.get("/").headers["Link"]


def test_link_headers_name_the_bibliographic_variants_of_works_only(seed_server):
    links = seed_server.get(WORK).headers["Link"]
    for suffix, media_type in [
        ("bib", "application/x-bibtex"),
        ("ris", "application/x-research-info-systems"),
        ("csl.json", "application/vnd.citationstyles.csl+json"),
        ("cite.txt", "text/x-bibliography"),
    ]:
        assert f'<{seed_server.url(WORK)}.{suffix}>; rel="alternate"; type="{media_type}"' in links
    assert ".bib" not in seed_server.get(ORGANIZATION).headers["Link"]


def test_a_publication_page_has_a_cite_block_whose_links_answer(seed_server):
    from lxml import html

    page = html.fromstring(seed_server.get(WORK, Accept=FIREFOX).content)
    (block,) = page.xpath('//section[@class="cite"]')
    quoted = block.xpath("string(.//blockquote)")
    assert quoted.startswith("Lapuschkin, S., Wäldchen, S.,") and "Nature Communications" in quoted
    links = block.xpath(".//a")
    assert [a.text for a in links] == ["BibTeX", "RIS", "CSL-JSON", "Formatted citation"]
    for link in links:
        answer = seed_server.get(link.get("href"))
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].split(";")[0] == link.get("type")
    assert not page.xpath("//script[not(@type='application/ld+json')]")


def test_the_profile_offers_the_whole_bibliography_in_every_format(seed_server):
    from lxml import html

    page = html.fromstring(seed_server.get("/", Accept=FIREFOX).content)
    section = '//section[@aria-labelledby="publications"]'
    links = page.xpath(f'{section}//p[@class="bibliography-downloads"]/a')
    assert [a.get("href") for a in links] == [
        f"{PERSON}.{suffix}" for suffix in ("bib", "ris", "csl.json", "cite.txt")
    ]


@pytest.mark.slow
def test_a_store_served_work_and_person_negotiate_the_same_bibliographies(
    make_store_app, seed_store_copy, seed_server
):
    client = make_store_app(seed_store_copy).test_client()
    for path in (WORK, PERSON):
        for accept, suffix in [
            ("application/x-bibtex", "bib"),
            ("application/x-research-info-systems", "ris"),
            ("text/x-bibliography; style=vancouver", "cite.txt?style=vancouver"),
        ]:
            stored = client.get(path, headers={"Accept": accept})
            assert stored.status_code == 200, (path, accept)
            assert stored.data == seed_server.get(f"{path}.{suffix}").content, (path, accept)
        assert client.get(path, headers={"Accept": "*/*"}).mimetype == "text/turtle"
    assert client.get(ORGANIZATION, headers={"Accept": "application/x-bibtex"}).status_code == 406
