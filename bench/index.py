"""Benchmark ``ldcv index``: from nothing, then after one CV changes.

    .venv/bin/python bench/index.py [--cvs 1000] [--seed 1] [--data DIR] [--store DIR]

Writes ``--cvs`` generated CVs (``ldcv.generator``: varied sizes, shared coauthors and
papers) unless ``--data`` holds them already, then runs, each as a new process,
side by side in one run:

1. ``ldcv index`` into an empty store (wall time, CPU time of the process and its
   workers, the peak resident memory of any one of them, triples in the store);
2. ``ldcv index`` again with nothing changed;
3. ``ldcv index`` after one CV's paper title changed (only that CV is indexed);
4. ``ldcv index`` after a coauthor's given name changed in the CV declaring them
   (that CV and every CV naming the coauthor are indexed).

Goal (issue 11): (1) under 3 minutes for 1,000 CVs on 2 cores; (3) under 2 s.
Prints a table and the load average; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
BASE = "https://example.org"


def run_index(data: Path, store: Path) -> tuple[float, float, str]:
    """Run ``ldcv index``; return wall seconds, CPU seconds (with workers) and its last line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    finished = subprocess.run(
        [BIN / "ldcv", "index", str(data), "--store", str(store), "--base-uri", BASE],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = finished.stderr.strip().splitlines()
    if finished.returncode != 0:
        print(finished.stderr[-3000:], file=sys.stderr)
    return wall, cpu, lines[-1] if lines else ""


def change_a_title(data: Path) -> Path:
    """Change the first paper title of the largest CV; return its file."""
    target = max(data.glob("*.yaml"), key=lambda p: p.stat().st_size)
    text = target.read_text(encoding="utf-8")
    # A paper only this CV lists: its key starts with the owner's family name … or not;
    # a title listed in several CVs must change in all of them, so pick one listed once.
    titles = re.findall(r"\n    title: (.+)", text)
    everywhere = "".join(p.read_text(encoding="utf-8") for p in data.glob("*.yaml"))
    title = next(t for t in titles if everywhere.count(f"title: {t}\n") == 1)
    target.write_text(text.replace(f"title: {title}\n", f"title: {title} (revised)\n", 1))
    return target


def change_a_declared_name(data: Path) -> Path:
    """Change the given name of someone declared under people:, in every CV declaring them.

    Files declaring one person must agree, so a user changes them all; return the first.
    """
    for path in sorted(data.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"\npeople:\n  - key: (\S+)\n(?:    .*\n)*?    given_name: (.+)\n", text)
        if found:
            key, name = found.groups()
            pattern = re.compile(
                rf"(\n  - key: {re.escape(key)}\n(?:    .*\n)*?    given_name: ){re.escape(name)}\n"
            )
            renamed = rf"\g<1>{name}a\n"
            for other in sorted(data.glob("*.yaml")):
                before = other.read_text(encoding="utf-8")
                after = pattern.sub(renamed, before)
                if other.stem == key:  # their own CV: the owner entry
                    entry = rf"(\nperson:\n(?:  .*\n)*?  given_name: ){re.escape(name)}\n"
                    owner = re.compile(entry)
                    after = owner.sub(renamed, after, count=1)
                if after != before:
                    other.write_text(after, encoding="utf-8")
            return path
    raise SystemExit("no CV declares people: with a key to change")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cvs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="generated CVs to use (written if missing)")
    parser.add_argument("--store", type=Path, help="the store to build (emptied first)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="ldcv-bench-index-"))
    data = args.data or scratch / "data"
    store = args.store or scratch / "store"
    if not data.is_dir() or not any(data.glob("*.yaml")):
        from ldcv.generator import write_cvs

        started = time.perf_counter()
        write_cvs(args.cvs, data, seed=args.seed)
        print(f"generated {args.cvs} CVs in {time.perf_counter() - started:.1f} s into {data}")
    subprocess.run(["rm", "-rf", str(store)], check=True)
    cvs = len(list(data.glob("*.yaml")))

    rows = []
    wall, cpu, line = run_index(data, store)
    rows.append(("index from nothing", wall, cpu, line))
    rows.append(("index, nothing changed", *run_index(data, store)))
    changed = change_a_title(data)
    rows.append((f"index after one title ({changed.name})", *run_index(data, store)))
    declared = change_a_declared_name(data)
    rows.append((f"index after one declaration ({declared.name})", *run_index(data, store)))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    from ldcv.store.disk import StoreDirectory

    with StoreDirectory(store).open_snapshot() as snapshot:
        triples = sum(r.details["triples"] for r in snapshot.records.values())
    print(f"\n{cvs} CVs, {triples:,} triples (sum over the CV graphs), store {store}")
    print(f"{'run':<58} {'wall s':>8} {'cpu s':>8}")
    for name, wall, cpu, line in rows:
        print(f"{name:<58} {wall:>8.1f} {cpu:>8.1f}   {line}")
    print(f"peak resident memory of one process: {peak:.0f} MiB")
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
