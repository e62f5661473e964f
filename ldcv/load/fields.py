"""Read composed YAML nodes against a field spec, keeping the line of every value.

Nodes are read from their raw text, never constructed, so a value stays as written
and keeps its line. Readers record a problem and go on, so one run reports every
problem in a file; a reader that reported one returns ``INVALID``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ldcv.errors import Problem
from ldcv.model import Source

NULL_TAG = "tag:yaml.org,2002:null"
INVALID: Any = object()  # a reader reported a problem; not the same as an absent value


class FileReport:
    """Problems and warnings found in one file."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.warnings: list[str] = []

    def problem(self, line: int | None, field_path: str | None, message: str) -> None:
        """Record a problem at a line and dotted field path."""
        self.problems.append(Problem(self.name, line, field_path or None, message))

    def warn(self, line: int, message: str) -> None:
        """Record a warning at a line."""
        self.warnings.append(f"{self.name}:{line}: {message}")

    def source(self, line: int) -> Source:
        """Where something in this file was written."""
        return Source(self.name, line)


Reader = Callable[[FileReport, yaml.Node, str], Any]


@dataclass(frozen=True)
class Field:
    """How to read one field: its reader, and what a spec check needs to know about it."""

    read: Reader
    required: bool = False
    fields: Fields | None = None  # the spec of a nested mapping or of each entry of a list
    choices: tuple[str, ...] = ()  # the only values allowed, if it is a choice


Fields = dict[str, Field]


@dataclass(frozen=True)
class Item:
    """One element of a list, with where it was written."""

    value: Any
    line: int
    path: str


@dataclass
class Entry:
    """A mapping's valid values by field name, with the lines they were written on."""

    path: str
    line: int
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)  # fields whose problem is already reported

    def get(self, name: str, default: Any = None) -> Any:
        """The valid value of a field, else ``default``."""
        return self.values.get(name, default)

    def where(self, name: str) -> tuple[int, str]:
        """Line and dotted path of a field (the entry's line if the field is absent)."""
        return self.lines.get(name, self.line), self.path_of(name)

    def path_of(self, name: str) -> str:
        """The dotted path of a field of this entry."""
        return f"{self.path}.{name}" if self.path else name

    def items(self, name: str) -> tuple[Item, ...]:
        """The items of a list field, each with its line and path."""
        return self.values.get(name, ())

    def texts(self, name: str) -> tuple[str, ...]:
        """The values of a list field."""
        return tuple(item.value for item in self.values.get(name, ()))


def line_of(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1


def _what(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"'{node.value}'"


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word``, if one is like it at all."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown(word: str, choices: Iterable[str], what: str) -> str:
    """Say that ``word`` is no known ``what``: suggest the closest choice, else list them."""
    choices = list(choices)
    close = closest(word, choices)
    if close:
        return f"unknown {what} '{word}'; did you mean '{close}'?"
    return f"unknown {what} '{word}'; expected one of: {', '.join(choices)}"


def read_text(f: FileReport, node: yaml.Node, path: str) -> Any:
    """Read a scalar as stripped text; blank and null are absent."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag == NULL_TAG:
            return None
        return node.value.strip() or None
    f.problem(line_of(node), path, f"expected text, found {_what(node)}")
    return INVALID


def read_texts(f: FileReport, node: yaml.Node, path: str) -> Any:
    """Read a list of text; a single text counts as a list of one."""
    if isinstance(node, yaml.ScalarNode):
        text = read_text(f, node, path)
        return (Item(text, line_of(node), path),) if text else None
    return read_text_list(f, node, path)


def read_text_list(f: FileReport, node: yaml.Node, path: str) -> Any:
    """Read a list of text; blank items are dropped, and an empty list is absent."""
    if not isinstance(node, yaml.SequenceNode):
        if _is_null(node):
            return None
        f.problem(line_of(node), path, f"expected a list, found {_what(node)}")
        return INVALID
    items = []
    for index, child in enumerate(node.value):
        item_path = f"{path}[{index}]"
        text = read_text(f, child, item_path)
        if text is not None and text is not INVALID:
            items.append(Item(text, line_of(child), item_path))
    return tuple(items) or None


def checked_text(check: Callable[[str], str | None]) -> Reader:
    """A reader of text that ``check`` accepts; ``check`` returns the problem, if any."""

    def read(f: FileReport, node: yaml.Node, path: str) -> Any:
        text = read_text(f, node, path)
        if text is None or text is INVALID:
            return text
        problem = check(text)
        if problem is not None:
            f.problem(line_of(node), path, problem)
            return INVALID
        return text

    return read


def converted_text(convert: Callable[[str], Any]) -> Reader:
    """A reader of text that ``convert`` turns into its value; its ``ValueError`` is the problem."""

    def read(f: FileReport, node: yaml.Node, path: str) -> Any:
        text = read_text(f, node, path)
        if text is None or text is INVALID:
            return text
        try:
            return convert(text)
        except ValueError as error:
            f.problem(line_of(node), path, str(error))
            return INVALID

    return read


def matching(regex: re.Pattern[str], expected: str) -> Reader:
    """A reader of text that ``regex`` matches; otherwise it is not ``expected``."""
    return checked_text(lambda text: None if regex.match(text) else f"'{text}' is not {expected}")


def choice_field(*choices: str, required: bool = False) -> Field:
    """A field whose text is one of ``choices``."""
    read = checked_text(lambda text: None if text in choices else unknown(text, choices, "value"))
    return Field(read, required=required, choices=choices)


def mapping_field(fields: Fields, required: bool = False) -> Field:
    """A field holding a mapping read against ``fields``."""

    def read(f: FileReport, node: yaml.Node, path: str) -> Any:
        return read_mapping(f, node, path, fields)

    return Field(read, required=required, fields=fields)


def list_field(fields: Fields) -> Field:
    """A field holding a list of mappings, each read against ``fields``."""

    def read(f: FileReport, node: yaml.Node, path: str) -> Any:
        if _is_null(node):
            return None
        if not isinstance(node, yaml.SequenceNode):
            f.problem(line_of(node), path, f"expected a list of entries, found {_what(node)}")
            return INVALID
        entries = []
        for index, child in enumerate(node.value):
            entry = read_mapping(f, child, f"{path}[{index}]", fields)
            if entry is not INVALID:
                entries.append(entry)
        return tuple(entries)

    return Field(read, fields=fields)


def read_mapping(f: FileReport, node: yaml.Node, path: str, fields: Fields) -> Any:
    """Read a mapping against ``fields``: unknown, repeated and missing fields are problems."""
    if not isinstance(node, yaml.MappingNode):
        required = [name for name, fld in fields.items() if fld.required]
        expected = f" with {', '.join(required)}" if required else ""
        f.problem(line_of(node), path, f"expected a mapping{expected}, found {_what(node)}")
        return INVALID
    entry = Entry(path, line_of(node))
    first_seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            f.problem(line_of(key_node), path, f"expected a field name, found {_what(key_node)}")
            continue
        name = key_node.value
        field_path = entry.path_of(name)
        if name in first_seen:
            f.problem(
                line_of(key_node),
                field_path,
                f"'{name}' is given twice (first on line {first_seen[name]})",
            )
            continue
        first_seen[name] = line_of(key_node)
        if name not in fields:
            f.problem(line_of(key_node), field_path, unknown(name, fields, "field"))
            # A misspelt required field is that problem, not a second one.
            entry.invalid.add(closest(name, fields) or name)
            continue
        value = fields[name].read(f, value_node, field_path)
        entry.lines[name] = line_of(value_node)
        if value is INVALID:
            entry.invalid.add(name)
        elif value is not None:
            entry.values[name] = value
    for name, fld in fields.items():
        if fld.required and name not in entry.values and name not in entry.invalid:
            f.problem(entry.line, entry.path_of(name), f"missing required field '{name}'")
    return entry
