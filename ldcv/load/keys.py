"""Give each entry of a section its key, written or derived from its content, once."""

from __future__ import annotations

from ldcv.load.fields import Entry, FileReport
from ldcv.load.slugs import slugify


class SectionKeys:
    """The keys of one section, each claimed once; reports a second claim."""

    def __init__(self, f: FileReport, what: str) -> None:
        self.f = f
        self.what = what
        self.first: dict[str, Entry] = {}

    def claim(self, entry: Entry, derived: str | None, derived_from: str) -> str | None:
        """Return the entry's key, given or derived, or None once the reason is reported.

        ``derived`` is None when what it derives from is missing (already reported),
        and empty when that text has nothing to make a slug of.
        """
        key = entry.get("key")
        if key is None:
            if "key" in entry.invalid or derived is None:
                return None
            if not derived:
                line, path = entry.where("key")
                self.f.problem(line, path, f"cannot derive a key from {derived_from}; add key:")
                return None
            key = derived
        earlier = self.first.get(key)
        if earlier is not None:
            if entry.get("key"):
                line, path, how = *entry.where("key"), ""
            else:
                line, path = entry.line, entry.path
                how = f" (derived from {derived_from}; give one of them a key:)"
            self.f.problem(
                line,
                path,
                f"duplicate {self.what} key '{key}'{how}: {earlier.path} on line "
                f"{earlier.line} has it too",
            )
            return None
        self.first[key] = entry
        return key


def derive_key(*parts: str | None) -> str | None:
    """Slugify the parts joined; None if one is missing."""
    if any(p is None for p in parts):
        return None
    return slugify(" ".join(p for p in parts if p))
