"""Benchmark the static build and nginx serving it.

1. ``ldcv build`` of the seed CV, whole process (goal: under 3 s).
2. ``ldcv build`` of 100 CVs made by ``bench/generate.py`` (goal: under 60 s), whole
   process (load, map, validate, documents, every format, dumps), then a rebuild with
   nothing changed and a rebuild after one CV changed: how many files were rewritten.
3. With ``--store``: ``ldcv build --store`` of 1,000 CVs made by ``ldcv.generator`` (the
   realistic generator: overlapping CVs; ``--store-cvs``), indexed first with ``ldcv index``
   (or an existing store, ``--existing-store DIR``): the whole process with nothing made
   before (the store's crawler files removed), again once the store's dumps and counts
   exist (as after a server made them), and a rebuild with nothing changed.
4. nginx serving the negotiated document ``/doc/person/…`` with ``Accept: text/turtle``
   beside nginx serving a plain file of the same size, ``wrk -t2 -c32`` each, the two
   alternating (ABBA…) in one run so drift in the machine's speed hits both alike
   (goal: ratio ≥ 0.9). Beside the request rates, the CPU time nginx's workers spend
   per request, read from ``/proc``: the rates move with whatever else the machine
   runs, the CPU per request much less.

Each build is timed ``--repeat`` times (median and min of wall time; CPU time of the
process and its workers beside it, which the machine's load inflates less). The load
average is printed: on a shared machine, read wall times with it.

Needs Debian's ``nginx`` and ``wrk``. Run: ``.venv/bin/python bench/static.py``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "sebastian-lapuschkin.yaml"
OWNER_SLUG = "sebastian-lapuschkin"
BASE = "http://127.0.0.1:8080"
SEED_GOAL, MANY_GOAL = 3.0, 60.0

sys.path.insert(0, str(ROOT / "bench"))
from generate import write_cvs  # noqa: E402  (bench/generate.py, beside this file)


def _command() -> list[str]:
    executable = Path(sys.executable).with_name("ldcv")
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "ldcv.cli"]


def _ldcv(*args: str) -> tuple[float, float, str]:
    """Run the ldcv command; return its wall time, its CPU time (workers too) and its stderr."""
    before = os.times()
    started = time.perf_counter()
    result = subprocess.run([*_command(), *args], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = os.times()
    if result.returncode != 0:
        raise SystemExit(f"ldcv {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return elapsed, cpu, result.stderr


def _load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def _timed_builds(label: str, outdir: Path, data: Path, repeat: int, goal: float) -> str:
    """Build ``data`` from scratch ``repeat`` times; print the figures, return the last report."""
    walls, cpus, report = [], [], ""
    for _ in range(repeat):
        shutil.rmtree(outdir, ignore_errors=True)
        load = _load()
        wall, cpu, report = _ldcv("build", str(outdir), str(data), "--base-uri", BASE)
        walls.append(wall)
        cpus.append(cpu)
        print(f"  run: {wall:6.2f} s wall, {cpu:6.2f} s CPU ({load} before)")
    median = statistics.median(walls)
    verdict = "met" if median < goal else "MISSED"
    print(
        f"ldcv build, {label}, whole process: median {median:.2f} s, min {min(walls):.2f} s "
        f"wall; median {statistics.median(cpus):.2f} s CPU (goal < {goal:.0f} s: {verdict})"
    )
    print(f"  {report.strip().splitlines()[-1]}")
    return report


def _touch_one_cv(path: Path, paths: list[Path]) -> str:
    """Change one page range in one CV, as an edit would; say what changed.

    The paper may be listed in other CVs too (the generator's CVs overlap), which must
    describe it alike: the same edit goes to each of them.
    """
    text = path.read_text(encoding="utf-8")
    match = re.search(r"pages: (\d+)-(\d+)", text)
    if match is None:
        raise SystemExit(f"{path} has no page range to change")
    keys = re.findall(r"- key: (\S+)", text[: match.start()])
    if not keys:
        raise SystemExit(f"{path}: no publication key before {match.group(0)}")
    first, last = match.groups()
    changed = f"pages: {first}-{int(last) + 1}"
    edited = []
    for other in paths:
        other_text = other.read_text(encoding="utf-8")
        at = other_text.find(f"- key: {keys[-1]}\n")
        if at < 0:
            continue
        pages = other_text.find(match.group(0), at)
        other.write_text(
            other_text[:pages] + changed + other_text[pages + len(match.group(0)) :],
            encoding="utf-8",
        )
        edited.append(other.name)
    return f"{keys[-1]}: {match.group(0)} -> {changed} in {', '.join(edited)}"


def bench_builds(work: Path, count: int, repeat: int) -> None:
    print(f"{os.cpu_count()} CPUs; {_load()}\n")
    _timed_builds("seed CV", work / "seed-site", SEED, repeat, SEED_GOAL)

    data = work / "many"
    paths = write_cvs(count, data)
    many_out = work / "many-site"
    print()
    _timed_builds(f"{count} generated CVs", many_out, data, repeat, MANY_GOAL)

    wall, cpu, report = _ldcv("build", str(many_out), str(data), "--base-uri", BASE)
    print(f"\nrebuild, nothing changed: {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(f"  {report.strip().splitlines()[-1]}")

    what = _touch_one_cv(paths[count // 2], paths)
    wall, cpu, report = _ldcv("build", str(many_out), str(data), "--base-uri", BASE)
    print(f"rebuild after one change ({what}): {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(f"  {report.strip().splitlines()[-1]}")
    written = re.search(r"(\d+) written", report)
    print(f"  files rewritten: {written.group(1) if written else '?'}")


def bench_store_build(work: Path, count: int, repeat: int, existing: Path | None) -> None:
    """``ldcv build --store`` from ``existing``, or from ``count`` CVs indexed first."""
    print(f"\n{os.cpu_count()} CPUs; {_load()}")
    store = existing
    label = f"the store {existing}"
    if store is None:
        from ldcv.generator import write_cvs as write_realistic_cvs

        data = work / "store-data"
        write_realistic_cvs(count, data, seed=1)
        store = work / "store"
        wall, cpu, report = _ldcv("index", str(data), "--store", str(store), "--base-uri", BASE)
        print(f"ldcv index, {count} generated CVs: {wall:.1f} s wall, {cpu:.1f} s CPU")
        print(f"  {report.strip().splitlines()[-1]}")
        label = f"{count} generated CVs"
    outdir = work / "store-site"
    walls, cpus, report = [], [], ""
    for _ in range(repeat):
        shutil.rmtree(outdir, ignore_errors=True)
        shutil.rmtree(store / "crawler", ignore_errors=True)  # derived files: made again
        load = _load()
        wall, cpu, report = _ldcv("build", str(outdir), "--store", str(store))
        walls.append(wall)
        cpus.append(cpu)
        print(f"  run: {wall:6.2f} s wall, {cpu:6.2f} s CPU ({load} before)")
    print(
        f"ldcv build --store, {label}, whole process, dumps and counts made too: median "
        f"{statistics.median(walls):.1f} s, min {min(walls):.1f} s wall; median "
        f"{statistics.median(cpus):.1f} s CPU"
    )
    print(f"  {report.strip().splitlines()[-1]}")
    shutil.rmtree(outdir)
    wall, cpu, report = _ldcv("build", str(outdir), "--store", str(store))
    print(f"the same, with the store's dumps and counts made: {wall:.1f} s wall, {cpu:.1f} s CPU")
    wall, cpu, report = _ldcv("build", str(outdir), "--store", str(store))
    print(f"rebuild, nothing changed: {wall:.1f} s wall, {cpu:.1f} s CPU")
    print(f"  {report.strip().splitlines()[-1]}")
    sizes = {p.name: p.stat().st_size for p in (outdir / "dumps").iterdir()}
    print("  dumps: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sizes.items()))


# -- nginx ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nginx does not listen on {port}")


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


@dataclass
class Run:
    rate: float  # requests per second
    p99: str
    cpu_per_request: float  # seconds of nginx worker CPU


def _wrk(url: str, headers: dict[str, str], duration: int, workers: list[int]) -> Run:
    command = ["wrk", "-t2", "-c32", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    before = _cpu_seconds(workers)
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    cpu = _cpu_seconds(workers) - before
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE)
    return Run(rate, p99.group(1) if p99 else "?", cpu / requests)


def bench_nginx(work: Path, duration: int, rounds: int) -> None:
    port, plain_port = _free_port(), _free_port()
    base = f"http://127.0.0.1:{port}"
    site = work / "nginx-site"
    _ldcv("build", str(site), str(SEED), "--base-uri", base)
    document = site / "doc" / "person" / f"{OWNER_SLUG}.ttl"
    plain = work / "plain"
    plain.mkdir()
    shutil.copyfile(document, plain / "file.ttl")
    user = "user root;\n" if os.geteuid() == 0 else ""
    wrapper = work / "nginx.conf"
    wrapper.write_text(
        f"{user}worker_processes 2;\nerror_log stderr;\npid {work}/nginx.pid;\n"
        "events { worker_connections 1024; }\n"
        "http {\n    access_log off;\n"
        f"    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;\n"
        f"    fastcgi_temp_path {work}/fastcgi; uwsgi_temp_path {work}/uwsgi;\n"
        f"    scgi_temp_path {work}/scgi;\n"
        f"    include {site}/nginx.conf;\n"
        f"    server {{ listen 127.0.0.1:{plain_port}; root {plain};\n"
        "             types { text/turtle ttl; } }\n"
        "}\n"
    )
    process = subprocess.Popen(
        ["nginx", "-c", str(wrapper), "-p", str(work), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port)
        _wait_for(plain_port)
        workers = _workers(process.pid)
        size = document.stat().st_size
        print(
            f"\nnginx, wrk -t2 -c32 -d{duration}s, the same {size} bytes of Turtle, "
            f"alternating, {rounds} rounds ({_load()}):"
        )

        def negotiated() -> Run:
            return _wrk(
                f"{base}/doc/person/{OWNER_SLUG}", {"Accept": "text/turtle"}, duration, workers
            )

        def plain() -> Run:
            # The same request headers: a plain server reads and ignores Accept.
            return _wrk(
                f"http://127.0.0.1:{plain_port}/file.ttl",
                {"Accept": "text/turtle"},
                duration,
                workers,
            )

        rate_ratios, cpu_ratios = [], []
        for index in range(rounds):
            if index % 2:
                flat, varied = plain(), negotiated()
            else:
                varied, flat = negotiated(), plain()
            rate_ratios.append(varied.rate / flat.rate)
            cpu_ratios.append(flat.cpu_per_request / varied.cpu_per_request)
            print(
                f"  negotiated {varied.rate:9.0f} req/s (p99 {varied.p99}, "
                f"{varied.cpu_per_request * 1e6:5.1f} µs CPU/req), plain {flat.rate:9.0f} "
                f"req/s (p99 {flat.p99}, {flat.cpu_per_request * 1e6:5.1f} µs CPU/req): "
                f"{rate_ratios[-1]:.2f}x"
            )
        print(
            f"  request rate, negotiated / plain, median of {rounds}: "
            f"{statistics.median(rate_ratios):.2f}x (goal >= 0.9x)"
        )
        print(
            f"  nginx CPU per request, plain / negotiated, median of {rounds}: "
            f"{statistics.median(cpu_ratios):.2f}x"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cvs", type=int, default=100, help="generated CVs (default 100)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--repeat", type=int, default=3, help="builds per figure (default 3)")
    parser.add_argument("--rounds", type=int, default=6, help="wrk rounds per server (default 6)")
    parser.add_argument("--skip-builds", action="store_true")
    parser.add_argument("--skip-nginx", action="store_true")
    parser.add_argument("--store", action="store_true", help="also: ldcv build --store")
    parser.add_argument(
        "--store-cvs", type=int, default=1000, help="CVs of the store variant (default 1000)"
    )
    parser.add_argument(
        "--existing-store", type=Path, metavar="DIR", help="build from this store, not new CVs"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ldcv-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_builds:
            bench_builds(work, args.cvs, args.repeat)
        if args.store or args.existing_store:
            bench_store_build(work, args.store_cvs, args.repeat, args.existing_store)
        if not args.skip_nginx:
            bench_nginx(work, args.duration, args.rounds)


if __name__ == "__main__":
    main()
