"""Benchmark ``ldcv import bibtex`` of a generated 1,000-entry BibTeX file into the seed.

The file is made here, the same bytes for the same ``--seed``: Zotero-style entries
(articles, proceedings and workshop papers, chapters, arXiv preprints) with LaTeX
accents and dashes, bylines of 2–9 authors drawn from the seed's coauthors (placed)
and from generated names (not placed), and about one entry in twenty a copy of an
earlier one (skipped as already there). Each run imports it into a fresh copy of the
seed with the command as users run it, a subprocess: read, place, skip, splice, then
load, map and validate the whole result before the atomic write.

Goal (issue 13): under 5 s. Run: ``.venv/bin/python bench/import.py [--entries 1000]
[--runs 3] [--check]``; ``--check`` exits 1 when the median misses the goal.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "sebastian-lapuschkin.yaml"
BASE = "http://127.0.0.1:8000"
GOAL_SECONDS = 5.0
_SCRIPT = Path(sys.executable).parent / "ldcv"
LDCV = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "ldcv.cli"]

# Runs in a fresh interpreter so that "import" is what a real run pays.
STAGES = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from ldcv.imports.bibtex_reader import read_bibtex
from ldcv.imports.merge import dataset_files, plan_import
from ldcv.imports.yaml_edit import insert_publications
from ldcv.load.files import load_paths
from ldcv.rdf.mapping import map_located
from ldcv.rdf.validation import ensure_conforms
t1 = time.perf_counter()
read = read_bibtex(Path(sys.argv[1]))
t2 = time.perf_counter()
target = Path(sys.argv[2])
cvs, _ = load_paths(dataset_files(target))
entries, _ = plan_import(read, cvs, cvs[0])
t3 = time.perf_counter()
after = insert_publications(target.read_text(encoding="utf-8"), entries)
t4 = time.perf_counter()
target.write_text(after, encoding="utf-8")
cvs, _ = load_paths([target])
t5 = time.perf_counter()
graph, sources = map_located(cvs, sys.argv[3])
t6 = time.perf_counter()
ensure_conforms(graph, cvs, sys.argv[3], sources=sources)
t7 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "read": t2 - t1, "place": t3 - t2, "splice": t4 - t3,
                  "load": t5 - t4, "map": t6 - t5, "validate": t7 - t6}))
"""

KNOWN = [
    ("Lapuschkin", "Sebastian"),
    ("Samek", "Wojciech"),
    ('M{\\"u}ller', "Klaus-Robert"),
    ("Binder", "Alexander"),
    ("Montavon", "Gr{\\'e}goire"),
    ("Anders", "Christopher J."),
    ('H{\\"a}gele', "Miriam"),
    ('Sch{\\"u}tt', "Kristof T."),
]
FAMILIES = ["Nguyen", "Garc{\\'\\i}a", "M{\\\"o}ller", "Kowalski", "Dvo{\\v{r}}{\\'a}k",
            "Silva", "Okafor", "Tanaka", "Lindstr{\\\"o}m", "Rossi", "Ben-David",
            "{\\O}stergaard"]  # fmt: skip
GIVEN = ["Anna", "Jos{\\'e}", "Li", "Marie-Claire", "Ond{\\v{r}}ej", "Priya", "Tom", "Yuki",
         "J.-P.", "K. L."]  # fmt: skip
WORDS = ["explaining", "relevance", "propagation", "neural", "networks", "concept",
         "attribution", "{XAI}", "deep", "models", "pruning", "quantization", "bias",
         "segmentation", "{Clever} {Hans}", "evaluation", "faithful", "heatmaps", "learning",
         "transformers", "images", "time series", "gait", "histopathology"]  # fmt: skip


def _entry(rng: random.Random, number: int) -> str:
    authors = rng.sample(KNOWN, rng.randint(1, 3)) + [
        (rng.choice(FAMILIES), rng.choice(GIVEN)) for _ in range(rng.randint(1, 6))
    ]
    rng.shuffle(authors)
    byline = " and ".join(f"{family}, {given}" for family, given in authors)
    title = " ".join(rng.sample(WORDS, rng.randint(4, 9))).capitalize() + f" {number}"
    year = rng.randint(2010, 2025)
    kind = rng.choice(["article", "article", "inproceedings", "workshop", "incollection", "arxiv"])
    fields = [f"author = {{{byline}}}", f"title = {{{title} --- a study}}", f"year = {{{year}}}"]
    if kind == "article":
        fields += [
            "journal = {Pattern Recognition}",
            f"volume = {{{rng.randint(1, 150)}}}",
            f"pages = {{{(p := rng.randint(1, 900))}--{p + rng.randint(5, 20)}}}",
            f"doi = {{10.1016/j.patcog.{year}.{number:06d}}}",
        ]
    elif kind in ("inproceedings", "workshop"):
        venue = "Workshop on Explainable AI" if kind == "workshop" else "Conference on Vision"
        fields += [f"booktitle = {{Proceedings of the {venue} {year}}}", "publisher = {IEEE}"]
        kind = "inproceedings"
    elif kind == "incollection":
        fields += ["booktitle = {Explainable {AI} in Practice}", "publisher = {Springer}",
                   "address = {Cham}", f"pages = {{{number}--{number + 12}}}"]  # fmt: skip
    else:
        # arXiv numbers have four digits to 2014, five from 2015.
        serial = f"{number:05d}" if year >= 2015 else f"{number % 10000:04d}"
        fields += [f"eprint = {{{year % 100:02d}{rng.randint(1, 12):02d}.{serial}v2}}",
                   "archiveprefix = {arXiv}"]  # fmt: skip
        kind = "misc"
    return f"@{kind}{{entry{number},\n  " + ",\n  ".join(fields) + ",\n}\n"


def make_bibtex(entries: int, seed: int) -> str:
    """A BibTeX file of ``entries`` entries, one in twenty a copy of an earlier one."""
    rng = random.Random(seed)
    made: list[str] = []
    for number in range(entries):
        if made and rng.random() < 0.05:
            made.append(re.sub(r"\{[^,]+,", f"{{copy{number},", rng.choice(made), count=1))
        else:
            made.append(_entry(rng, number))
    return "% Generated by bench/import.py\n\n" + "\n".join(made)


def run_once(bib: Path, folder: Path) -> tuple[float, float, str]:
    """Import ``bib`` into a fresh copy of the seed: wall and CPU seconds, the summary line."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    target = folder / SEED.name
    shutil.copyfile(SEED, target)
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(
        [*LDCV, "import", "bibtex", str(bib), "--into", str(target), "--base-uri", BASE],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - start
    after = os.times()
    # CPU time is what the machine's load cannot inflate: compare it when wall is noisy.
    cpu = sum(getattr(after, n) - getattr(before, n) for n in ("children_user", "children_system"))
    return elapsed, cpu, done.stderr.strip().splitlines()[-1]


def main() -> int:
    """Make the file, import it ``--runs`` times, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="exit 1 if the goal is missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        bib = Path(scratch) / "bibliography.bib"
        bib.write_text(make_bibtex(args.entries, args.seed), encoding="utf-8")
        times, cpus = [], []
        for _ in range(args.runs):
            elapsed, cpu, summary = run_once(bib, Path(scratch) / "data")
            times.append(elapsed)
            cpus.append(cpu)
        median = statistics.median(times)
        fresh = Path(scratch) / "stages"
        fresh.mkdir()
        shutil.copyfile(SEED, fresh / SEED.name)
        staged = subprocess.run(
            [sys.executable, "-c", STAGES, str(bib), str(fresh / SEED.name), BASE],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        stages = json.loads(staged.stdout)
        print(f"ldcv import bibtex, {args.entries} entries ({bib.stat().st_size:,} bytes)")
        print(f"  {summary}")
        print(f"  runs: {', '.join(f'{t:.2f} s' for t in times)}; median {median:.2f} s "
              f"(goal: under {GOAL_SECONDS:.0f} s)")  # fmt: skip
        print(f"  CPU (user + system, all processes): median {statistics.median(cpus):.2f} s; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
        print("  by stage (one run, in process): "
              + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in stages.items()))  # fmt: skip
    return 1 if args.check and median > GOAL_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
