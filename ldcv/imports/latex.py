"""Decode the LaTeX in BibTeX values to plain Unicode text: accents, braces, dashes, escapes."""

from __future__ import annotations

import re

from pylatexenc.latex2text import LatexNodes2Text

# A bare % in a BibTeX value is a percent sign, not the start of a LaTeX comment.
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_SPACES = re.compile(r"\s+")


def decode_latex(text: str) -> str:
    """Turn ``M{\\"u}ller``, ``\\'ecole``, ``{NonLinear}``, ``--`` into ``Müller``, ``école`` …

    One converter per call: pylatexenc's is cheap to make, and keeping none at module
    level keeps the module free of shared state.
    """
    if not any(c in text for c in "\\{}$~-%"):
        return _SPACES.sub(" ", text).strip()
    converter = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
    decoded = converter.latex_to_text(_BARE_PERCENT.sub(r"\\%", text))
    return _SPACES.sub(" ", decoded.replace("\u00a0", " ")).strip()
