"""The fixtures tests of several packages share; each package's own are in its conftest.py.

Tests request fixtures by name and never import them (nor anything from a conftest.py or
another test module): pytest loads every conftest.py as a module named ``conftest``. Here:
the seed CV (``seed_cv``, ``seed_graph``, ``seed_dataset`` …), a small CV built in code
(``sample_cv``), the hand-built site and fixture CVs, ``no_network``, servers on ports
the operating system chose (``start_server``, ``fixture_server``, ``seed_server``,
``nginx``) and the Accept headers of real clients. A fixture used by one module only
stays in that module.

Tests that drive a system program carry its marker (``@pytest.mark.nginx`` …):
where the program is missing they skip, naming the Debian package that brings it;
under CI (``CI=true``) a missing program fails them instead, since CI installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import requests
from rdflib import Graph
from werkzeug.serving import make_server

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
from ldcv.store.sparql_protocol import Answer, SparqlClient

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
    "virtuoso": SystemProgram("virtuoso-t", "virtuoso-opensource"),
}


# The tests' temporary folders go to memory where there is room: the stores they write
# sync to disk, some 20 ms a sync there (the store tests took 3.5 times as long).
RAM_FOLDER = Path("/dev/shm")
RAM_NEEDED = 4 << 30  # bytes free: pytest keeps its last three runs' folders, some 300 MB each


def _room_in_memory() -> bool:
    """Whether this run's temporary folders may go to memory."""
    try:
        stat = os.statvfs(RAM_FOLDER)
    except OSError:
        return False
    return stat.f_bavail * stat.f_frsize >= RAM_NEEDED and os.access(RAM_FOLDER, os.W_OK)


@pytest.hookimpl(tryfirst=True)  # before pytest's tmpdir plugin reads --basetemp
def pytest_configure(config: pytest.Config) -> None:
    for name, program in SYSTEM_PROGRAMS.items():
        config.addinivalue_line(
            "markers", f"{name}: drives {program.command} (Debian's {program.package})"
        )
    # pytest's own numbered folders (pytest-of-USER/pytest-N, the last three kept), under
    # the root its documented variable names; --basetemp or a root already chosen win.
    chosen = config.option.basetemp is not None or "PYTEST_DEBUG_TEMPROOT" in os.environ
    if not chosen and _room_in_memory():
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(RAM_FOLDER)


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


# -- no network --------------------------------------------------------------------------------

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


# -- the seed CV (data/) -----------------------------------------------------------------------

DATA = ROOT / "data"
SEED_BASE = "http://example.org"  # seed_graph's
SEED_SITE_BASE = "http://cv.example.org"  # seed_dataset's
SEED_OWNER = "sebastian-lapuschkin"
SEED_YAML = DATA / f"{SEED_OWNER}.yaml"


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


# -- the sample CV, built in code --------------------------------------------------------------

# The sample owner's private data: rdf/test_mapping.py checks that no serialization holds them.
SAMPLE_TELEPHONE = "+49 (30) 555-0199"
SAMPLE_STREET = "Einsteinufer 37"
SAMPLE_BIRTH_DATE = "1984-02-29"
DEFAULT_PRIVATE = frozenset({"telephone", "address", "birth_date"})


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
        orcid="0000-0002-1825-0097",  # ORCID's documented example iD
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
            orcid="0000-0002-1694-233X",  # another of ORCID's documented examples
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
            ror="05xmpn344",  # made up, with valid check digits
            wikidata="Q4115189",  # Wikidata's sandbox item
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
            isbn="9780306406157",  # the ISBN-13 of Wikipedia's examples
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


# -- the hand-built site CV (tests/fixtures/site-cv.ttl) ---------------------------------------


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


# -- servers on ports the operating system chose ----------------------------------------------

LOCALHOST = "127.0.0.1"
START_ATTEMPTS = 5  # ports tried before a server program that finds each taken fails its test
SHUTDOWN_POLL = 0.02  # seconds between an in-process server's looks for shutdown()
STOP_TIMEOUT = 60  # seconds a server program has to stop on SIGTERM before SIGKILL
# What a server program says when its port is taken: "Address already in use" (nginx,
# Apache, granian, werkzeug), "Connection in use" (gunicorn).
PORT_TAKEN = re.compile(r"\bin use\b", re.IGNORECASE)


@dataclass
class Live:
    """A server answering on a local port; ``base`` is its address, ``http://127.0.0.1:<port>``.

    ``app`` is the WSGI app of a server running in this process, ``process`` the server
    program running in its own (whose standard error ``stderr()`` reads).
    """

    base: str
    app: Any = None
    process: subprocess.Popen | None = None
    stderr_path: Path | None = None

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, **headers: str) -> requests.Response:
        """GET ``path`` with these headers, following no redirect."""
        return requests.get(self.url(path), headers=headers, allow_redirects=False, timeout=10)

    def stderr(self) -> str:
        """What the server program wrote to its standard error so far."""
        assert self.stderr_path is not None, "a server in this process has no stderr of its own"
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


class ServerStarter:
    """Starts servers on ports the operating system chose, and stops them (``start_server``)."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._tmp = tmp_path_factory

    @contextmanager
    def app(self, make_app: Callable[[str], Any]) -> Iterator[Live]:
        """Serve the WSGI app ``make_app(base)`` from a thread of this process.

        The server binds port 0 and the operating system picks a free port; the server
        holds its socket from then on, so no other program can take the port. The app is
        made once the port is known, so that its base URI, ``base``, is its own address.
        """
        made: dict[str, Any] = {}

        def dispatch(environ, start_response):  # type: ignore[no-untyped-def]
            return made["app"](environ, start_response)

        server = make_server(LOCALHOST, 0, dispatch, threaded=True)
        try:
            live = Live(f"http://{LOCALHOST}:{server.server_port}")
            live.app = made["app"] = make_app(live.base)
            # shutdown() waits for the loop's next look: half a second by default, a test each.
            thread = threading.Thread(
                target=server.serve_forever, args=(SHUTDOWN_POLL,), daemon=True
            )
            thread.start()
            try:
                yield live
            finally:
                server.shutdown()
                thread.join()
        finally:
            server.server_close()

    @contextmanager
    def process(
        self,
        command: Callable[[int], list[str]],
        *,
        timeout: float = 60,
        env: Callable[[int], dict[str, str]] | None = None,
        cwd: Path | None = None,
    ) -> Iterator[Live]:
        """Run the server program ``command(port)`` on a port the operating system just chose,
        in the environment ``env(port)`` (by default this process's), in the folder ``cwd``.

        nginx, Apache, granian, gunicorn and ``ldcv serve`` are given a port number, not a
        socket, so the port is chosen first (``_reserved_port``: the operating system gives
        it to no other ``bind`` for a minute) and the server binds it after. Should another
        program have taken it all the same, the server reports it on its standard error
        ("Address already in use"; gunicorn: "Connection in use") and fails: it is stopped
        and started again on another port, up to ``START_ATTEMPTS`` times. The server is up
        once it listens on its port itself (``_listens``) and has reported no such clash; it
        must be up within ``timeout`` seconds.

        The program runs in a session of its own with its standard error in a file
        (``Live.stderr()``). When the block ends it gets SIGTERM (a test may have stopped it
        already), and ``STOP_TIMEOUT`` seconds later what is left of its process group SIGKILL.
        """
        for _attempt in range(START_ATTEMPTS):
            port = _reserved_port()
            stderr_path = self._tmp.mktemp("server") / "stderr.log"
            with stderr_path.open("wb") as stderr:
                process = subprocess.Popen(
                    command(port),
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    env=None if env is None else env(port),
                    cwd=cwd,
                    start_new_session=True,
                )
            live = Live(f"http://{LOCALHOST}:{port}", process=process, stderr_path=stderr_path)
            try:
                up = _wait_until_up(live, timeout)
            except BaseException:
                _stop(process)
                raise
            if up:
                break
            _stop(process)  # its port was taken: another one
        else:
            pytest.fail(f"{process.args[0]} found each of {START_ATTEMPTS} ports taken")
        try:
            yield live
        finally:
            _stop(process)


def _reserved_port() -> int:
    """A port the operating system chose, left in TIME_WAIT by a connection this side closed.

    For the TIME_WAIT minute the operating system gives the port to no ``bind(("", 0))``,
    while a server that sets SO_REUSEADDR may bind it (nginx, Apache, granian, gunicorn and
    werkzeug all do). A socket merely bound to port 0 and closed leaves its port free for
    anyone to be given next.
    """
    with socket.create_server((LOCALHOST, 0)) as listener:  # SO_REUSEADDR, as the servers
        port = listener.getsockname()[1]
        with socket.create_connection((LOCALHOST, port)) as client:
            accepted, _address = listener.accept()
            accepted.close()  # the listening side closes first: its end stays in TIME_WAIT
            client.recv(1)  # the close has reached the client
    return port


def _wait_until_up(live: Live, timeout: float) -> bool:
    """Wait until the server program listens (True) or reports its port taken (False)."""
    assert live.process is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if PORT_TAKEN.search(live.stderr()):
            return False
        if live.process.poll() is not None:
            pytest.fail(
                f"{live.process.args[0]} exited with {live.process.returncode} before it "
                f"listened on port {live.port}:\n{live.stderr()}"
            )
        if _listens(live):
            return True
        time.sleep(0.05)
    pytest.fail(f"nothing listens on port {live.port} after {timeout} s:\n{live.stderr()}")


def _listens(live: Live) -> bool:
    """Whether the server program itself listens on its port.

    Where there is a Linux ``/proc``, the listening socket must be held by a process of the
    program's own process group (granian's workers hold theirs): the port may have been
    taken by another program, which would answer a connection too. Elsewhere the port must
    accept a connection.
    """
    assert live.process is not None
    tables = [Path("/proc/net/tcp"), Path("/proc/net/tcp6")]
    if not tables[0].exists():
        try:
            with socket.create_connection((LOCALHOST, live.port), timeout=0.2):
                return True
        except OSError:
            return False
    listening = set()
    for table in (t for t in tables if t.exists()):
        for row in table.read_text().splitlines()[1:]:
            local, state, inode = (row.split()[i] for i in (1, 3, 9))
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == live.port:  # 0A: LISTEN
                listening.add(f"socket:[{inode}]")
    for process in Path("/proc").iterdir():
        with suppress(OSError):  # gone meanwhile, or not ours to read
            if process.name.isdigit() and os.getpgid(int(process.name)) == live.process.pid:
                for descriptor in (process / "fd").iterdir():
                    if os.readlink(descriptor) in listening:
                        return True
    return False


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server, then SIGKILL to what is left of its process group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # a worker stuck at start-up, say
    process.wait()


def _child_processes(pid: int) -> frozenset[int]:
    tasks = Path(f"/proc/{pid}/task")
    found: set[int] = set()
    for task in tasks.iterdir():
        with suppress(FileNotFoundError):  # a thread ended meanwhile
            found |= {int(c) for c in (task / "children").read_text().split()}
    return frozenset(found)


def _wait_until(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture(scope="session")
def wait_until() -> Callable[..., bool]:
    """``wait_until(condition, seconds=30)``: poll ``condition`` until it holds (True) or
    the seconds are up (False)."""
    return _wait_until


@pytest.fixture(scope="session")
def child_processes() -> Callable[[int], frozenset[int]]:
    """``child_processes(pid)``: the processes ``pid`` started (a server's workers, a
    service's query workers), as Linux lists them."""
    return _child_processes


@pytest.fixture(scope="session")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> ServerStarter:
    """Start a server on a port the operating system chose, without a race:
    ``with start_server.app(make_app) as live`` serves a WSGI app from this process,
    ``with start_server.process(command) as live`` runs a server program (see its docstring).
    """
    return ServerStarter(tmp_path_factory)


# -- the hand-built fixture CVs (tests/fixtures/server-*.ttl) and the apps serving them -------

# A fixed modification time, so that Last-Modified and If-Modified-Since are predictable.
FIXTURE_MODIFIED = datetime(2024, 5, 17, 9, 30, 0, tzinfo=UTC)


def build_fixture_dataset(base: str, *names: str) -> Dataset:
    """A Dataset made from ``tests/fixtures/server-{name}.ttl`` (``cv`` when no name is
    given), with IRIs under ``base``."""
    from ldcv.rdf.vocabulary import RDF, SDO

    graph = Graph()
    for name in names or ("cv",):
        text = (FIXTURES / f"server-{name}.ttl").read_text(encoding="utf-8")
        graph.parse(data=text, format="turtle", publicID=base + "/")
    pages = graph.subjects(RDF.type, SDO.ProfilePage)
    return Dataset(
        cvs=tuple(_owner_cv(graph, base, page) for page in pages),
        graph=graph,
        base_uri=base,
        modified=FIXTURE_MODIFIED,
    )


def _owner_cv(graph: Graph, base: str, page: Any) -> CV:
    from ldcv.rdf.iris import parse_thing_iri
    from ldcv.rdf.vocabulary import SDO

    person = graph.value(page, SDO.mainEntity)
    parsed = parse_thing_iri(base, str(person))
    assert parsed is not None
    return CV(
        owner=Owner(
            key=parsed[1],
            name=str(graph.value(person, SDO.name)),
            given_name=str(graph.value(person, SDO.givenName)),
            family_name=str(graph.value(person, SDO.familyName)),
        )
    )


@pytest.fixture(scope="session")
def make_fixture_dataset() -> Callable[..., Dataset]:
    """A factory of the hand-built fixture CVs: ``make_fixture_dataset(base, *names)`` reads
    ``tests/fixtures/server-{name}.ttl``: ``cv`` (Ada Lovelace's, the default) and
    ``second-cv`` (Grace Hopper's)."""
    return build_fixture_dataset


@pytest.fixture(scope="session")
def fixture_modified() -> datetime:
    """The modification time of every ``make_fixture_dataset`` dataset."""
    return FIXTURE_MODIFIED


@pytest.fixture(scope="session")
def make_fixture_app(make_fixture_dataset: Callable[..., Dataset]) -> Callable[..., Any]:
    """``make_fixture_app(base, *names, **config)``: the app serving those fixture CVs."""
    from ldcv.server import create_app

    def make(base: str, *names: str, **config: Any) -> Any:
        return create_app({"LDCV_DATASET": make_fixture_dataset(base, *names), **config})

    return make


@pytest.fixture(scope="module")
def fixture_server(start_server: ServerStarter, make_fixture_app) -> Iterator[Live]:
    """The app serving one hand-built CV (Ada Lovelace's) on a local port."""
    with start_server.app(lambda base: make_fixture_app(base, "cv")) as live:
        yield live


@pytest.fixture(scope="module")
def seed_server(start_server: ServerStarter) -> Iterator[Live]:
    """The app serving the seed CV from ``data/`` through the whole pipeline on a local port."""
    from ldcv.server import create_app

    with start_server.app(
        lambda base: create_app({"LDCV_DATA": [str(DATA)], "LDCV_BASE_URI": base})
    ) as live:
        yield live


# -- the same triples in a pyoxigraph store, one named graph per CV ---------------------------

OVERLAP_BASE = "http://cv.example.org"  # the overlapping_cv_* fixtures'


def _store_of(graphs: dict[str, Graph]) -> Any:
    """A pyoxigraph store holding each graph as the named graph of its name."""
    import pyoxigraph as ox

    from ldcv.store.terms import to_oxigraph

    store = ox.Store()
    for name, graph in graphs.items():
        store.extend(
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.NamedNode(name))
            for s, p, o in graph
        )
    return store


@pytest.fixture(scope="session")
def seed_store(seed_dataset: Dataset) -> Any:
    """``seed_dataset``'s triples in a pyoxigraph store, as one named graph (read it only)."""
    return _store_of({"urn:test:cv:seed": seed_dataset.graph})


@pytest.fixture(scope="session")
def overlapping_cv_graphs() -> tuple[Graph, Graph]:
    """Two fixture CVs' graphs under ``http://cv.example.org`` that state some triples alike.

    The first is Ada Lovelace's CV (``server-cv.ttl``); the second Grace Hopper's
    (``server-second-cv.ttl``) plus, as a coauthor's CV would list it, the publication
    ``babbage-1844-script`` with its author list (the same blank nodes) and its authors.
    """
    from rdflib import URIRef
    from rdflib.term import BNode

    from ldcv.rdf.vocabulary import RDF, SDO

    first, second = (
        Graph().parse(
            data=(FIXTURES / f"server-{name}.ttl").read_text(encoding="utf-8"),
            format="turtle",
            publicID=OVERLAP_BASE + "/",
        )
        for name in ("cv", "second-cv")
    )
    shared = [URIRef(f"{OVERLAP_BASE}/id/publication/babbage-1844-script")]
    shared += [URIRef(f"{OVERLAP_BASE}/id/person/{p}") for p in ("charles-babbage", "ada-lovelace")]
    pending = list(shared[:1])
    while pending:  # the publication and its list cells, whole
        for s, p, o in first.triples((pending.pop(), None, None)):
            second.add((s, p, o))
            if isinstance(o, BNode):
                pending.append(o)
    for person in shared[1:]:  # its authors' names and types
        for s, p, o in first.triples((person, None, None)):
            if p in (SDO.name, RDF.type, SDO.familyName):
                second.add((s, p, o))
    return first, second


@pytest.fixture(scope="session")
def overlapping_cv_store(overlapping_cv_graphs: tuple[Graph, Graph]) -> Any:
    """``overlapping_cv_graphs`` in a pyoxigraph store, one named graph each (read it only)."""
    first, second = overlapping_cv_graphs
    return _store_of({"urn:test:cv:ada": first, "urn:test:cv:grace": second})


@pytest.fixture(scope="session")
def overlapping_cv_dataset(
    overlapping_cv_graphs: tuple[Graph, Graph], make_fixture_dataset: Callable[..., Dataset]
) -> Dataset:
    """The union of ``overlapping_cv_graphs`` in memory, with both CVs' models."""
    union = Graph()
    for graph in overlapping_cv_graphs:
        for triple in graph:
            union.add(triple)
    models = make_fixture_dataset(OVERLAP_BASE, "cv", "second-cv")
    return Dataset(cvs=models.cvs, graph=union, base_uri=OVERLAP_BASE, modified=models.modified)


@pytest.fixture(scope="session")
def seed_store_directory(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A ``StoreDirectory`` that ``ldcv index`` filled with ``data/`` under
    ``http://cv.example.org``, as ``seed_dataset`` holds it (copy it to write into it)."""
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.index import index_paths

    directory = StoreDirectory(tmp_path_factory.mktemp("seed-store") / "store")
    index_paths([DATA], directory, SEED_SITE_BASE, jobs=1)
    return directory


@pytest.fixture
def seed_store_copy(seed_store_directory: Any, tmp_path: Path) -> Any:
    """A copy of ``seed_store_directory`` of the test's own, with no crawler files made yet."""
    from ldcv.store.disk import StoreDirectory

    copy = tmp_path / "seed-store"
    shutil.copytree(seed_store_directory.path, copy, ignore=shutil.ignore_patterns("crawler"))
    return StoreDirectory(copy)


# -- six generated CVs indexed in a store ------------------------------------------------------

GENERATED_BASE = "https://cv.example.org"  # six_generated_store's


@pytest.fixture(scope="session")
def six_generated_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Six generated CVs (``write_cvs(6, …, seed=5)``: overlapping works, shared coauthors)
    that ``ldcv index`` put into a ``StoreDirectory`` under ``https://cv.example.org``
    (read it only; its records name the CV files under the folder beside it, ``data``)."""
    from ldcv.generator import write_cvs
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.index import index_paths

    root = tmp_path_factory.mktemp("six-generated")
    write_cvs(6, root / "data", seed=5)
    directory = StoreDirectory(root / "store")
    assert not index_paths([root / "data"], directory, GENERATED_BASE, jobs=1).failed
    return directory


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of 4 links, in this process: six CVs then have paged hubs."""
    from ldcv.documents import (
        paging,
        selection,
        sitemap_update,
        store_documents,
        store_index,
        store_walk,
    )

    monkeypatch.setattr(paging.page_count, "__defaults__", (4,))
    for module in (selection, store_documents, store_index, store_walk, sitemap_update):
        monkeypatch.setattr(module, "PAGE_SIZE", 4)


@pytest.fixture
def six_generated_store_copy(six_generated_store: Any, tmp_path: Path) -> Any:
    """A copy of ``six_generated_store`` of the test's own, to make documents into: some 10 ms,
    where indexing the six costs 2 s (its records name the files beside the original)."""
    from ldcv.store.disk import StoreDirectory

    copy = tmp_path / "six-generated-store"
    shutil.copytree(six_generated_store.path, copy)
    return StoreDirectory(copy)


# -- nginx on the generated configuration ------------------------------------------------------

NGINX_WRAPPER = """\
{user}worker_processes 1;
error_log stderr;
pid {tmp}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {conf};
}}
"""


class Nginx:
    """nginx run on the configuration the static build writes (``nginx``)."""

    def __init__(self, start_server: ServerStarter) -> None:
        self._start_server = start_server

    @staticmethod
    def wrapper(tmp: Path, conf: Path) -> Path:
        """Write a minimal nginx.conf into ``tmp`` that includes ``conf`` inside http { }."""
        # Workers of a root master run as nobody, who cannot enter pytest's private tmp dirs.
        user = "user root;\n" if os.geteuid() == 0 else ""
        wrapper = tmp / "nginx-wrapper.conf"
        wrapper.write_text(NGINX_WRAPPER.format(user=user, tmp=tmp, conf=conf))
        return wrapper

    def serve(
        self, tmp: Path, site_for_port: Callable[[int], Path]
    ) -> AbstractContextManager[Live]:
        """Run nginx in the foreground on a free port: ``site_for_port(port)`` builds the site
        for that port and returns its nginx.conf (again, if the port was taken)."""

        def command(port: int) -> list[str]:
            wrapper = self.wrapper(tmp, site_for_port(port))
            nginx = system_program("nginx")
            return [nginx, "-c", str(wrapper), "-p", str(tmp), "-g", "daemon off;"]

        return self._start_server.process(command)


@pytest.fixture(scope="session")
def nginx(start_server: ServerStarter) -> Nginx:
    """nginx on a generated configuration: ``nginx.wrapper(tmp, conf)`` writes an nginx.conf
    around it, ``with nginx.serve(tmp, site_for_port) as live`` serves it on a free port."""
    return Nginx(start_server)


# -- the Accept headers real clients send ------------------------------------------------------

CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
GOOGLEBOT = (
    "text/html,application/xhtml+xml,application/signed-exchange;v=b3,"
    "application/xml;q=0.9,*/*;q=0.8"
)
RDFLIB_ANY = (
    "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
    "application/n-quads, application/trix, application/trig"
)
JENA_RIOT = (
    "text/turtle,application/n-triples;q=0.9,application/rdf+xml;q=0.7,"
    "application/trig,application/n-quads;q=0.9,application/ld+json;q=0.8,*/*;q=0.5"
)


class Client(NamedTuple):
    """A real client: the Accept header it sends, verbatim (None: none), and what it must get."""

    accept: str | None
    expected: str  # the media type


REAL_CLIENTS = {
    name: Client(*pair)
    for name, pair in {
        "chrome": (CHROME, "text/html"),
        "firefox": (FIREFOX, "text/html"),
        "googlebot": (GOOGLEBOT, "text/html"),
        "curl": ("*/*", "text/turtle"),
        "python-requests": ("*/*", "text/turtle"),
        "no-accept": (None, "text/turtle"),
        "rdflib": (RDFLIB_ANY, "application/rdf+xml"),
        "rdflib-turtle": ("text/turtle, application/x-turtle, */*;q=0.1", "text/turtle"),
        "rdflib-nt": ("text/plain, */*;q=0.1", "application/n-triples"),
        "rdflib-xml": ("application/rdf+xml, */*;q=0.1", "application/rdf+xml"),
        "rdflib-json-ld": (
            "application/ld+json, application/json;q=0.9, */*;q=0.1",
            "application/ld+json",
        ),
        "jena-riot": (JENA_RIOT, "text/turtle"),
        "ldspider": ("application/rdf+xml, application/xml", "application/rdf+xml"),
        "sparqlwrapper-rdf": ("application/rdf+xml", "application/rdf+xml"),
        "json-ld-profile": (
            'application/ld+json;profile="http://www.w3.org/ns/json-ld#compacted"',
            "application/ld+json",
        ),
        "upper-case": ("TEXT/TURTLE", "text/turtle"),
        "html-excluded": ("text/html;q=0, application/rdf+xml", "application/rdf+xml"),
    }.items()
}


@pytest.fixture(scope="session")
def real_clients() -> dict[str, Client]:
    """Real clients by name: the Accept header each sends (None: none) and what it must get."""
    return REAL_CLIENTS


@pytest.fixture(params=list(REAL_CLIENTS))
def real_client(request: pytest.FixtureRequest) -> Client:
    """Each real client in turn (a test per client): its Accept header and what it must get."""
    return REAL_CLIENTS[request.param]


# -- two overlapping CVs indexed in a store (tests/fixtures/overlapping-cvs) --------------------

OVERLAPPING_CVS = FIXTURES / "overlapping-cvs"
OVERLAPPING_BASE = "https://example.org"


@pytest.fixture(scope="session")
def overlapping_store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Ada's and Charles's CVs (they share a paper, its author list and a coauthor) indexed
    under ``https://example.org`` into a store: a ``StoreDirectory``, one named graph each."""
    from ldcv.store.disk import StoreDirectory
    from ldcv.store.index import index_paths

    store = StoreDirectory(tmp_path_factory.mktemp("overlapping") / "store")
    index_paths([OVERLAPPING_CVS], store, OVERLAPPING_BASE, jobs=1)
    return store


@pytest.fixture
def overlapping_store_copy(overlapping_store: Any, tmp_path: Path) -> Any:
    """A copy of ``overlapping_store`` of the test's own, with no crawler files made yet."""
    from ldcv.store.disk import StoreDirectory

    copy = tmp_path / "overlapping-store"
    shutil.copytree(overlapping_store.path, copy, ignore=shutil.ignore_patterns("crawler"))
    return StoreDirectory(copy)


@pytest.fixture(scope="session")
def overlapping_snapshot_path(overlapping_store: Any) -> Path:
    """The directory of ``overlapping_store``'s current snapshot (immutable)."""
    with overlapping_store.open_snapshot() as snapshot:
        return snapshot.path


# -- SPARQL engines: `oxigraph serve` (PyPI oxigraph), started on a free port ---------------

OXIGRAPH = Path(sys.executable).parent / "oxigraph"  # the test extra's `oxigraph` command


@dataclass
class SparqlEngine:
    """A SPARQL 1.1 engine answering on a local port: its query and update endpoints.

    ``stop()`` ends it (as a crash would: SIGKILL) and ``start_again()`` starts it anew on
    the same port and data, as an operator restarting it; the fixture stops what is left.
    """

    name: str
    live: Live
    query_url: str
    update_url: str
    command: list[str] = field(default_factory=list)
    restarted: list[subprocess.Popen] = field(default_factory=list)

    def stop(self) -> None:
        for process in [self.live.process, *self.restarted]:
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()

    def start_again(self, timeout: float = 30) -> None:
        process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        self.restarted.append(process)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with suppress(OSError), socket.create_connection((LOCALHOST, self.live.port), 0.2):
                return
            time.sleep(0.05)
        pytest.fail(f"{self.name} did not listen again on port {self.live.port}")


class EngineStarter:
    """Starts SPARQL engines in processes of their own, each on a free port (``sparql_engines``)."""

    def __init__(self, start_server: ServerStarter, tmp: pytest.TempPathFactory) -> None:
        self._start = start_server
        self._tmp = tmp

    @contextmanager
    def oxigraph(self, location: Path | None = None) -> Iterator[SparqlEngine]:
        """``oxigraph serve`` on a store in ``location`` (a new folder unless given)."""
        folder = location or self._tmp.mktemp("oxigraph")

        def command(port: int) -> list[str]:
            return [str(OXIGRAPH), "serve", "--location", str(folder),
                    "--bind", f"{LOCALHOST}:{port}"]  # fmt: skip

        with self._start.process(command, timeout=30) as live:
            engine = SparqlEngine("oxigraph", live, live.url("/query"), live.url("/update"),
                                  command(live.port))  # fmt: skip
            try:
                yield engine
            finally:
                for process in engine.restarted:
                    _stop(process)

    @contextmanager
    def virtuoso(self) -> Iterator[SparqlEngine]:
        """Virtuoso Open Source 7 with a database of its own, SPARQL Update granted.

        The test must carry ``@pytest.mark.virtuoso``. The ini is the one that
        ``/work/shared/design/engines.md`` records as working; rows and time are raised for
        whole-dataset reads.
        """
        folder = self._tmp.mktemp("virtuoso")
        sql_port = _reserved_port()

        def command(port: int) -> list[str]:
            ini = folder / "virtuoso.ini"
            ini.write_text(VIRTUOSO_INI.format(folder=folder, sql=sql_port, http=port))
            return [system_program("virtuoso"), "+foreground", "+configfile", str(ini)]

        with self._start.process(command, timeout=120, cwd=folder) as live:
            url = live.url("/sparql")
            deadline = time.monotonic() + 60
            while True:  # the HTTP listener opens before the SPARQL service answers
                with suppress(requests.RequestException):
                    if requests.get(url, params={"query": "ASK {}"}, timeout=5).ok:
                        break
                if time.monotonic() > deadline:
                    pytest.fail(f"Virtuoso does not answer SPARQL:\n{live.stderr()}")
                time.sleep(0.5)
            grant = 'GRANT SPARQL_UPDATE TO "SPARQL";\n'
            subprocess.run(["isql-vt", str(sql_port), "dba", "dba"], input=grant, text=True,
                           capture_output=True, check=True, timeout=60)  # fmt: skip
            yield SparqlEngine("virtuoso", live, url, url, command(live.port))


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = {sql}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad
[HTTPServer]
ServerPort = {http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="session")
def sparql_engines(
    start_server: ServerStarter, tmp_path_factory: pytest.TempPathFactory
) -> EngineStarter:
    """Start a SPARQL engine: ``with sparql_engines.oxigraph() as engine`` (see EngineStarter)."""
    return EngineStarter(start_server, tmp_path_factory)


class CountingClient(SparqlClient):
    """A SPARQL protocol client that counts the queries it sends."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queries = 0

    def query(self, *args: Any, **kwargs: Any) -> Answer:
        self.queries += 1
        return super().query(*args, **kwargs)


@pytest.fixture(scope="session")
def counting_client() -> Callable[..., CountingClient]:
    """Make SPARQL protocol clients (query URL, update URL) that count their queries."""
    return CountingClient


# The base the ``published`` fixture publishes its CVs under.
PUBLISHED_BASE = "https://cv.example.org"


@pytest.fixture(scope="session")
def published_once(sparql_engines, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six generated CVs published once under ``PUBLISHED_BASE`` to an ``oxigraph serve``,
    since stopped: ``data`` (the CVs, recorded relative to this folder) and ``oxigraph``
    (the engine's store), for ``published`` to copy."""
    from ldcv.generator import write_cvs
    from ldcv.store.remote_publish import publish_paths

    root = tmp_path_factory.mktemp("published")
    write_cvs(6, root / "data", seed=5)
    with sparql_engines.oxigraph(root / "oxigraph") as engine:
        client = SparqlClient(engine.query_url, engine.update_url)
        assert not publish_paths([root / "data"], client, PUBLISHED_BASE, jobs=1, root=root).failed
    return root


@pytest.fixture
def published(
    sparql_engines, published_once: Path, tmp_path: Path
) -> Iterator[tuple[Path, Any, SparqlClient]]:
    """Six generated CVs published to a fresh ``oxigraph serve`` under ``PUBLISHED_BASE``:
    their folder, the engine, a client that may write to it (publish with ``root=tmp_path``).

    Each test has copies of its own, of the CVs and of the engine's store (some 50 ms where
    publishing the six costs 2 to 4 s), on an engine started afresh.
    """
    data = Path(shutil.copytree(published_once / "data", tmp_path / "data"))
    store = Path(shutil.copytree(published_once / "oxigraph", tmp_path / "oxigraph"))
    with sparql_engines.oxigraph(store) as engine:
        yield data, engine, SparqlClient(engine.query_url, engine.update_url)


@pytest.fixture(scope="session", autouse=True)
def user_cache_of_the_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``XDG_CACHE_HOME`` of the tests and the servers they start: nothing left in ``~/.cache``."""
    cache = tmp_path_factory.mktemp("xdg-cache")
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(cache)
    yield cache
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before
