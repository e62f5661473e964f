"""Benchmark the static build and nginx serving it.

1. ``ldcv build`` of the seed CV, whole process (goal: under 3 s).
2. ``ldcv build`` of 100 CVs generated from the seed (goal: under 60 s), then a
   rebuild after one CV changed: how many files were rewritten.
3. nginx serving the negotiated document ``/doc/person/…`` with ``Accept: text/turtle``
   beside nginx serving a plain file of the same size, ``wrk -t2 -c32 -d10s`` each,
   one after the other in one run (goal: ratio ≥ 0.9).

Needs Debian's ``nginx`` and ``wrk``. Run: ``.venv/bin/python bench/static.py``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "sebastian-lapuschkin.yaml"
LDCV = [sys.executable, "-m", "ldcv.cli"] if not shutil.which("ldcv") else ["ldcv"]
OWNER_FAMILY = "Lapuschkin"
OWNER_SLUG = "sebastian-lapuschkin"


def _ldcv(*args: str) -> tuple[float, str]:
    """Run the ldcv command; return its wall time and its stderr."""
    executable = Path(sys.executable).with_name("ldcv")
    command = [str(executable)] if executable.exists() else LDCV
    started = time.perf_counter()
    result = subprocess.run([*command, *args], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"ldcv {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return elapsed, result.stderr


def _tag(index: int) -> str:
    """An alphabetic tag per generated CV, so names stay names: 0 → 'a', 27 → 'bb'."""
    letters = string.ascii_lowercase
    return letters[index % 26] * (1 + index // 26)


def generate_cvs(directory: Path, count: int) -> list[Path]:
    """Write ``count`` CVs made from the seed: every key and the owner's name made unique."""
    text = SEED.read_text(encoding="utf-8")
    keys = sorted(set(re.findall(r"^\s*-?\s*key:\s*([a-z0-9-]+)\s*$", text, re.M)), key=len)
    paths = []
    for index in range(count):
        tag = _tag(index)
        variant = text
        for key in reversed(keys):  # longest first, so no key is renamed inside another
            variant = re.sub(rf"(?<![\w-]){re.escape(key)}(?![\w-])", f"{key}-{tag}", variant)
        variant = variant.replace(OWNER_FAMILY, OWNER_FAMILY + tag.capitalize())
        path = directory / f"cv-{index:03d}.yaml"
        path.write_text(variant, encoding="utf-8")
        paths.append(path)
    return paths


def bench_builds(work: Path, count: int) -> None:
    seed_out = work / "seed-site"
    seconds, report = _ldcv("build", str(seed_out), str(SEED), "--base-uri", "http://127.0.0.1:8080")
    print(f"ldcv build, seed CV, whole process: {seconds:.2f} s (goal < 3 s)")
    print(f"  {report.strip()}")

    data = work / "many"
    data.mkdir()
    paths = generate_cvs(data, count)
    many_out = work / "many-site"
    seconds, report = _ldcv("build", str(many_out), str(data), "--base-uri", "http://127.0.0.1:8080")
    print(f"ldcv build, {count} generated CVs, whole process: {seconds:.2f} s (goal < 60 s)")
    print(f"  {report.strip()}")

    seconds, report = _ldcv("build", str(many_out), str(data), "--base-uri", "http://127.0.0.1:8080")
    print(f"rebuild, nothing changed: {seconds:.2f} s")
    print(f"  {report.strip()}")

    changed = paths[count // 2]
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("pages: 261-295", "pages: 261-296", 1),
        encoding="utf-8",
    )
    seconds, report = _ldcv("build", str(many_out), str(data), "--base-uri", "http://127.0.0.1:8080")
    print(f"rebuild after changing one page range in one CV: {seconds:.2f} s")
    print(f"  {report.strip()}")


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


def _wrk(url: str, headers: dict[str, str], duration: int) -> tuple[float, str]:
    command = ["wrk", "-t2", "-c32", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+(\S+)", output)
    return rate, p99.group(1) if p99 else "?"


def bench_nginx(work: Path, duration: int) -> None:
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
        size = document.stat().st_size
        print(f"\nnginx, wrk -t2 -c32 -d{duration}s, the same {size} bytes of Turtle:")
        negotiated, p99_n = _wrk(
            f"{base}/doc/person/{OWNER_SLUG}", {"Accept": "text/turtle"}, duration
        )
        print(f"  negotiated /doc/person/{OWNER_SLUG}: {negotiated:10.0f} req/s  p99 {p99_n}")
        flat, p99_p = _wrk(f"http://127.0.0.1:{plain_port}/file.ttl", {}, duration)
        print(f"  plain file:                 {flat:10.0f} req/s  p99 {p99_p}")
        print(f"  ratio: {negotiated / flat:.2f}x (goal >= 0.9x)")
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cvs", type=int, default=100, help="generated CVs (default 100)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--skip-builds", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ldcv-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_builds:
            bench_builds(work, args.cvs)
        bench_nginx(work, args.duration)


if __name__ == "__main__":
    main()
