"""The HTML pages, rendered in-process from the seed CV and from a hostile one.

Pages are read back the way their consumers read them: lxml for the markup, the
JSON-LD block parsed offline against the local schema.org context, and extruct
for what a crawler finds. What the CV's sections and citations say is checked in
test_cv_sections.py and test_citations.py.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from pathlib import Path

import extruct
import lxml.html
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from ldcv.documents.selection import Document, build_documents
from ldcv.pages.render import jsonld_script, render_document, render_error, render_index
from ldcv.pipeline import Dataset, prepare
from ldcv.rdf.formats import RDF_FORMATS, split_suffix
from ldcv.rdf.jsonld import SCHEMA_CONTEXT_URL, expand_context
from ldcv.rdf.vocabulary import SDO

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
CONFORMANCE = TESTS / "conformance" / "jsonld-html-tests"
HOSTILE = "</script><img src=x onerror=alert(1)>"
BASE = "http://cv.example.org"  # seed_dataset's
OWNER = "sebastian-lapuschkin"
PROFILE = f"/doc/person/{OWNER}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dataset, dict[str, Document]]:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.yaml").write_text(
        (FIXTURES / "html-hostile.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    dataset = prepare([folder], BASE)
    return dataset, build_documents(dataset)


def extract_jsonld(page: str) -> list[dict]:
    """Extract the JSON-LD blocks as the JSON-LD 1.1 API's HTML algorithm does.

    The script element's text is taken as is (no character references decoded)
    and must be JSON; an HTML comment around or inside it is an error.
    """
    blocks = []
    root = lxml.html.document_fromstring(page)
    for script in root.xpath('//script[@type="application/ld+json"]'):
        blocks.append(json.loads(script.text or ""))
    return blocks


def as_graph(block: dict) -> Graph:
    """Parse one of our JSON-LD blocks offline: the schema.org context from the local copy."""
    return Graph().parse(data=json.dumps(expand_context(block)), format="json-ld")


def kinds(documents: Mapping[str, Document]) -> dict[str, str]:
    """One document path per kind of resource (the first in path order)."""
    chosen: dict[str, str] = {}
    for path in sorted(documents):
        chosen.setdefault(documents[path].kind, path)
    return chosen


# -- the extraction procedure, checked against the W3C JSON-LD HTML tests ------------------


@pytest.mark.parametrize("case", ["r001", "r010"])
def test_extraction_matches_w3c_html_to_rdf_tests(case: str) -> None:
    page = (CONFORMANCE / f"{case}-in.html").read_text(encoding="utf-8")
    (block,) = extract_jsonld(page)
    got = Graph().parse(data=json.dumps(block), format="json-ld")
    expected = Graph().parse(CONFORMANCE / f"{case}-out.nq", format="nquads")
    assert isomorphic(got, expected)


@pytest.mark.parametrize("case", ["e014", "e015", "e016", "e017"])
def test_extraction_rejects_w3c_commented_scripts(case: str) -> None:
    page = (CONFORMANCE / f"{case}-in.html").read_text(encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        extract_jsonld(page)


# -- jsonld_script -------------------------------------------------------------------------


def test_jsonld_script_cannot_be_closed_or_commented_by_data() -> None:
    data = {"name": "</script><!-- <script>alert(1)</script> -->", "x": "a & b > c"}
    block = str(jsonld_script(data))
    assert block.startswith('<script type="application/ld+json">')
    assert block.count("</script") == 1 and block.endswith("</script>")
    assert "<!--" not in block and "-->" not in block
    assert extract_jsonld(f"<html><head>{block}</head></html>") == [data]


def test_jsonld_script_keeps_non_ascii_text() -> None:
    data = {"name": "Müller K-R — Förderpreis"}
    block = str(jsonld_script(data))
    assert "Müller" in block
    assert extract_jsonld(f"<html><head>{block}</head></html>") == [data]


# -- every page ----------------------------------------------------------------------------


def test_every_page_embeds_exactly_one_jsonld_block(seed_pages: dict[str, str]) -> None:
    counts = {path: len(extract_jsonld(page)) for path, page in seed_pages.items()}
    assert set(counts.values()) == {1}, {p: c for p, c in counts.items() if c != 1}


@pytest.mark.slow
def test_embedded_jsonld_gives_the_document_graph(
    seed_documents, seed_pages: dict[str, str]
) -> None:
    for kind, path in kinds(seed_documents).items():
        (block,) = extract_jsonld(seed_pages[path])
        assert block["@context"] == SCHEMA_CONTEXT_URL or block["@context"][0] == (
            SCHEMA_CONTEXT_URL
        )
        assert isomorphic(as_graph(block), seed_documents[path].graph), kind


def test_every_page_links_its_variants_canonical_and_stylesheet(
    seed_pages: dict[str, str], parse_html
) -> None:
    for path, page in seed_pages.items():
        head = parse_html(page).head
        assert head.xpath('//link[@rel="canonical"]/@href') == [BASE + path]
        alternates = {
            link.get("type"): link.get("href") for link in head.xpath('//link[@rel="alternate"]')
        }
        assert alternates == {f.media_type: f"{BASE}{path}.{f.suffix}" for f in RDF_FORMATS}
        assert head.xpath('//link[@rel="stylesheet"]/@href') == ["/static/ldcv.css"]
        assert head.xpath('//meta[@property="og:url"]/@content') == [BASE + path]
        assert head.xpath('//meta[@name="description"]/@content')[0].strip()


def test_every_page_is_accessible_in_structure(seed_pages: dict[str, str], parse_html) -> None:
    for path, page in seed_pages.items():
        root = parse_html(page)
        assert root.get("lang") == "en", path
        assert len(root.xpath("//main")) == 1, path
        assert root.xpath("//header") and root.xpath("//footer") and root.xpath("//nav"), path
        assert root.xpath('//a[@class="skip-link"]/@href') == ["#main"], path
        levels = [
            int(h.tag[1])
            for h in root.xpath(
                "//main//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
            )
        ]
        assert levels and levels[0] == 1 and levels.count(1) == 1, path
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (path, levels)


def test_pages_load_nothing_from_another_host_and_run_no_script(
    seed_pages: dict[str, str], parse_html
) -> None:
    for path, page in seed_pages.items():
        root = parse_html(page)
        scripts = root.xpath("//script")
        assert [s.get("type") for s in scripts] == ["application/ld+json"], path
        loaded = root.xpath("//link[@rel='stylesheet']/@href | //img/@src | //iframe/@src")
        assert all(url.startswith("/") and not url.startswith("//") for url in loaded), path
        assert not root.xpath("//@*[starts-with(name(), 'on')]"), path


def test_footer_links_sparql_and_void(seed_pages: dict[str, str], parse_html) -> None:
    footer = parse_html(seed_pages[PROFILE]).xpath("//footer")[0]
    hrefs = footer.xpath(".//a/@href")
    assert "/sparql" in hrefs and "/.well-known/void" in hrefs
    assert f"{PROFILE}.ttl" in hrefs


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        (None, set()),
        (BASE + "/sparql", {"/sparql"}),
        ("https://query.example.net/sparql", {"https://query.example.net/sparql"}),
    ],
)
def test_pages_link_the_sparql_endpoint_only_where_there_is_one(
    seed_dataset, seed_documents, endpoint: str | None, expected: set[str], parse_html
) -> None:
    page = render_document(
        seed_documents[PROFILE], seed_dataset, seed_documents, sparql_endpoint=endpoint
    )
    hrefs = set(parse_html(page).xpath("//a/@href"))
    assert {h for h in hrefs if "sparql" in h} == expected


def test_internal_links_lead_to_documents(
    seed_documents, seed_pages: dict[str, str], parse_html
) -> None:
    for path, page in seed_pages.items():
        for href in parse_html(page).xpath("//main//a/@href"):
            if href.startswith("/doc/"):
                # A fixed-format variant (the Cite block's .bib …) is its document's too.
                stem, _ = split_suffix(href.rpartition("/")[2]) or (None, None)
                document = href.rpartition("/")[0] + "/" + (stem or "")
                assert href in seed_documents or document in seed_documents, (path, href)
            else:
                assert href.startswith(("https://", "http://", "mailto:", "#")), (path, href)


# -- the profile ---------------------------------------------------------------------------


def test_profile_jsonld_is_a_profile_page_about_the_person(seed_pages: dict[str, str]) -> None:
    (block,) = extract_jsonld(seed_pages[PROFILE])
    top = block["@graph"][0]
    assert top["id"] == BASE + PROFILE
    assert "ProfilePage" in top["type"]
    assert top["mainEntity"] == {"id": f"{BASE}/id/person/{OWNER}"}
    graph = as_graph(block)
    assert (URIRef(f"{BASE}/id/person/{OWNER}"), SDO.name, None) in graph


def test_profile_keeps_private_fields_private(seed_dataset, seed_pages: dict[str, str]) -> None:
    (cv,) = seed_dataset.cvs
    page = seed_pages[PROFILE]
    assert cv.owner.telephone and cv.owner.telephone not in page
    assert cv.owner.address and cv.owner.address.street and cv.owner.address.street not in page
    assert cv.owner.birth_date and cv.owner.birth_date.isoformat() not in page


def test_crawler_finds_profile_page_and_opengraph(seed_pages: dict[str, str]) -> None:
    found = extruct.extract(
        seed_pages[PROFILE],
        base_url=BASE + PROFILE,
        syntaxes=["json-ld", "opengraph"],
        uniform=True,
    )
    (block,) = found["json-ld"]
    types = {t for node in block["@graph"] for t in _as_list(node.get("type"))}
    assert {"ProfilePage", "Person"} <= types
    (og,) = found["opengraph"]
    assert og["@type"] == "profile"  # extruct's uniform form moves og:type here
    assert og["og:url"] == BASE + PROFILE
    assert og["og:title"] == "Sebastian Lapuschkin"


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


# -- other resources -----------------------------------------------------------------------


def test_other_resources_show_their_statements(seed_documents, seed_pages, parse_html) -> None:
    for kind, path in kinds(seed_documents).items():
        root = parse_html(seed_pages[path])
        assert root.xpath("//title")[0].text_content() == seed_documents[path].title, kind
        assert root.xpath("//h1")[0].text_content().strip(), kind
        if kind not in ("person", "organization", "publication"):
            assert root.xpath("//dl[@class='statements']/dt"), kind


# -- escaping ------------------------------------------------------------------------------


def test_hostile_strings_stay_text_in_body_meta_and_jsonld(hostile, parse_html, meta_of) -> None:
    dataset, documents = hostile
    (cv,) = dataset.cvs
    (pub,) = cv.publications
    for path in (f"/doc/publication/{pub.key}", f"/doc/person/{cv.owner.key}"):
        page = render_document(documents[path], dataset, documents)
        root = parse_html(page)
        # no element, attribute or script the data smuggled in
        assert not root.xpath("//img") and not root.xpath("//b"), path
        assert not root.xpath("//@*[starts-with(name(), 'on')]"), path
        assert len(root.xpath("//script")) == 1, path
        assert page.count("</script>") == 1 and "<!--" not in page, path
        # the strings are still there, as text
        text = root.xpath("//main")[0].text_content()
        if path.startswith("/doc/publication/"):
            assert pub.title in text
            assert root.xpath("//h1")[0].text_content() == pub.title
            assert meta_of(page, "citation_title") == [pub.title]
            assert meta_of(page, "citation_journal_title") == [pub.journal]
            assert root.xpath('//meta[@property="og:title"]/@content') == [pub.title]
        else:
            assert cv.owner.name in text and cv.owner.bio in text
            assert root.xpath("//title")[0].text_content() == cv.owner.name
        (block,) = extract_jsonld(page)
        names = {str(o) for o in as_graph(block).objects(None, SDO.name)}
        assert pub.title in names and cv.owner.name in names, path


def test_error_page_escapes_its_message(parse_html) -> None:
    page = render_error(404, f"No document at /doc/{HOSTILE}")
    root = parse_html(page)
    assert root.xpath("//h1")[0].text_content() == "404 Not Found"
    assert HOSTILE in root.xpath("//main")[0].text_content()
    assert not root.xpath("//img") and not root.xpath("//script")


# -- the index of several CVs --------------------------------------------------------------


def test_index_lists_every_cv(tmp_path: Path, parse_html) -> None:
    (tmp_path / "hostile.yaml").write_text(
        (FIXTURES / "html-hostile.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    dataset = prepare([ROOT / "data", tmp_path], BASE)
    documents = build_documents(dataset)
    root = parse_html(render_index(dataset, documents))
    links = root.xpath("//main//table[@class='people']/tbody/tr/td[1]/a/@href")
    assert sorted(links) == sorted(f"/doc/person/{cv.owner.key}" for cv in dataset.cvs)
    assert not root.xpath("//img")
    assert root.xpath('//link[@rel="canonical"]/@href') == [BASE + "/"]


def test_each_coauthor_page_highlights_its_own_person_in_every_shared_byline(
    seed_pages, parse_html
) -> None:
    # Bylines are worked out once per work for all pages: the highlight is the page's own.
    checked = 0
    for path, page in seed_pages.items():
        if not path.startswith("/doc/person/") or path == PROFILE:
            continue
        focused = parse_html(page).xpath('//span[@class="byline"]/strong[@class="focus"]/a/@href')
        assert set(focused) <= {path}, path
        checked += bool(focused)
    assert checked > 10


def test_each_organisation_page_lists_the_people_who_held_a_role_there(
    seed_pages, parse_html
) -> None:
    listed = 0
    for path, page in seed_pages.items():
        if not path.startswith("/doc/organization/"):
            continue
        root = parse_html(page)
        holders = set(root.xpath("//section[h2[@id='positions' or @id='studies']]//p//a/@href"))
        people = root.xpath("//section[h2[@id='people']]//li/a/@href")
        assert set(people) == holders, path
        assert len(people) == len(set(people)), path
        listed += bool(people)
    assert listed and PROFILE in {
        href
        for page in seed_pages.values()
        for href in parse_html(page).xpath("//section[h2[@id='people']]//li/a/@href")
    }
