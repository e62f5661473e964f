"""Read a JSON file for an import, reporting a syntax error with its line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ldcv.errors import InputError, Problem


def read_json(path: Path, what: str) -> Any:
    """The parsed JSON of ``path``; raise ``InputError`` naming the line if it is not JSON."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError([Problem(str(path), None, None, f"cannot read: {error}")]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        message = f"not JSON, so not {what}: {error.msg} (column {error.colno})"
        raise InputError([Problem(str(path), error.lineno, None, message)]) from None


def not_what_it_claims(path: Path, where: str, message: str) -> InputError:
    """The error for JSON that parses but is not the document the format names."""
    return InputError([Problem(str(path), None, where or None, message)])
