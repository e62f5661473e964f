"""The example queries shipped in ``ldcv/sparql/queries/``: the README's and the query page's."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class ExampleQuery:
    """One shipped example: file stem, human title, SPARQL text."""

    name: str
    title: str
    text: str


def example_queries() -> list[ExampleQuery]:
    """Read the example queries shipped in ``ldcv/sparql/queries/`` (sorted by file name)."""
    # Read on each call (five small files, well under a millisecond): the query page's
    # endpoint keeps its own copy.
    folder = resources.files("ldcv.sparql") / "queries"
    examples = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        title = next(
            (
                line.partition(":")[2].strip()
                for line in text.splitlines()
                if line.lower().startswith("# title:")
            ),
            entry.name,
        )
        examples.append(ExampleQuery(entry.name.removesuffix(".rq"), title, text))
    return examples
