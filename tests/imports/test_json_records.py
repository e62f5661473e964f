"""JSON files for an import: a syntax error names its line, an unreadable file says so."""

from __future__ import annotations

import pytest

from ldcv.errors import InputError
from ldcv.imports.json_records import read_json


def test_a_json_syntax_error_names_line_and_column(imports):
    with pytest.raises(InputError) as error:
        read_json(imports / "broken.json", "CSL-JSON")
    (problem,) = error.value.problems
    assert problem.line == 4
    assert problem.message.startswith("not JSON, so not CSL-JSON: Expecting ',' delimiter")


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    latin = tmp_path / "latin1.json"
    latin.write_bytes('{"title": "Müller"}'.encode("latin-1"))
    with pytest.raises(InputError, match="cannot read"):
        read_json(latin, "CSL-JSON")
