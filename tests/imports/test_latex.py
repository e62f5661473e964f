"""LaTeX in BibTeX values decodes to the Unicode text the YAML holds."""

from __future__ import annotations

import pytest

from ldcv.imports.latex import decode_latex


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"M{\"u}ller", "Müller"),
        (r"M\"{u}ller", "Müller"),
        (r"\'ecole", "école"),
        (r"Ma{\v{r}}{\'\i}k", "Mařík"),
        (r"{Clever} {Hans}", "Clever Hans"),
        ("pages 1--2 --- and", "pages 1–2 — and"),
        (r"Tom \& Jerry", "Tom & Jerry"),
        ("50% of all", "50% of all"),
        ("a~b", "a b"),
        ("line\n   break", "line break"),
        ("Plain title", "Plain title"),
        (r"Fran\c{c}ois", "François"),
        (r"{\O}stergaard", "Østergaard"),
        (r"Stra\ss e", "Straße"),
        (r"``Where'' to", "“Where” to"),
        (r"Medical {\textendash} MICCAI", "Medical – MICCAI"),
        # Beyond the tables: pylatexenc decodes these.
        (r"$\alpha$-divergence", "α-divergence"),
        (r"\textit{in vivo}", "in vivo"),
    ],
)
def test_latex_decodes_to_unicode(latex, text):
    assert decode_latex(latex) == text
