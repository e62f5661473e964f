"""The error hierarchy and the exit codes the CLI maps them to."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_NOT_CONFORMANT = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_BUSY = 75  # sysexits' EX_TEMPFAIL: another process holds the store; try again


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located in a file."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class LdcvError(Exception):
    """Base of every error ldcv reports to its user."""

    exit_code = EXIT_USAGE


class ConfigError(LdcvError, ValueError):
    """An ``LDCV_*`` setting has a value its type does not allow; the message names it."""


class InputError(LdcvError):
    """The YAML cannot be read as a CV; carries every problem found in one run."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NotConformant(LdcvError):
    """The graph violates the SHACL shapes; ``report`` is the readable text."""

    exit_code = EXIT_NOT_CONFORMANT

    def __init__(self, report: str) -> None:
        self.report = report
        super().__init__(report)
