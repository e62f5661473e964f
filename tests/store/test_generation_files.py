"""Files made once per store generation, by whichever process asks first; the others wait."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from ldcv.store.generation_files import GenerationFiles

# Another process making a file: it says when it has begun, and finishes when told to.
MAKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ldcv.store.generation_files import GenerationFiles

    def write(file):
        file.write(b"half of it")
        print("writing", flush=True)
        sys.stdin.readline()
        file.write(b" and the rest")

    GenerationFiles(Path(sys.argv[1]), int(sys.argv[2])).made("dump.gz", write)
    """
)


def start_maker(root: Path, generation: int = 1) -> subprocess.Popen:
    maker = subprocess.Popen(
        [sys.executable, "-c", MAKER, str(root), str(generation)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert maker.stdout is not None and maker.stdout.readline() == "writing\n"
    return maker


def test_a_file_is_written_once_and_then_found(tmp_path: Path) -> None:
    files = GenerationFiles(tmp_path, 3)
    calls = []

    def write(file) -> None:
        calls.append(1)
        file.write(b"counted")

    first = files.made("counts.json", write)
    again = files.made("counts.json", write)
    assert first == again == tmp_path / "3" / "counts.json"
    assert first.read_bytes() == b"counted" and calls == [1]
    assert first.stat().st_mode & 0o044 == 0o044  # readable by a web server's user


def test_a_failed_write_leaves_no_file_and_the_next_caller_writes_it(tmp_path: Path) -> None:
    files = GenerationFiles(tmp_path, 1)

    def failing(file) -> None:
        file.write(b"half")
        raise OSError("disk full, say")

    with pytest.raises(OSError, match="disk full"):
        files.made("dump.gz", failing)
    assert not (tmp_path / "1" / "dump.gz").exists()
    assert not list((tmp_path / "1").glob(".*.partial"))
    made = files.made("dump.gz", lambda file: file.write(b"whole"))
    assert made.read_bytes() == b"whole"


@pytest.mark.slow
def test_a_second_process_finding_the_file_being_written_waits_for_it(tmp_path: Path) -> None:
    maker = start_maker(tmp_path)
    mine: list[bytes] = []
    found: list[Path] = []

    def write(file) -> None:
        mine.append(b"mine")
        file.write(b"mine")

    waiting = threading.Thread(
        target=lambda: found.append(GenerationFiles(tmp_path, 1).made("dump.gz", write))
    )
    waiting.start()
    waiting.join(timeout=0.5)
    assert waiting.is_alive()  # waiting for the other process's lock
    assert not (tmp_path / "1" / "dump.gz").exists()  # nothing half-written is in view
    maker.communicate("go\n", timeout=60)
    waiting.join(timeout=60)
    assert maker.returncode == 0
    assert found and found[0].read_bytes() == b"half of it and the rest"
    assert mine == []  # it waited and took the other process's file


@pytest.mark.slow
def test_a_file_whose_maker_died_is_made_by_the_next_caller(tmp_path: Path) -> None:
    maker = start_maker(tmp_path)
    maker.kill()
    maker.wait(timeout=60)
    made = GenerationFiles(tmp_path, 1).made("dump.gz", lambda file: file.write(b"whole"))
    assert made.read_bytes() == b"whole"
    assert not list((tmp_path / "1").glob(".*.partial"))


def test_making_a_file_removes_older_generations_only(tmp_path: Path) -> None:
    for generation in (1, 2, 4):
        GenerationFiles(tmp_path, generation).made("dump.gz", lambda file: file.write(b"x"))
    GenerationFiles(tmp_path, 3).made("dump.gz", lambda file: file.write(b"x"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3", "4"]


@pytest.mark.slow
def test_an_older_generation_being_written_is_kept_until_the_next(tmp_path: Path) -> None:
    # A server still on the old snapshot is writing its dump: that folder stays.
    maker = start_maker(tmp_path, generation=1)
    try:
        GenerationFiles(tmp_path, 2).made("dump.gz", lambda file: file.write(b"new"))
        assert (tmp_path / "1").is_dir()
    finally:
        maker.communicate("go\n", timeout=60)
    assert (tmp_path / "1" / "dump.gz").read_bytes() == b"half of it and the rest"
    GenerationFiles(tmp_path, 3).made("dump.gz", lambda file: file.write(b"newer"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3"]
