"""Decode the LaTeX in BibTeX values to plain Unicode text: accents, braces, dashes, escapes.

What BibTeX files hold is nearly always accents (``{\\"u}``, ``\\'e``, ``\\v{r}``), a few
letters and escapes (``\\o``, ``\\ss``, ``\\&``), braces and dashes; those are decoded here
by table, thousands of values in milliseconds. Anything else (math, ``\\textit``, macros)
goes to pylatexenc, which knows LaTeX at large but costs about a millisecond a value.
"""

from __future__ import annotations

import re
import unicodedata

from pylatexenc.latex2text import LatexNodes2Text

# Accent macros → the combining character they put on the next letter.
ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
    "r": "\u030a", "d": "\u0323", "b": "\u0331",
}  # fmt: skip
# Letter macros and escapes → their character.
LETTERS = {
    "o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å",
    "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "&": "&", "%": "%", "$": "$", "#": "#",
    "_": "_", "{": "{", "}": "}", "textendash": "–", "textemdash": "—",
}  # fmt: skip
_ACCENT = re.compile(
    r"\\([\"'`^~=.])\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij]|[A-Za-z]))"
    r"|\\([uvHckrdb])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+([A-Za-z]))"
)
_LETTER = re.compile(
    r"\\(ss|ae|AE|oe|OE|aa|AA|textendash|textemdash|[oOlLij])(?![A-Za-z])\s*(?:\{\})?"
    r"|\\([&%$#_{}])"
)
_BARE_PERCENT = re.compile(r"(?<!\\)%")  # a percent sign, not the start of a LaTeX comment
_SPACES = re.compile(r"\s+")


def _accent(match: re.Match[str]) -> str:
    macro = match.group(1) or match.group(4)
    letter = next(g for g in (match.group(n) for n in (2, 3, 5, 6)) if g)
    base = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", base + ACCENTS[macro])


def _by_table(text: str) -> str | None:
    """``text`` decoded by the tables, or None where it holds LaTeX they do not cover."""
    text = _ACCENT.sub(_accent, text)
    text = _LETTER.sub(lambda m: LETTERS[m.group(1) or m.group(2)], text)
    if "\\" in text or "$" in text:
        return None
    text = text.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    return text.replace("{", "").replace("}", "").replace("~", " ")


def decode_latex(text: str) -> str:
    """Turn ``M{\\"u}ller``, ``\\'ecole``, ``{NonLinear}``, ``--`` into ``Müller``, ``école`` …"""
    decoded = _by_table(text)
    if decoded is None:
        converter = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
        decoded = converter.latex_to_text(_BARE_PERCENT.sub(r"\\%", text))
    return _SPACES.sub(" ", decoded.replace("\u00a0", " ")).strip()
