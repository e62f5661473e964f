"""The HTML in a real browser: headless Chromium (Debian's) driven by Playwright.

The real app (``ldcv.server.create_app``) serves the seed CV over real HTTP on a free
local port; its base URI is that address, so every link on a page is followable.
Screenshots of the profile (desktop, phone and print) land in ``tests/artifacts/``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    expect,
    sync_playwright,
)
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from ldcv.rdf.jsonld import expand_context
from ldcv.rdf.vocabulary import SDO

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OWNER = "sebastian-lapuschkin"

pytestmark = [pytest.mark.chromium, pytest.mark.slow]


@pytest.fixture(scope="module")
def base_url(seed_server) -> str:
    """The address of the app serving the seed CV (its base URI)."""
    return seed_server.base


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=shutil.which("chromium"),
            args=CHROMIUM_FLAGS,
            headless=True,
            java_script_enabled=True,  # on, so a stray script would run and be caught
        )
        yield context
        context.close()


class Watch:
    """What a page did: every request's URL, console errors and failed requests."""

    def __init__(self, page: Page) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._request)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url} {r.failure}"))

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _console(self, message: ConsoleMessage) -> None:
        # CSP violations and failed loads are reported as console errors
        if message.type in ("error", "warning"):
            self.errors.append(f"console {message.type}: {message.text}")


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    yield page
    page.close()


def _jsonld_graph(page: Page) -> tuple[dict, Graph]:
    scripts = page.locator('script[type="application/ld+json"]')
    assert scripts.count() == 1
    data = json.loads(scripts.first.text_content() or "")
    return data, Graph().parse(data=json.dumps(expand_context(data)), format="json-ld")


def test_profile_renders_with_its_jsonld_and_nothing_from_elsewhere(
    base_url: str, page: Page
) -> None:
    watch = Watch(page)
    response = page.goto(f"{base_url}/doc/person/{OWNER}")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    page.wait_for_load_state("networkidle")

    data, graph = _jsonld_graph(page)
    person = URIRef(f"{base_url}/id/person/{OWNER}")
    assert data["@graph"][0]["id"] == f"{base_url}/doc/person/{OWNER}"
    assert (URIRef(f"{base_url}/doc/person/{OWNER}"), SDO.mainEntity, person) in graph
    turtle = Graph().parse(f"{base_url}/doc/person/{OWNER}.ttl", format="turtle")
    assert isomorphic(graph, turtle)

    hosts = {urlsplit(url).netloc for url in watch.requests}
    assert hosts == {urlsplit(base_url).netloc}, watch.requests
    assert any(url.endswith("/static/ldcv.css") for url in watch.requests)
    assert watch.errors == []
    # the stylesheet applied: the section headings are styled, not browser defaults
    transform = page.locator("h2#experience").evaluate("h => getComputedStyle(h).textTransform")
    assert transform == "uppercase"
    assert page.locator("h1").inner_text().endswith("Sebastian Lapuschkin")


def test_follow_links_publication_then_author(base_url: str, page: Page) -> None:
    watch = Watch(page)
    page.goto(f"{base_url}/doc/person/{OWNER}")
    work = page.locator("li.work p.title a").first
    title = work.inner_text()
    work.click()
    page.wait_for_load_state("networkidle")
    assert "/doc/publication/" in page.url
    assert page.locator("h1").inner_text() == title
    (tag,) = page.locator('meta[name="citation_title"]').all()
    assert tag.get_attribute("content") == title
    _data, graph = _jsonld_graph(page)
    assert (None, SDO.name, None) in graph

    coauthor = page.locator("section:has(h2#authors-h) li a").filter(has_not_text="Lapuschkin")
    name = coauthor.first.inner_text()
    coauthor.first.click()
    page.wait_for_load_state("networkidle")
    assert "/doc/person/" in page.url and page.locator("h1").inner_text().endswith(name)
    assert page.locator("li.work p.title a", has_text=title).count() == 1
    assert watch.errors == []


def test_skip_link_moves_focus_to_main(base_url: str, page: Page) -> None:
    page.goto(f"{base_url}/doc/person/{OWNER}")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize(
    ("name", "viewport"),
    [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})],
)
def test_profile_screenshot_fits_the_viewport(
    base_url: str, page: Page, name: str, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    page.goto(f"{base_url}/doc/person/{OWNER}")
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"profile-{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    # nothing wider than the screen: no sideways scrolling on a phone
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]


def test_profile_prints_without_navigation(base_url: str, page: Page) -> None:
    page.goto(f"{base_url}/doc/person/{OWNER}")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.locator(".site-footer").is_hidden()
    assert page.locator("#publications").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "profile.pdf"
    pdf.write_bytes(page.pdf(format="A4"))
    assert pdf.stat().st_size > 10_000


# -- the profile's publications: contents, chart -------------------------------------------


def _lands_on(page: Page, href: str) -> bool:
    """Whether the element ``href`` names is on screen (at the top, unless the page ends)."""
    return page.evaluate(
        """(id) => {
            const box = document.getElementById(id).getBoundingClientRect();
            const bottom = document.documentElement.scrollHeight - innerHeight - scrollY < 2;
            return box.top >= -1 && box.bottom <= innerHeight && (box.top < 2 || bottom);
        }""",
        href[1:],
    )


def test_publication_contents_links_land_on_their_sections(base_url: str, page: Page) -> None:
    watch = Watch(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base_url}/doc/person/{OWNER}")
    links = page.locator("nav.pubs-toc a")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) > 10 and "#pubs-journal" in hrefs
    for index, href in enumerate(hrefs):
        page.evaluate("window.scrollTo(0, 0)")
        links.nth(index).click()
        assert page.evaluate("location.hash") == href
        assert _lands_on(page, href), href
    assert watch.errors == []


@pytest.mark.parametrize(
    ("scheme", "fill"), [("light", "rgb(11, 85, 102)"), ("dark", "rgb(124, 199, 216)")]
)
def test_publication_chart_is_a_named_styled_image_from_this_host_only(
    base_url: str, context: BrowserContext, scheme: str, fill: str
) -> None:
    page = context.new_page()
    try:
        page.emulate_media(color_scheme=scheme)
        watch = Watch(page)
        page.goto(f"{base_url}/doc/person/{OWNER}")
        page.wait_for_load_state("networkidle")
        chart = page.get_by_role("img", name=re.compile(r"^Publications per year, \d{4}–\d{4}$"))
        assert chart.count() == 1
        assert chart.evaluate("e => e.namespaceURI") == "http://www.w3.org/2000/svg"
        expect(chart).to_have_accessible_description(re.compile(r"^(\d{4}: \d+; )+\d{4}: \d+\.$"))
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100
        # the bars take their colour from the stylesheet (the CSP lets no style attribute in)
        bar = page.locator("svg rect.bar").first
        assert bar.evaluate("r => getComputedStyle(r).fill") == fill
        hosts = {urlsplit(url).netloc for url in watch.requests}
        assert hosts == {urlsplit(base_url).netloc}, watch.requests
        assert watch.errors == []
    finally:
        page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_publication_chart_takes_the_text_colour_of_a_high_contrast_theme(
    base_url: str, page: Page, scheme: str
) -> None:
    page.emulate_media(forced_colors="active", color_scheme=scheme)
    page.goto(f"{base_url}/doc/person/{OWNER}")
    text = page.evaluate("getComputedStyle(document.body).color")
    paper = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert text != paper
    for selector in ("svg rect.bar", "svg text.year", "svg text.value"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).fill") == text


def test_publication_chart_prints_and_the_contents_do_not(base_url: str, page: Page) -> None:
    page.goto(f"{base_url}/doc/person/{OWNER}")
    page.emulate_media(media="print")
    assert page.locator("figure.year-chart svg").is_visible()
    assert page.locator("nav.pubs-toc").is_hidden()
    assert page.locator("#pubs-by-year").is_hidden()
    assert page.locator("#pubs-journal").is_visible()


@pytest.fixture(scope="module")
def many_works_url(start_server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of the app serving one generated CV with 151 works over 27 years."""
    from ldcv.generator.plan import write_cvs
    from ldcv.server import create_app

    data = tmp_path_factory.mktemp("many-works")
    write_cvs(1, data, seed=0, mean_publications=300)
    with start_server.app(
        lambda base: create_app({"LDCV_DATA": [str(data)], "LDCV_BASE_URI": base})
    ) as live:
        yield live.base


@pytest.mark.parametrize("width", [1280, 390])
def test_a_cv_with_many_works_gets_a_chart_that_fits_the_screen(
    many_works_url: str, page: Page, width: int
) -> None:
    watch = Watch(page)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(many_works_url + "/")
    page.wait_for_load_state("networkidle")
    chart = page.get_by_role("img", name=re.compile(r"^Publications per year, "))
    years = page.locator("ol.year-counts li").count()
    assert years > 20
    assert page.locator("svg text.year").count() <= 12  # every few years named, not all
    box = chart.bounding_box()
    assert box is not None and box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    last = page.locator("nav.pubs-toc ol.year-counts a").last
    href = last.get_attribute("href")
    last.click()
    assert _lands_on(page, href or "")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".pubs-overview").screenshot(path=str(ARTIFACTS / f"publications-{width}.png"))
    assert watch.errors == []
