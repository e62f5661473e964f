"""The table of import formats drives the command line and names a reader that exists."""

from __future__ import annotations

import importlib

import pytest

from ldcv.cli import main
from ldcv.imports.readers import IMPORT_FORMATS, import_format


@pytest.mark.parametrize("fmt", IMPORT_FORMATS, ids=lambda f: f.key)
def test_each_format_names_a_function_that_reads_a_path(fmt):
    module, function = fmt.reader.split(":")
    assert callable(getattr(importlib.import_module(f"ldcv.imports.{module}"), function))


def test_the_command_line_offers_exactly_the_tables_formats(capsys):
    with pytest.raises(SystemExit):
        main(["import", "endnote-xml", "x"])
    err = capsys.readouterr().err
    choices = ", ".join(f"'{f.key}'" for f in IMPORT_FORMATS)
    assert f"(choose from {choices})" in err
    assert import_format("jsonresume").whole_cv
