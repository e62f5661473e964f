"""Plan a generated institute: its groups, the owners of CVs, their careers' places.

Publications per CV follow a heavy tail around a mean (a PhD student with 3, a group
head with 300); each group's head is its most prolific member.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from random import Random

from ldcv.generator.model import (
    CURRENT_YEAR,
    Group,
    Institute,
    InstitutePlan,
    Member,
    Organization,
    Project,
)
from ldcv.generator.papers import CIRCLE_SIZE, draw_papers, key_papers
from ldcv.generator.people import People
from ldcv.generator.words import (
    CULTURES,
    GROUP_TOPICS,
    INSTITUTE_CITIES,
    INSTITUTE_FIELDS,
    PROJECT_WORDS,
)
from ldcv.load.slugs import slugify

SEED_MEAN_PUBLICATIONS = 39.0  # the seed CV lists 39
GROUP_SIZE = 12  # owners per group, on average
GROUPS_PER_INSTITUTE = 8


def write_cvs(
    count: int,
    outdir: Path,
    seed: int = 0,
    mean_publications: float = SEED_MEAN_PUBLICATIONS,
) -> list[Path]:
    """Write ``count`` generated CVs into ``outdir`` as ``<owner-key>.yaml``; return the paths."""
    from ldcv.generator.yaml_text import cv_texts

    plan = plan_institute(count, seed, mean_publications)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for key, text in cv_texts(plan):
        path = outdir / f"{key}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def plan_institute(
    count: int, seed: int = 0, mean_publications: float = SEED_MEAN_PUBLICATIONS
) -> InstitutePlan:
    """Draw ``count`` owners in groups, their papers, and everyone else they name."""
    if count < 1:
        raise ValueError("generate at least one CV")
    if mean_publications < 1:
        raise ValueError("the mean number of publications must be at least 1")
    with _no_cycle_collection():
        return _plan(count, seed, mean_publications)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector: a plan is millions of small records, none of them garbage
    until the plan is, and the collector would walk them over and over (a fifth of the time
    at 10,000 CVs)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plan(count: int, seed: int, mean_publications: float) -> InstitutePlan:
    rng = Random(seed)
    people = People(rng)
    samek = people.seed_coauthor()  # first, before anyone could take a look-alike name
    targets = _targets(rng, count, mean_publications)
    groups = _groups(rng, max(1, round(count / GROUP_SIZE)))
    # The most prolific owners head the groups; the others join one at random.
    ranked = sorted(range(count), key=lambda i: -targets[i])
    members = [
        _member(
            people,
            i,
            "head" if rank < len(groups) else _stage(targets[i], mean_publications),
            targets[i],
        )
        for rank, i in enumerate(ranked)
    ]
    rest = members[len(groups) :]
    rng.shuffle(rest)
    for position, member in enumerate([*members[: len(groups)], *rest]):
        member.group = groups[position % len(groups)]
        member.group.members.append(member)
    for index, group in enumerate(groups):
        for member in group.members:
            _education(people, member)
        top = samek if index == 0 else None
        group.circle = people.circle(group.institute.culture, CIRCLE_SIZE, top)
    members.sort(key=lambda m: m.index)
    papers = draw_papers(rng, people, groups)
    _rename(rng, members)
    key_papers(papers)
    return InstitutePlan(seed, members, papers, groups)


def _targets(rng: Random, count: int, mean: float) -> list[int]:
    """Publications per CV: log-normal around ``mean``, capped at ten times it."""
    sigma = 1.0
    mu = math.log(mean) - sigma * sigma / 2
    cap = max(10, round(10 * mean))
    return [min(cap, max(1, round(rng.lognormvariate(mu, sigma)))) for _ in range(count)]


def _stage(target: int, mean: float) -> str:
    if target >= 1.5 * mean:
        return "senior"
    return "postdoc" if target >= 0.4 * mean else "phd"


_PHD_START = {
    "head": (1988, 2006),
    "senior": (2000, 2012),
    "postdoc": (2008, 2018),
    "phd": (2019, 2023),
}
_HONORIFIC = {"head": "Prof. Dr.", "senior": "Dr.", "postdoc": "Dr.", "phd": None}


def _member(people: People, index: int, stage: str, target: int) -> Member:
    culture = people.culture()
    person = people.named(culture, _HONORIFIC[stage], birth_name=people.rng.random() < 0.15)
    low, high = _PHD_START[stage]
    member = Member(index, person, culture, stage, target, people.rng.randint(low, high))
    member.remaining = target
    return member


# -- organisations --------------------------------------------------------------------------


def _university(key: str) -> Organization:
    """The university with ``key``, as every CV declares it."""
    for culture in CULTURES.values():
        for uni_key, name, alternate, city in culture.universities:
            if uni_key == key:
                return Organization(uni_key, name, "university", city, culture.country, alternate)
    raise KeyError(key)


def _university_keys(culture: str) -> list[str]:
    return [u[0] for u in CULTURES[culture].universities]


def _groups(rng: Random, count: int) -> list[Group]:
    institutes = [_institute(rng, i) for i in range(math.ceil(count / GROUPS_PER_INSTITUTE))]
    projects: set[str] = set()
    groups = []
    for index in range(count):
        institute = institutes[index // GROUPS_PER_INSTITUTE]
        topic = GROUP_TOPICS[index % len(GROUP_TOPICS)]  # distinct within an institute
        org = institute.organization
        group = Group(
            Organization(
                f"{org.key}-{slugify(topic)}",
                f"{topic} Group",
                "group",
                org.locality,
                org.country,
                parent=org.key,
            ),
            institute,
            topic,
        )
        group.projects = [_project(rng, projects) for _ in range(rng.randint(1, 4))]
        groups.append(group)
    return groups


def _institute(rng: Random, index: int) -> Institute:
    """The ``index``-th institute: a city and a field, numbered once all pairs are taken."""
    city, culture = INSTITUTE_CITIES[index % len(INSTITUTE_CITIES)]
    number, field_index = divmod(index // len(INSTITUTE_CITIES), len(INSTITUTE_FIELDS))
    field_name = INSTITUTE_FIELDS[field_index]
    acronym = "I" + "".join(w[0] for w in field_name.split()) + (str(number + 1) if number else "")
    key = slugify(f"{acronym} {city}")
    domain = f"{key}.example.org"
    organization = Organization(
        key,
        f"{city} Institute for {field_name}" + (f" {number + 1}" if number else ""),
        "research",
        city,
        CULTURES[culture].country,
        (acronym,),
        url=f"https://{domain}/",
    )
    partner = _university(rng.choice(_university_keys(culture)))
    return Institute(organization, culture, domain, partner)


def _project(rng: Random, taken: set[str]) -> Project:
    words = rng.sample(PROJECT_WORDS, rng.randint(2, 4))
    name = "".join(w[: rng.randint(2, 3)] for w in words)
    if rng.random() < 0.2:
        name = name[0].lower() + name[1:]  # iToBoS
    key = slugify(name)
    while key in taken:
        key = f"{slugify(name)}-{rng.randint(2, 99)}"
    taken.add(key)
    return Project(
        key, name, " ".join(words), (rng.randint(2012, CURRENT_YEAR - 1), rng.randint(1, 12))
    )


def _education(people: People, member: Member) -> None:
    """A member's universities with a professor at each, and their school."""
    rng = people.rng
    own = _university_keys(member.culture)
    member.universities["bsc"] = _university(rng.choice(own))
    member.universities["msc"] = _university(rng.choice(own))
    if member.stage == "phd" or rng.random() < 0.5:
        member.universities["phd"] = member.group.institute.partner
    else:
        member.universities["phd"] = member.universities["msc"]
    for degree, org in member.universities.items():
        culture = next(k for k, c in CULTURES.items() if c.country == org.country)
        member.supervisors[degree] = people.professor(org.key, culture)
    c = CULTURES[member.culture]
    city = rng.choice(c.cities)
    school = f"{rng.choice(c.schools)} {city}"
    member.school = Organization(slugify(school), school, "school", city, c.country)


def _rename(rng: Random, members: list[Member]) -> None:
    """Date each birth name's last year, so that both names sign some paper; else drop it."""
    for member in members:
        person = member.person
        years = sorted({p.year for p in member.papers})
        if person.birth_family and len(years) > 1:
            person.renamed = rng.choice(years[1:])
        else:
            person.birth_family = None
