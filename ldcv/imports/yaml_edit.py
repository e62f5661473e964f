"""Insert publications into a CV's YAML text, leaving every other byte of the file as it was.

Dumping a whole document, even with ruamel.yaml's round trip, re-indents lists and moves
comment columns (the seed's file changes on 800 lines); so the file is composed to find
where its ``publications:`` list ends, and only the new entries are written and spliced
in at that point, in the layout of the entries around them. A value is written plain
where the YAML parser reads it back as the same text, else double-quoted (JSON's escapes
are YAML's): the parser decides, so nothing needs a table of YAML's special cases.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

LINE_WIDTH = 100  # the project's line length: a byline list longer than this goes block style
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_NUMBER = re.compile(r"^[1-9]\d{0,8}$")
# Fields written as plain integers where the text is one (the seed's ``volume: 65``).
_NUMBERS = ("volume", "issue", "pages")


class CannotInsert(ValueError):
    """The file's ``publications`` is not a list entries can be added to."""


# Text that is plain in any YAML context: a letter first, then letters, digits, spaces and
# punctuation that is no indicator (no ':', '#', ',', brackets or quotes), and no word YAML
# 1.1 reads as a boolean or null. Anything else is asked of the parser (``_reads_back``);
# this only spares it the common bylines and venues.
_SURELY_PLAIN = re.compile(r"^[^\W\d_][\w .'’()/&+–—-]*(?<! )$")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


def _surely_plain(text: str) -> bool:
    return bool(_SURELY_PLAIN.match(text)) and text.casefold() not in _YAML_WORDS


def _reads_back(written: str, value: Any) -> bool:
    try:
        return yaml.load(f"k: {written}\n", Loader=_Loader) == {"k": value}
    except yaml.YAMLError:
        return False


def scalar(value: Any) -> str:
    """``value`` as YAML text: plain where it reads back as itself, else double-quoted."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"not a YAML scalar the CV format takes: {value!r}")
    if isinstance(value, int):
        return str(value)
    if _surely_plain(value):
        return value
    # Tabs and other unprintables: libyaml and PyYAML disagree on them in plain text.
    if value.isprintable() and value == value.strip() and _reads_back(value, value):
        return value
    return quoted(value)


def quoted(text: str) -> str:
    """``text`` double-quoted, as the seed writes titles."""
    return json.dumps(text, ensure_ascii=False)


def _flow_item(text: str) -> str:
    if _surely_plain(text):
        return text
    plain = scalar(text)
    return plain if _reads_back(f"[{plain}]", [text]) else quoted(text)


def render_entry(fields: dict[str, Any], prefix: str) -> str:
    """One list entry: ``prefix`` (``"  - "``) before its first line, its width before the rest."""
    lines = []
    for name, value in fields.items():
        if name == "authors":
            flow = "[" + ", ".join(_flow_item(a) for a in value) + "]"
            if len(prefix) + len("authors: ") + len(flow) <= LINE_WIDTH:
                lines.append(f"authors: {flow}")
            else:
                lines += ["authors:", *(f"  - {scalar(a)}" for a in value)]
        elif name == "title":
            lines.append(f"title: {quoted(value)}")
        elif name in _NUMBERS and isinstance(value, str) and _PLAIN_NUMBER.match(value):
            lines.append(f"{name}: {value}")
        else:
            lines.append(f"{name}: {scalar(value)}")
    pad = " " * len(prefix)
    return "".join((prefix if i == 0 else pad) + line + "\n" for i, line in enumerate(lines))


def render_document(data: dict[str, Any], indent: str = "") -> str:
    """A whole YAML mapping of text, numbers, mappings and lists, in the seed's layout."""
    out = []
    for name, value in data.items():
        if isinstance(value, dict):
            out.append(f"{indent}{name}:\n{render_document(value, indent + '  ')}")
        elif isinstance(value, list):
            out.append(f"{indent}{name}:\n")
            for item in value:
                if isinstance(item, dict):
                    body = render_document(item, indent + "    ")
                    out.append(f"{indent}  - {body[len(indent) + 4 :]}")
                else:
                    out.append(f"{indent}  - {scalar(item)}\n")
        else:
            out.append(f"{indent}{name}: {scalar(value)}\n")
    return "".join(out)


def _end_of(node: yaml.Node) -> int:
    """The index just past the last character a node's text takes (comments aside)."""
    if isinstance(node, yaml.MappingNode) and node.flow_style is not True:
        return max(_end_of(n) for pair in node.value for n in pair)
    if isinstance(node, yaml.SequenceNode) and node.flow_style is not True:
        return max(_end_of(n) for n in node.value)
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        return node.end_mark.index - 1  # a block scalar ends at the next line's start
    return node.end_mark.index


def _line_end(text: str, index: int) -> int:
    """The index just past the newline ending the line that holds ``index``."""
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _crlf(text: str) -> bool:
    """Whether every line of ``text`` ends in CR LF: the lines an edit adds must too."""
    return "\r\n" in text and text.count("\n") == text.count("\r\n")


def insert_publications(text: str, entries: list[dict[str, Any]]) -> str:
    """``text`` with ``entries`` added at the end of its ``publications:`` list."""
    if not entries:
        return text
    if _crlf(text):
        return insert_publications(text.replace("\r\n", "\n"), entries).replace("\n", "\r\n")
    top = yaml.compose(text, Loader=_Loader)
    if not isinstance(top, yaml.MappingNode):
        raise CannotInsert("the file is not a mapping of sections")
    found = [(k, v) for k, v in top.value if getattr(k, "value", None) == "publications"]
    if not found:
        body = text if text.endswith("\n") or not text else text + "\n"
        rendered = "".join(render_entry(e, "  - ") for e in entries)
        return f"{body}\npublications:\n{rendered}"
    key, value = found[0]
    if isinstance(value, yaml.SequenceNode) and value.value:
        if value.flow_style:
            raise CannotInsert(
                f"publications (line {key.start_mark.line + 1}) is a flow list [ … ]; "
                "write it as a block list (one '- ' entry per line) to import into it"
            )
        return _append(text, value.value[-1], entries)
    if isinstance(value, yaml.SequenceNode) or value.tag == "tag:yaml.org,2002:null":
        # An empty list (``publications: []`` or nothing): the entries go below the key.
        cut = text[: value.start_mark.index] + text[value.end_mark.index :]
        at = _line_end(cut, key.start_mark.index)
        prefix = " " * (key.start_mark.column + 2) + "- "
        before = cut[:at] if cut[:at].endswith("\n") else cut[:at] + "\n"
        return before + "".join(render_entry(e, prefix) for e in entries) + cut[at:]
    raise CannotInsert(f"publications (line {key.start_mark.line + 1}) is not a list")


def _append(text: str, last: yaml.Node, entries: list[dict[str, Any]]) -> str:
    start = last.start_mark.index
    line_start = text.rfind("\n", 0, start) + 1
    prefix = text[line_start:start]
    if not re.fullmatch(r" *- +", prefix):
        prefix = " " * last.start_mark.column + "- " if "-" not in prefix else prefix
        prefix = re.sub(r"[^ -]", " ", prefix)
    # Entries set apart by blank lines stay so: look at the line before the last entry.
    previous = text[: line_start - 1].rsplit("\n", 1)[-1] if line_start else "x"
    gap = "\n" if previous.strip() == "" and line_start > 1 else ""
    at = _line_end(text, max(_end_of(last) - 1, start))
    before = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
    rendered = "".join(gap + render_entry(e, prefix) for e in entries)
    return before + rendered + text[at:]


_PLAIN_BYLINE = re.compile(r"^[^\W\d_][\w .'’-]*$")


def _byline_text(byline: str) -> str:
    """A byline as a flow-list item: plain where YAML reads it back as the same text."""
    return byline if _PLAIN_BYLINE.match(byline) else json.dumps(byline, ensure_ascii=False)


def add_owner_aliases(text: str, bylines: list[str]) -> str:
    """``text`` with ``bylines`` added to ``person.aliases``, touching nothing else."""
    if not bylines:
        return text
    if _crlf(text):
        return add_owner_aliases(text.replace("\r\n", "\n"), bylines).replace("\n", "\r\n")
    top = yaml.compose(text, Loader=_Loader)
    person = next(
        (v for k, v in getattr(top, "value", ()) if getattr(k, "value", None) == "person"), None
    )
    if not isinstance(person, yaml.MappingNode) or not person.value:
        raise CannotInsert("the file has no person: mapping to add the owner's aliases to")
    items = ", ".join(_byline_text(b) for b in bylines)
    found = [(k, v) for k, v in person.value if getattr(k, "value", None) == "aliases"]
    if not found:
        first_key = person.value[0][0]
        at = _line_end(text, max(_end_of(person) - 1, first_key.start_mark.index))
        before = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
        line = " " * first_key.start_mark.column + f"aliases: [{items}]\n"
        return before + line + text[at:]
    key, value = found[0]
    if isinstance(value, yaml.SequenceNode) and value.flow_style:
        close = text.rindex("]", 0, value.end_mark.index)
        inside = text[value.start_mark.index + 1 : close].strip()
        joined = f", {items}" if inside else items
        return text[:close].rstrip(" ") + joined + text[close:]
    if isinstance(value, yaml.SequenceNode) and value.value:
        last = value.value[-1]
        line_start = text.rfind("\n", 0, last.start_mark.index) + 1
        prefix = text[line_start : last.start_mark.index]
        at = _line_end(text, max(_end_of(last) - 1, last.start_mark.index))
        before = text[:at] if text[:at].endswith("\n") else text[:at] + "\n"
        added = "".join(f"{prefix}{_byline_text(b)}\n" for b in bylines)
        return before + added + text[at:]
    if isinstance(value, yaml.ScalarNode) and value.value and not value.style:
        start, end = value.start_mark.index, value.end_mark.index
        return f"{text[:start]}[{_byline_text(value.value)}, {items}]{text[end:]}"
    raise CannotInsert(f"person.aliases (line {key.start_mark.line + 1}) is not a list")
