"""Draw every owner's papers: shared with colleagues, with outside coauthors, in real venues.

Each owner leads papers until they list as many as they should; colleagues (mostly of
the lead's group, likelier the more papers they still lack) join a paper, and list it
too. Outside coauthors come from the group's circle (Zipf-like: a few on hundreds of
papers) and the institute's pool (most on one).
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from random import Random

from ldcv.generator.model import CURRENT_YEAR, KINDS, Group, Member, Paper
from ldcv.generator.people import People, Person
from ldcv.generator.words import (
    BOOK_THEMES,
    CONFERENCES,
    JOURNALS,
    METHODS,
    PROPERTIES,
    PUBLISHERS,
    QUALITIES,
    SERIES,
    TASKS,
    TITLE_TEMPLATES,
    WORKSHOP_TOPICS,
)
from ldcv.load.identity import parse_byline
from ldcv.load.slugs import slugify

CIRCLE_SIZE = 30  # a group's frequent coauthors
POOL_SIZE = 1500  # an institute's occasional coauthors
# Cumulative weights: of 0 … 4 colleagues joining a paper, of 0 … 12 authors, of the kinds.
OTHER_OWNERS = tuple(accumulate((34, 34, 18, 9, 5)))
AUTHOR_COUNTS = tuple(accumulate((0, 2, 8, 15, 18, 17, 13, 9, 7, 5, 3, 2, 1)))
KIND_WEIGHTS = tuple(accumulate((38, 16, 20, 8, 18)))


def draw_papers(rng: Random, people: People, groups: list[Group]) -> list[Paper]:
    """Every paper of the groups' members, in the order drawn."""
    return _Papers(rng, people, groups).draw()


class _Papers:
    """Draw every member's papers, each shared with colleagues and outside coauthors."""

    def __init__(self, rng: Random, people: People, groups: list[Group]) -> None:
        self.rng = rng
        self.people = people
        self.groups = groups
        self.titles: set[str] = set()
        self.identifiers: dict[str, int] = {}  # last number given out, per arXiv month
        self.serial = 0  # numbers DOIs and bioRxiv/medRxiv ids, so that none repeats
        self.circle_weights = list(accumulate(r**-1.0 for r in range(1, CIRCLE_SIZE + 1)))
        self.pool_weights = list(accumulate(r**-1.05 for r in range(1, POOL_SIZE + 1)))

    def draw(self) -> list[Paper]:
        order = [m for g in self.groups for m in g.members]
        self.rng.shuffle(order)
        papers = []
        for lead in order:
            while lead.remaining > 0:
                papers.append(self._paper(lead))
        return papers

    def _paper(self, lead: Member) -> Paper:
        rng = self.rng
        members = [lead]
        for _ in range(_draw(rng, OTHER_OWNERS)):
            group = lead.group if rng.random() > 0.08 else rng.choice(self.groups)
            colleague = self._colleague(group, members)
            if colleague is not None:
                members.append(colleague)
        for member in members:
            member.remaining -= 1
        year = rng.randint(min(CURRENT_YEAR, max(m.phd_start for m in members)), CURRENT_YEAR)
        kind = KINDS[_draw(rng, KIND_WEIGHTS)]
        if kind == "preprint" and year < _PREPRINTS_SINCE["arxiv"]:
            kind = "journal-article"
        authors = [m.person for m in members]
        total = _draw(rng, AUTHOR_COUNTS)
        for _ in range(total - len(members)):
            person = self._outsider(lead, year)
            if person not in authors:  # people compare by identity
                authors.append(person)
        # The lead writes first; a group head, if another, last.
        heads = [m.person for m in members[1:] if m.stage == "head"]
        middle = [a for a in authors[1:] if a not in heads]
        rng.shuffle(middle)
        ordered = [authors[0], *middle, *heads]
        paper = Paper(
            kind,
            self._title(),
            year,
            [(p, self._form(p)) for p in ordered],
            self._venue(kind, year),
            members,
        )
        for member in members:
            member.papers.append(paper)
        return paper

    def _colleague(self, group: Group, chosen: list[Member]) -> Member | None:
        """A member of ``group`` with papers left to list, likelier the more they have."""
        candidates = [m for m in group.members if m.remaining > 0 and m not in chosen]
        point = self.rng.random() * sum(m.remaining for m in candidates)
        for member in candidates:
            point -= member.remaining
            if point < 0:
                return member
        return None

    def _outsider(self, lead: Member, year: int) -> Person:
        rng = self.rng
        draw = rng.random()
        if draw < 0.06 and year <= lead.phd_start + 5:
            return lead.supervisors["phd"]
        if draw < 0.55:
            return lead.group.circle[_draw(rng, self.circle_weights)]
        rank = _draw(rng, self.pool_weights)
        pool = lead.group.institute.pool
        if rank not in pool:
            pool[rank] = self.people.byline_only()
        return pool[rank]

    def _form(self, person: Person) -> str:
        if person.alias and self.rng.random() < 0.15:
            return "alias"
        if person.variant and self.rng.random() < 0.25:
            return "variant"
        return "main"

    def _title(self) -> str:
        rng = self.rng
        words = _TitleWords(rng)
        while True:
            title = rng.choice(TITLE_TEMPLATES).format_map(words)
            # Distinct words make distinct slugs: no two papers read as one to the loader.
            if title not in self.titles:
                self.titles.add(title)
                return title
            words.clear()

    def _venue(self, kind: str, year: int) -> list[tuple[str, str]]:
        rng = self.rng
        pages = rng.randint(1, 900)
        if kind == "journal-article":
            name, first, issues, numbering, prefix = rng.choice(
                [j for j in JOURNALS if j[1] <= year]  # founded by then: volume 1 or later
            )
            venue = [("journal", name), ("volume", str(year - first + 1))]
            if issues:
                venue.append(("issue", str(rng.randint(1, issues))))
            if numbering == "pages":
                venue.append(("pages", f"{pages}-{pages + rng.randint(3, 30)}"))
            else:
                number = rng.randint(100_000, 299_999)
                venue.append(
                    ("article_number", f"e0{number}" if numbering == "plos" else str(number))
                )
            if prefix and rng.random() < 0.4:
                self.serial += 1
                venue.append(("doi", f"{prefix}/ldcv.{year}.{self.serial:06d}"))
        elif kind == "conference-paper":
            name, acronym, first = rng.choice([c for c in CONFERENCES if c[2] <= year])
            edition = _ordinal(year - first + 1)
            venue = [("proceedings", f"Proceedings of the {edition} {name} ({acronym} {year})")]
            if rng.random() < 0.5:
                venue.append(("volume", str(year)))
            if rng.random() < 0.7:
                venue.append(("pages", f"{pages}-{pages + rng.randint(3, 9)}"))
        elif kind == "workshop-paper":
            acronym = rng.choice(CONFERENCES)[1]
            topic = rng.choice(WORKSHOP_TOPICS)
            venue = [
                (
                    "proceedings",
                    f"Proceedings of the {acronym}’{year % 100:02d} Workshop on {topic}",
                )
            ]
            if rng.random() < 0.3:
                venue.append(("pages", f"{pages % 20 + 1}-{pages % 20 + rng.randint(3, 8)}"))
        elif kind == "book-chapter":
            venue = self._book(year)
            venue.insert(-2, ("pages", f"{pages}-{pages + rng.randint(8, 25)}"))
        else:
            venue = [self._preprint(year)]
        if kind in ("journal-article", "conference-paper") and rng.random() < 0.02:
            venue.append(("note", "Best paper award winner"))
        return venue

    def _book(self, year: int) -> list[tuple[str, str]]:
        """A book of ``year``: each theme makes one book a year, always described alike."""
        theme_index = self.rng.randrange(len(BOOK_THEMES))
        rng = Random(f"{theme_index}:{year}")  # the same book whoever draws it
        publisher, place = rng.choice(PUBLISHERS)
        if rng.random() < 0.3:  # only the series is known: "Lecture Notes … 9887"
            series = rng.choice(SERIES)
            volume = 5000 + (year - 1980) * 400 + theme_index
            return [
                ("series", series),
                ("volume", str(volume)),
                ("publisher", publisher),
                ("place", place),
            ]
        venue = [("book", f"{BOOK_THEMES[theme_index]} ({year})")]
        if rng.random() < 0.4:
            venue += [("series", rng.choice(SERIES)), ("volume", str(200 + year - 1980))]
        return [*venue, ("publisher", publisher), ("place", place)]

    def _preprint(self, year: int) -> tuple[str, str]:
        rng = self.rng
        month = rng.randint(1, 12)
        server = rng.choices(("arxiv", "biorxiv", "medrxiv"), (80, 12, 8))[0]
        if year < _PREPRINTS_SINCE[server]:
            server = "arxiv"
        if server != "arxiv":
            self.serial += 1
            day = rng.randint(1, 28)
            return server, f"{year}.{month:02d}.{day:02d}.{400_000 + self.serial:06d}"
        stamp = f"{year % 100:02d}{month:02d}"
        number = self.identifiers.get(stamp, rng.randint(1000, 3000)) + rng.randint(1, 30)
        self.identifiers[stamp] = number
        return server, f"{stamp}.{number:05d}" if year >= 2015 else f"{stamp}.{number:04d}"


class _TitleWords(dict):
    """The words of a title template, drawn only for the slots the template has."""

    def __init__(self, rng: Random) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, slot: str) -> str:
        rng = self.rng
        if slot == "acronym":
            letters = "".join(rng.choice("ABCDEFGHKLMNPRSTVXZ") for _ in range(rng.randint(2, 4)))
            word = rng.choice(("", "i", "x")) + letters
        else:
            word = rng.choice(_SLOTS[slot.rstrip("2")])
        self[slot] = word
        return word


_SLOTS = {"method": METHODS, "task": TASKS, "quality": QUALITIES, "property": PROPERTIES}


# The first year of each preprint server; arXiv's ids are YYMM.NNNN(N) from 2007 on.
_PREPRINTS_SINCE = {"arxiv": 2008, "biorxiv": 2014, "medrxiv": 2020}


def _draw(rng: Random, cumulative: Sequence[float]) -> int:
    """An index drawn with the weights whose running sums are ``cumulative``."""
    return bisect(cumulative, rng.random() * cumulative[-1])


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def key_papers(papers: list[Paper]) -> None:
    """Key each paper as the loader would: first author, year, title words (more if taken)."""
    taken: set[str] = set()
    for paper in papers:
        first = parse_byline(paper.bylines()[0])
        assert first is not None
        words = slugify(paper.title).split("-")
        stem = f"{slugify(first.family)}-{paper.year}"
        for count in range(4, len(words) + 1):
            key = f"{stem}-{'-'.join(words[:count])}"
            if key not in taken:
                break
        else:
            key = f"{key}-{len(taken)}"
        taken.add(key)
        paper.key = key
