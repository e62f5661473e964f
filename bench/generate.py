"""Write N CVs shaped like the seed, for benchmarks: ``python bench/generate.py N OUTDIR``.

Each CV is the seed with another owner and its own publication keys, so that the
dataset grows like a real department's: shared coauthors and organisations, one
profile and one set of papers per person. The files go through the whole pipeline
(load, map, validate) like any CV.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "data" / "sebastian-lapuschkin.yaml"
_PUBLICATION_KEY = re.compile(r"(\n  - key: )([a-z0-9-]+)(\n    kind:)")
_AWARD_FOR = re.compile(r"(\n    for: )([a-z0-9-]+)")


def generated_cv(index: int, seed_text: str) -> str:
    """The seed CV rewritten for owner number ``index`` (1-based)."""
    family, initial = f"Person{index:04d}", "Q"
    text = seed_text
    for old, new in (
        ("key: sebastian-lapuschkin", f"key: {family.lower()}-{initial.lower()}"),
        ("name: Sebastian Lapuschkin", f"name: {initial}. {family}"),
        ("given_name: Sebastian", f"given_name: {initial}."),
        ("family_name: Lapuschkin", f"family_name: {family}"),
        ("birth_name: Sebastian Bach", f"birth_name: {initial}. Born{index:04d}"),
        ("birth_family_name: Bach", f"birth_family_name: Born{index:04d}"),
    ):
        text = text.replace(old, new, 1)
    text = text.replace("Lapuschkin S", f"{family} {initial}").replace(
        "Bach S", f"Born{index:04d} {initial}"
    )
    prefix = f"g{index:04d}-"
    text = _PUBLICATION_KEY.sub(lambda m: m.group(1) + prefix + m.group(2) + m.group(3), text)
    return _AWARD_FOR.sub(lambda m: m.group(1) + prefix + m.group(2), text)


def write_cvs(count: int, outdir: Path) -> list[Path]:
    """Write ``count`` generated CVs into ``outdir``; return their paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    seed_text = SEED.read_text(encoding="utf-8")
    paths = []
    for index in range(1, count + 1):
        path = outdir / f"cv-{index:04d}.yaml"
        path.write_text(generated_cv(index, seed_text), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args()
    print(f"wrote {len(write_cvs(args.count, args.outdir))} CVs to {args.outdir}")


if __name__ == "__main__":
    main()
