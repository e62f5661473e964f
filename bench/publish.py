"""Time ``ldcv publish`` to ``oxigraph serve``: wall, and the CPU of ldcv and of the engine.

    .venv/bin/python bench/publish.py --data DIR [--code FOLDER ...] [--changes 3]

For each ``--code`` (a folder holding an ``ldcv`` package, e.g. one ``git archive REV
ldcv | tar -x -C FOLDER`` made; default: this checkout), in turn: a fresh ``oxigraph
serve`` (started here), ``ldcv publish`` of a copy of ``--data`` from nothing, then again
after one CV's bio changed, ``--changes`` times (another CV each time). The engine's CPU
is read from ``/proc`` (``bench/remote.py`` counts ldcv's alone); the load average is
printed with each figure, since other work on the same cores stretches the wall time.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from serve import _free_port  # noqa: E402

BIN = Path(sys.executable).parent
# Runs ``ldcv`` and reports its own CPU and its workers' (reaped: counted as children).
MEASURED_LDCV = """\
import os, resource, sys
sys.argv = ["ldcv", *sys.argv[1:]]
from ldcv.cli import main
code = main()
own = resource.getrusage(resource.RUSAGE_SELF)
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
own_cpu, workers_cpu = own.ru_utime + own.ru_stime, workers.ru_utime + workers.ru_stime
print(f"CPU {own_cpu:.2f} {workers_cpu:.2f}", file=sys.stderr)
sys.stderr.flush()
os._exit(code)
"""


def engine_cpu(pid: int) -> float:
    """Return the CPU seconds process ``pid`` has used (user and system)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def publish(code: Path, data: Path, engine: subprocess.Popen, base: str) -> str:
    """Publish ``data`` with the ldcv in ``code``; say what it cost."""
    command = [sys.executable, "-c", MEASURED_LDCV, "publish", data, "--base-uri",
               "https://example.org", "--sparql-endpoint", base + "/query",
               "--sparql-update", base + "/update"]  # fmt: skip
    environment = dict(os.environ, PYTHONPATH=str(code))
    loads = [os.getloadavg()[0]]
    before = engine_cpu(engine.pid)
    started = time.perf_counter()
    # ldcv names each CV it publishes on stderr (some 65 KB for 1,000): into a file, since
    # a pipe read only at the end would fill and stop it.
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as said:
        running = subprocess.Popen(
            [str(c) for c in command], cwd=data.parent, env=environment,
            stdout=subprocess.DEVNULL, stderr=said, text=True,
        )  # fmt: skip
        while running.poll() is None:
            time.sleep(0.02)  # the wall time's resolution (a one-CV publish takes 2-3 s)
            if time.perf_counter() - started > len(loads):
                loads.append(os.getloadavg()[0])
        wall = time.perf_counter() - started
        said.seek(0)
        stderr = said.read()
    measured = re.search(r"CPU ([\d.]+) ([\d.]+)", stderr)
    if running.returncode not in (0, 3) or measured is None:
        raise SystemExit(f"publish failed ({running.returncode}):\n{stderr}")
    parent, workers = (float(x) for x in measured.groups())
    return (f"wall {wall:.1f} s; CPU: workers {workers:.1f} s, parent {parent:.1f} s, "
            f"engine {engine_cpu(engine.pid) - before:.1f} s; "
            f"load average {min(loads):.1f}-{max(loads):.1f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--code", type=Path, action="append")
    parser.add_argument("--changes", type=int, default=3, help="rounds of one CV changed")
    args = parser.parse_args()
    for code in args.code or [BENCH.parent]:
        work = Path(tempfile.mkdtemp(prefix="ldcv-bench-publish-"))
        data = Path(shutil.copytree(args.data, work / "data"))
        port = _free_port()
        engine = subprocess.Popen(
            [str(BIN / "oxigraph"), "serve", "--location", str(work / "oxigraph"),
             "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(1.5)
            base = f"http://127.0.0.1:{port}"
            print(f"{code}: from nothing: {publish(code, data, engine, base)}", flush=True)
            for round_ in range(1, args.changes + 1):
                target = sorted(data.glob("*.yaml"))[round_ - 1]
                text = target.read_text(encoding="utf-8")
                bio = re.search(r"\n  bio: (>-\n    )?", text)
                assert bio is not None, f"{target} has no bio to change"
                changed = text[: bio.end()] + "bench " + text[bio.end() :]
                target.write_text(changed, encoding="utf-8")
                cost = publish(code, data, engine, base)
                print(f"{code}: one CV changed ({target.name}): {cost}", flush=True)
        finally:
            engine.terminate()
            engine.wait()
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
