"""Make a whole CV from a JSON Resume v1 document (jsonresume.org/schema).

JSON Resume says less than the CV format in places (a publication has no authors, a
language no code) and more in others (volunteering, references); what has no place in
the CV format is reported as not imported, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ldcv.errors import EXIT_OK, EXIT_USAGE
from ldcv.imports.json_records import not_what_it_claims, read_json
from ldcv.imports.works import checked_orcid
from ldcv.imports.yaml_edit import render_document
from ldcv.load.cv_format import parse_date
from ldcv.load.slugs import slugify

# English language names → BCP 47: JSON Resume names a language, the CV format needs its code.
LANGUAGE_CODES = {
    "arabic": "ar", "bengali": "bn", "bulgarian": "bg", "catalan": "ca", "chinese": "zh",
    "croatian": "hr", "czech": "cs", "danish": "da", "dutch": "nl", "english": "en",
    "estonian": "et", "farsi": "fa", "finnish": "fi", "french": "fr", "german": "de",
    "greek": "el", "hebrew": "he", "hindi": "hi", "hungarian": "hu", "indonesian": "id",
    "italian": "it", "japanese": "ja", "korean": "ko", "latin": "la", "latvian": "lv",
    "lithuanian": "lt", "mandarin": "zh", "norwegian": "no", "persian": "fa", "polish": "pl",
    "portuguese": "pt", "romanian": "ro", "russian": "ru", "serbian": "sr", "slovak": "sk",
    "slovenian": "sl", "spanish": "es", "swahili": "sw", "swedish": "sv", "thai": "th",
    "turkish": "tr", "ukrainian": "uk", "urdu": "ur", "vietnamese": "vi",
}  # fmt: skip
_LEVELS = (
    (re.compile(r"ph\.?\s*d|doctor|dr\.", re.I), "doctoral"),
    (re.compile(r"master|m\.?\s*sc|\bm\.?a\b|\bmba\b|m\.?eng", re.I), "master"),
    (re.compile(r"bachelor|b\.?\s*sc|\bb\.?a\b|b\.?eng", re.I), "bachelor"),
    (re.compile(r"high school|abitur|a-levels|secondary", re.I), "secondary"),
)
# Sections the CV format has no place for.
_NOT_IMPORTED = {
    "volunteer": "the CV format has no section for volunteering",
    "certificates": "the CV format has no section for certificates",
    "interests": "the CV format has no section for interests",
    "references": "references stay off a published CV",
    "publications": "JSON Resume gives no authors; import them with `ldcv import bibtex`",
}


@dataclass
class ResumeCV:
    """The CV made from a résumé, and what of the résumé it leaves out."""

    cv: dict[str, Any]
    not_imported: list[str] = field(default_factory=list)

    def yaml_text(self, source: Path) -> str:
        """The CV as a YAML file, with a header saying where it came from."""
        return f"# Made by `ldcv import jsonresume` from {source.name}.\n" + render_document(
            self.cv
        )


def _text(node: Any, name: str) -> str | None:
    value = node.get(name) if isinstance(node, dict) else None
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _date(node: dict[str, Any], name: str) -> str | None:
    text = _text(node, name)
    date = parse_date(text) if text else None
    return date.isoformat() if date else None


def _list(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = data.get(name) or []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def read_resume(path: Path) -> ResumeCV:
    """Read a JSON Resume into a CV; raise ``InputError`` if it is not one."""
    data = read_json(path, "a JSON Resume")
    if not isinstance(data, dict) or not isinstance(data.get("basics"), dict):
        raise not_what_it_claims(path, "basics", "not a JSON Resume: no 'basics' object")
    basics = data["basics"]
    name = _text(basics, "name")
    if not name or " " not in name:
        raise not_what_it_claims(
            path, "basics.name", "a CV needs the owner's given and family name: 'Ada Lovelace'"
        )
    made = ResumeCV(dict())
    made.cv["person"] = _person(basics, name, made)
    organizations: dict[str, dict[str, Any]] = {}
    work = _list(data, "work")
    sections = {
        "positions": [_position(w, i, organizations, made) for i, w in enumerate(work)],
        "education": [
            _education(e, i, organizations, made) for i, e in enumerate(_list(data, "education"))
        ],
        "skills": [_skill(s) for s in _list(data, "skills")],
        "languages": [_language(g, i, made) for i, g in enumerate(_list(data, "languages"))],
        "awards": [_award(a, i, made) for i, a in enumerate(_list(data, "awards"))],
        "projects": [_project(p) for p in _list(data, "projects")],
    }  # fmt: skip
    if organizations:
        made.cv["organizations"] = list(organizations.values())
    for section, entries in sections.items():
        kept = [e for e in entries if e]
        if kept:
            made.cv[section] = kept
    for section, why in _NOT_IMPORTED.items():
        if _list(data, section):
            made.not_imported.append(f"{section} ({len(_list(data, section))}): {why}")
    return made


def _person(basics: dict[str, Any], name: str, made: ResumeCV) -> dict[str, Any]:
    given, _, family = name.rpartition(" ")
    person = dict(name=name, given_name=given, family_name=family)
    for target, source in (("email", "email"), ("telephone", "phone"), ("homepage", "url")):
        if _text(basics, source):
            person[target] = _text(basics, source)
    location = basics.get("location")
    if isinstance(location, dict):
        address = dict()
        for target, source in (
            ("street", "address"),
            ("postal_code", "postalCode"),
            ("locality", "city"),
            ("region", "region"),
            ("country", "countryCode"),
        ):
            if _text(location, source):
                address[target] = _text(location, source)
        if address:
            person["address"] = address
    profiles = []
    for profile in _list(basics, "profiles"):
        if _text(profile, "network"):
            entry = dict(site=_text(profile, "network"))
            for part in ("url", "username"):
                if _text(profile, part):
                    entry[part] = _text(profile, part)
            profiles.append(entry)
            # An ORCID profile gives the owner's iD: what places them in imported bylines.
            orcid = checked_orcid(_text(profile, "url") or _text(profile, "username"))
            if orcid and (_text(profile, "network") or "").casefold() == "orcid":
                person["orcid"] = orcid
    if profiles:
        person["profiles"] = profiles
    if _text(basics, "summary"):
        person["bio"] = _text(basics, "summary")
    if _text(basics, "label"):
        made.not_imported.append(f"basics.label ('{_text(basics, 'label')}'): no such CV field")
    return person


def _organization(
    name: str, url: str | None, kind: str, organizations: dict[str, dict[str, Any]]
) -> str:
    key = slugify(name)
    if key not in organizations:
        organizations[key] = dict(key=key, name=name)
        if kind != "organization":
            organizations[key]["kind"] = kind
        if url:
            organizations[key]["url"] = url
    return key


def _position(
    work: dict[str, Any], index: int, organizations: dict[str, dict[str, Any]], made: ResumeCV
) -> dict[str, Any] | None:
    name, title, start = _text(work, "name"), _text(work, "position"), _date(work, "startDate")
    if not (name and title and start):
        made.not_imported.append(f"work[{index}]: a position needs name, position and startDate")
        return None
    organization = _organization(name, _text(work, "url"), "organization", organizations)
    position = dict(title=title, organization=organization, start=start)
    if _date(work, "endDate"):
        position["end"] = _date(work, "endDate")
    if _text(work, "summary"):
        position["description"] = [_text(work, "summary")]
    highlights = [h for h in work.get("highlights") or [] if isinstance(h, str) and h.strip()]
    if highlights:
        position["tasks"] = highlights
    return position


def _education(
    study: dict[str, Any], index: int, organizations: dict[str, dict[str, Any]], made: ResumeCV
) -> dict[str, Any] | None:
    institution, start = _text(study, "institution"), _date(study, "startDate")
    kind, area = _text(study, "studyType"), _text(study, "area")
    degree = f"{kind} in {area}" if kind and area else kind or area
    if not (institution and start and degree):
        made.not_imported.append(
            f"education[{index}]: a degree needs institution, studyType or area, and startDate"
        )
        return None
    organization = _organization(institution, _text(study, "url"), "university", organizations)
    entry = dict(degree=degree, organization=organization, start=start)
    if _date(study, "endDate"):
        entry["end"] = _date(study, "endDate")
    level = next((lvl for pattern, lvl in _LEVELS if kind and pattern.search(kind)), None)
    if level:
        entry["category"] = "certificate" if level == "secondary" else "degree"
        entry["level"] = level
    if area:
        entry["field_of_study"] = area
    if _text(study, "score"):
        entry["grade"] = _text(study, "score")
    if study.get("courses"):
        made.not_imported.append(f"education[{index}].courses: no such CV field")
    return entry


def _skill(skill: dict[str, Any]) -> dict[str, Any] | None:
    if not _text(skill, "name"):
        return None
    entry = dict(category=_text(skill, "name"))
    keywords = [k for k in skill.get("keywords") or [] if isinstance(k, str) and k.strip()]
    if _text(skill, "level"):
        entry["summary"] = _text(skill, "level")
    if keywords:
        entry["items"] = keywords
    return entry


def _language(language: dict[str, Any], index: int, made: ResumeCV) -> dict[str, Any] | None:
    name, level = _text(language, "language"), _text(language, "fluency")
    code = LANGUAGE_CODES.get((name or "").casefold())
    if not (name and level and code):
        why = f"no BCP 47 code known for '{name}'" if name and level else "needs language, fluency"
        made.not_imported.append(f"languages[{index}]: {why}; add it by hand")
        return None
    return dict(name=name, code=code, level=level)


def _award(award: dict[str, Any], index: int, made: ResumeCV) -> dict[str, Any] | None:
    title, date = _text(award, "title"), _date(award, "date")
    if not (title and date):
        made.not_imported.append(f"awards[{index}]: an award needs title and date")
        return None
    entry = dict(name=title, year=date)
    if _text(award, "awarder"):
        entry["awarded_by"] = _text(award, "awarder")
    if _text(award, "summary"):
        entry["description"] = _text(award, "summary")
    return entry


def _project(project: dict[str, Any]) -> dict[str, Any] | None:
    if not _text(project, "name"):
        return None
    entry = dict(name=_text(project, "name"))
    for target, value in (
        ("description", _text(project, "description")),
        ("start", _date(project, "startDate")),
        ("end", _date(project, "endDate")),
        ("url", _text(project, "url")),
    ):
        if value:
            entry[target] = value
    return entry


def run_jsonresume(
    source: Path, into: Path | None, dry_run: bool, base_uri: str, out: TextIO, err: TextIO
) -> int:
    """Make a CV from ``source``; check it; print it, or write it to the new file ``into``."""
    import difflib
    import tempfile

    from ldcv.imports.merge import Folder, beside, check, load_folder, write_atomically

    if into is not None and into.exists():
        print(f"error: {into} exists; a JSON Resume makes a whole new CV file", file=err)
        return EXIT_USAGE
    made = read_resume(source)
    text = made.yaml_text(source)
    if into is None:
        with tempfile.TemporaryDirectory() as folder:
            alone = Path(folder) / "cv.yaml"
            with beside(alone, text) as temporary:
                label = f"(the CV from {source})"
                warnings = check(Folder(alone), temporary, base_uri, label)
    else:
        with beside(into, text) as temporary:
            warnings = check(load_folder(into), temporary, base_uri)
    for line in made.not_imported:
        print(f"not imported: {source}: {line}", file=err)
    for warning in warnings:
        print(f"warning: {warning}", file=err)
    if into is None:
        out.write(text)
    elif dry_run:
        out.write("".join(difflib.unified_diff([], text.splitlines(True), "/dev/null", str(into))))
    else:
        write_atomically(into, text)
    print(
        f"{'would make' if dry_run else 'made'} a CV of {made.cv['person']['name']} "
        f"({', '.join(k for k in made.cv if k != 'person') or 'no sections'}) "
        f"{'in ' + str(into) if into else 'on stdout'}",
        file=err,
    )
    return EXIT_OK
