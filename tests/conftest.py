"""Shared fixtures: the seed CV and its graph, a small CV built in code, no network.

Add fixtures other test modules share here; keep module-specific ones in the module.

Tests that drive a system program carry its marker (``@pytest.mark.nginx`` …):
where the program is missing they skip, naming the Debian package that brings it;
under CI (``CI=true``) a missing program fails them instead, since CI installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph

from ldcv.documents.selection import Document
from ldcv.model import (
    CV,
    Address,
    Author,
    Award,
    Education,
    LanguageSkill,
    Organization,
    Owner,
    PartialDate,
    PatentFamily,
    PatentGrant,
    Person,
    Position,
    Profile,
    Project,
    Publication,
    SkillGroup,
    Source,
    Thesis,
)
from ldcv.pipeline import Dataset

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SITE_BASE = "http://cv.example.org"
SITE_MODIFIED = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
NODE_MODULES = Path(__file__).resolve().parent / "node" / "node_modules"


@dataclass(frozen=True)
class SystemProgram:
    """A program some tests drive, and what installs it."""

    command: str
    package: str  # the Debian package that brings it
    also_needs: Path | None = None  # files it needs beyond the program

    def missing(self) -> str | None:
        """Why the program cannot run here, or ``None`` when it can."""
        if shutil.which(self.command) is None:
            return (
                f"{self.command} is not installed: `apt-get install {self.package}` "
                f"(Debian's {self.package}; .ci/run installs it)"
            )
        if self.also_needs is not None and not self.also_needs.exists():
            return f"{self.also_needs} is missing: `npm ci --prefix tests/node` (make test does)"
        return None


# One marker per program; its name is the marker's.
SYSTEM_PROGRAMS = {
    "nginx": SystemProgram("nginx", "nginx"),
    "apache2": SystemProgram("apache2", "apache2"),
    "chromium": SystemProgram("chromium", "chromium"),
    "node": SystemProgram("node", "nodejs", also_needs=NODE_MODULES),
}


def pytest_configure(config: pytest.Config) -> None:
    for name, program in SYSTEM_PROGRAMS.items():
        config.addinivalue_line(
            "markers", f"{name}: drives {program.command} (Debian's {program.package})"
        )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a test whose system program is missing, or fail it under CI."""
    for name, program in SYSTEM_PROGRAMS.items():
        if item.get_closest_marker(name) is None:
            continue
        reason = program.missing()
        if reason is None:
            continue
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must have it: {reason}", pytrace=False)
        pytest.skip(reason)


def system_program(name: str) -> str:
    """The path of a system program the calling test's marker declared."""
    found = shutil.which(SYSTEM_PROGRAMS[name].command)
    assert found is not None, f"mark the test @pytest.mark.{name}"
    return found


_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "ip6-localhost"}


def _is_loopback(host: object) -> bool:
    text = host.decode() if isinstance(host, bytes) else str(host)
    return text in _LOOPBACK_NAMES or text.startswith("127.")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every connection beyond this machine, as on a host without internet access."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def local_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host is not None and not _is_loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, f"no network here: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    def local_connect(sock, address):  # type: ignore[no-untyped-def]
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            raise ConnectionRefusedError(f"no network here: {address[0]}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", local_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", local_connect)


DATA = ROOT / "data"
VOCAB = Path(__file__).resolve().parent / "vocab"
SEED_BASE = "http://example.org"  # seed_graph's
SEED_SITE_BASE = "http://cv.example.org"  # seed_dataset's
SEED_OWNER = "sebastian-lapuschkin"
SEED_YAML = DATA / f"{SEED_OWNER}.yaml"

# The sample owner's private data: rdf/test_mapping.py checks that no serialization holds them.
SAMPLE_TELEPHONE = "+49 (30) 555-0199"
SAMPLE_STREET = "Einsteinufer 37"
SAMPLE_BIRTH_DATE = "1984-02-29"
DEFAULT_PRIVATE = frozenset({"telephone", "address", "birth_date"})


@pytest.fixture(scope="session")
def seed_cvs() -> list[CV]:
    """Every CV under ``data/``, loaded by the real loader."""
    from ldcv.load import load_paths

    cvs, files = load_paths([DATA])
    assert SEED_YAML in files, f"{SEED_YAML} was not read"
    return list(cvs)


@pytest.fixture(scope="session")
def seed_cv(seed_cvs: list[CV]) -> CV:
    """The seed CV (Sebastian Lapuschkin's, ``data/sebastian-lapuschkin.yaml``), loaded with
    the rest of ``data/``."""
    matching = [cv for cv in seed_cvs if cv.owner.key == SEED_OWNER]
    assert len(matching) == 1, f"expected one CV of {SEED_OWNER} under {DATA}"
    assert matching[0].source is not None and matching[0].source.file == str(SEED_YAML)
    return matching[0]


@pytest.fixture(scope="session")
def seed_graph(seed_cv: CV) -> Graph:
    """The seed CV mapped under ``http://example.org``."""
    from ldcv.rdf.mapping import map_cvs

    return map_cvs([seed_cv], SEED_BASE)


@pytest.fixture(scope="session")
def seed_dataset() -> Dataset:
    """The seed CV (all of ``data/``) through the whole pipeline under ``http://cv.example.org``."""
    from ldcv.pipeline import prepare

    return prepare([DATA], SEED_SITE_BASE)


@pytest.fixture(scope="session")
def seed_documents(seed_dataset: Dataset) -> dict[str, Document]:
    """The documents of ``seed_dataset``, by path."""
    from ldcv.documents.selection import build_documents

    return build_documents(seed_dataset)


def _src(line: int) -> Source:
    return Source("data/sample.yaml", line)


def build_sample_cv(
    private: frozenset[str] = DEFAULT_PRIVATE, owner_key: str = "ada-example"
) -> CV:
    """A small CV with every section and every publication kind, built without the loader."""
    owner = Owner(
        key=owner_key,
        name="Ada Example",
        given_name="Ada",
        family_name="Example",
        honorific_prefix="Dr.",
        birth_name="Ada Born",
        birth_family_name="Born",
        birth_date=PartialDate(1984, 2, 29),
        email="ada@example.net",
        telephone=SAMPLE_TELEPHONE,
        address=Address(
            street=SAMPLE_STREET,
            postal_code="10587",
            locality="Berlin",
            region="Berlin",
            country="Germany",
        ),
        homepage="https://ada.example.net/",
        profiles=(
            Profile(key="scholar", site="Google Scholar", source=_src(12)),
            Profile(
                key="github",
                site="GitHub",
                url="https://github.com/ada-example",
                username="ada-example",
                source=_src(13),
            ),
        ),
        bio="Ada Example works on explainable machine learning.",
        aliases=("Example A", "Born A"),
        private=private,
        source=_src(2),
    )
    people = (
        Person(
            key="grace-hopper",
            family_name="Hopper",
            given_name="Grace",
            initials="G M",
            honorific_prefix="Prof. Dr.",
            aliases=("Hopper G",),
            source=_src(30),
        ),
        Person(key="turing-a", family_name="Turing", initials="A", source=_src(36)),
    )
    organizations = (
        Organization(
            key="hhi",
            name="Heinrich Hertz Institute",
            kind="research",
            alternate_names=("HHI",),
            locality="Berlin",
            country="Germany",
            url="https://www.hhi.fraunhofer.de/",
            source=_src(40),
        ),
        Organization(key="hhi-xai", name="XAI Group", kind="group", parent="hhi", source=_src(47)),
        Organization(
            key="tu-berlin",
            name="TU Berlin",
            kind="university",
            locality="Berlin",
            country="Germany",
            source=_src(51),
        ),
        Organization(
            key="gymnasium",
            name="Some Gymnasium",
            kind="school",
            country="Germany",
            source=_src(56),
        ),
        Organization(key="acme", name="ACME", source=_src(60)),
    )
    positions = (
        Position(
            key="hhi-head",
            title="Head of XAI Group",
            organization="hhi",
            start=PartialDate(2021, 1),
            research_focus="Holistic XAI.",
            supervisors=("grace-hopper",),
            source=_src(70),
        ),
        Position(
            key="tu-assistant",
            title="Teaching Assistant",
            organization="tu-berlin",
            start=PartialDate(2009, 10),
            end=PartialDate(2011, 9),
            description=("Teaching assistant to Prof. Dr. Grace Hopper.",),
            tasks=("Course instruction.", "Grading."),
            other_work=("A cluster.",),
            source=_src(76),
        ),
    )
    education = (
        Education(
            key="tu-phd",
            degree="PhD in Machine Learning",
            organization="tu-berlin",
            start=PartialDate(2013),
            end=PartialDate(2018),
            category="degree",
            level="doctoral",
            field_of_study="Machine Learning",
            distinction="summa cum laude",
            grade="1.0 / A",
            research_focus="XAI methods.",
            description=("Many papers.",),
            thesis=Thesis(
                key="tu-phd-thesis",
                title="Opening the black box",
                supervisors=("grace-hopper",),
                source=_src(95),
            ),
            source=_src(85),
        ),
        Education(
            key="abitur",
            degree="Abitur",
            organization="gymnasium",
            start=PartialDate(1995),
            end=PartialDate(2004),
            category="certificate",
            level="secondary",
            source=_src(99),
        ),
    )
    skills = (SkillGroup(key="technical", category="Technical", items=("python", "SPARQL")),)
    languages = (
        LanguageSkill(
            key="german", name="German", code="de", level="mother tongue", source=_src(110)
        ),
        LanguageSkill(
            key="english",
            name="English",
            code="en",
            level="full professional proficiency",
            source=_src(113),
        ),
    )
    awards = (
        Award(
            key="best-paper-2020",
            name="Best Paper Award",
            year=PartialDate(2020),
            rank="1st place",
            awarded_by="ACME Society",
            description="Förderpreis für Beispiele",
            description_language="de",
            for_work="example-2017-deep",
            source=_src(120),
        ),
    )
    patents = (
        PatentFamily(
            key="relevance-scores",
            title="Relevance Score Assignment",
            grants=(
                PatentGrant(
                    key="ep-3271863",
                    office="EP",
                    number="3271863",
                    title="Relevance Score Assignment",
                    granted=PartialDate(2021, 7, 28),
                    source=_src(131),
                ),
                PatentGrant(
                    key="jp-6725547",
                    office="JP",
                    number="6725547",
                    title="Relevance Score Assignment (JP)",
                    granted=PartialDate(2020, 7, 22),
                    source=_src(136),
                ),
            ),
            source=_src(128),
        ),
    )
    projects = (
        Project(
            key="itobos",
            name="iToBoS",
            description="Intelligent Total Body Scanner",
            start=PartialDate(2021, 4),
            url="https://itobos.eu/",
            source=_src(145),
        ),
        Project(
            key="oldproj",
            name="OldProj",
            start=PartialDate(2015),
            end=PartialDate(2017),
            source=_src(150),
        ),
    )
    me = owner_key
    publications = (
        Publication(
            key="example-2017-deep",
            kind="journal-article",
            title="Deep Things",
            authors=(
                Author("Hopper G M", "grace-hopper"),
                Author("Example A", me),
                Author("Turing A", "turing-a"),
            ),
            year=PartialDate(2017),
            journal="Pattern Recognition",
            volume="65",
            issue="3",
            pages="211-222",
            note="Best paper award winner",
            doi="10.1016/j.patcog.2016.11.008",
            url="https://example.net/deep",
            source=_src(160),
        ),
        Publication(
            key="born-2015-pixels",
            kind="journal-article",
            title="Pixels",
            authors=(Author("Born A", me), Author("Hopper G", "grace-hopper")),
            year=PartialDate(2015),
            journal="PLoS ONE",
            volume="10",
            article_number="e0130140",
            source=_src(170),
        ),
        Publication(
            key="example-2016-conf",
            kind="conference-paper",
            title="Conference Things",
            authors=(Author("Example A", me), Author("Newman Q", "newman-q")),
            year=PartialDate(2016),
            proceedings="Proceedings of CVPR",
            volume="2016",
            pages="2912-2920",
            source=_src(180),
        ),
        Publication(
            key="example-2016-workshop",
            kind="workshop-paper",
            title="Workshop Things",
            authors=(Author("Turing A", "turing-a"), Author("Example A", me)),
            year=PartialDate(2016),
            proceedings="ICML Workshop on Visualization",
            source=_src(186),
        ),
        Publication(
            key="example-2019-chapter",
            kind="book-chapter",
            title="A Chapter",
            authors=(Author("Example A", me),),
            year=PartialDate(2019),
            book="Explainable AI",
            series="Lecture Notes in Computer Science",
            volume="11700",
            pages="193-209",
            publisher="Springer",
            place="Cham",
            source=_src(192),
        ),
        Publication(
            key="example-2016-series-chapter",
            kind="book-chapter",
            title="A Series Chapter",
            authors=(Author("Example A", me),),
            year=PartialDate(2016),
            series="Lecture Notes in Computer Science",
            volume="9887",
            pages="63",
            publisher="Springer",
            place="Berlin/Heidelberg",
            source=_src(200),
        ),
        Publication(
            key="example-2021-arxiv",
            kind="preprint",
            title="An arXiv Preprint",
            authors=(Author("Example A", me), Author("Hopper G M", "grace-hopper")),
            year=PartialDate(2021),
            repository="arxiv",
            identifier="2109.04236",
            source=_src(208),
        ),
        Publication(
            key="example-2021-biorxiv",
            kind="preprint",
            title="A bioRxiv Preprint",
            authors=(Author("Turing A", "turing-a"), Author("Example A", me)),
            year=PartialDate(2021),
            repository="biorxiv",
            identifier="2021.06.25.449906",
            source=_src(214),
        ),
    )
    return CV(
        owner=owner,
        people=people,
        organizations=organizations,
        positions=positions,
        education=education,
        skills=skills,
        languages=languages,
        awards=awards,
        patents=patents,
        projects=projects,
        publications=publications,
        source=_src(1),
    )


@pytest.fixture(scope="session")
def make_sample_cv() -> Callable[..., CV]:
    """A factory for the sample CV: ``make_sample_cv(private=frozenset(), owner_key=…)``."""
    return build_sample_cv


@pytest.fixture(scope="session")
def sample_cv() -> CV:
    """A small CV with every section, the default private fields kept private."""
    return build_sample_cv()


def build_site_dataset(base: str = SITE_BASE, extra: str = "") -> Dataset:
    """Grace Hopper's small hand-built CV (fixtures/site-cv.ttl) under ``base``, parsed afresh.

    Each call labels the author lists' blank nodes anew. ``extra`` is Turtle to add.
    """
    text = (FIXTURES / "site-cv.ttl").read_text(encoding="utf-8") + extra
    graph = Graph().parse(data=text, format="turtle", publicID=base + "/")
    owner = Owner(key="grace-hopper", name="Grace Hopper", given_name="Grace", family_name="Hopper")
    return Dataset(cvs=(CV(owner=owner),), graph=graph, base_uri=base, modified=SITE_MODIFIED)


@pytest.fixture(scope="session")
def make_site_dataset() -> Callable[..., Dataset]:
    """A factory of the small hand-built site CV: ``make_site_dataset(base, extra=Turtle)``."""
    return build_site_dataset


@pytest.fixture(scope="module")
def site_dataset(make_site_dataset: Callable[..., Dataset]) -> Dataset:
    """The small hand-built site CV (Grace Hopper's, ``fixtures/site-cv.ttl``) under
    ``http://cv.example.org``, parsed once per module."""
    return make_site_dataset()
