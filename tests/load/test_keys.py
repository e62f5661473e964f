"""Entry keys: given or derived from content, unique in their section, independent of order."""

from __future__ import annotations

from pathlib import Path

import yaml

from ldcv.load import load_file
from ldcv.model import CV


def test_duplicate_keys_given_or_derived_are_reported(
    yaml_fixture, line_of, problems_of, problem_at
) -> None:
    path = yaml_fixture("duplicates")
    problems = problems_of(path)
    given = problem_at(problems, "organizations[1].key")
    assert given.line == line_of(path, "key: royal-society", occurrence=2)
    assert "organizations[0]" in given.message
    derived = problem_at(problems, "positions[1]")
    assert derived.line == line_of(path, "title: Correspondent", occurrence=2)
    assert "royal-society-correspondent" in derived.message
    assert "derived" in derived.message


def test_default_keys_are_derived_from_content(valid_cv: CV) -> None:
    assert valid_cv.owner.key == "ada-lovelace"
    assert [o.key for o in valid_cv.organizations] == ["analytical-society", "royal-society"]
    assert valid_cv.positions[0].key == "analytical-society-translator"
    assert valid_cv.education[0].key == "royal-society-private-tuition-in-mathematics"
    assert valid_cv.publications[0].key == "menabrea-1842-sketch-of-the-analytical"
    assert valid_cv.awards[0].key == "honorary-mention-1844"
    assert valid_cv.patents[0].key == "engine"
    assert valid_cv.patents[0].grants[0].key == "gb-123"
    assert valid_cv.languages[0].key == "en"
    assert valid_cv.skills[0].key == "mathematics"
    assert valid_cv.owner.profiles[0].key == "github"


def _reversed_sections(path: Path, target: Path) -> None:
    """Write ``path`` with every list in it reversed (dates and decimals kept as text)."""

    class TextLoader(yaml.SafeLoader):
        pass

    # Keep dates and decimals (arXiv ids) as text so the copy says exactly what the original says.
    as_text = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float")
    TextLoader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag not in as_text]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def reverse(value: object) -> object:
        if isinstance(value, dict):
            return {k: (v if k == "authors" else reverse(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [reverse(v) for v in reversed(value)]
        return value

    data = yaml.load(path.read_text(encoding="utf-8"), Loader=TextLoader)
    target.write_text(yaml.safe_dump(reverse(data), allow_unicode=True), encoding="utf-8")


def test_default_keys_do_not_depend_on_the_order_of_entries(
    valid_cv: CV, tmp_path: Path, yaml_fixture
) -> None:
    reordered_path = tmp_path / "reordered.yaml"
    _reversed_sections(yaml_fixture("valid"), reordered_path)
    reordered = load_file(reordered_path)
    assert [p.title for p in reordered.positions] == [p.title for p in valid_cv.positions][::-1]
    for section in ("people", "organizations", "positions", "education", "publications"):
        assert {e.key for e in getattr(reordered, section)} == {
            e.key for e in getattr(valid_cv, section)
        }
    assert {a.written: a.person for p in reordered.publications for a in p.authors} == {
        a.written: a.person for p in valid_cv.publications for a in p.authors
    }
