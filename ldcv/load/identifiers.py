"""Check and normalise the identifiers a CV may give: DOI, ISBN, preprint ids, ORCID, ROR, Wikidata.

Each reader takes the text as written and returns the identifier in its one stored
form (the bare id, without the resolver's address), or raises ``ValueError`` with what
is wrong and what to write instead. The resolver prefixes people copy from a browser
(``https://doi.org/``, ``https://orcid.org/``, ``https://ror.org/`` …) are accepted and
removed; check digits are verified where the scheme has them (ISBN, ORCID, ROR).
"""

from __future__ import annotations

import calendar
import re
from urllib.parse import urlsplit

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_ISBN_PREFIX = re.compile(r"^ISBN(?:-1[03])?:?\s*", re.IGNORECASE)
_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# New-style arXiv ids (April 2007 on): YYMM.NNNN to 2014, YYMM.NNNNN from 2015.
_ARXIV_NEW = re.compile(r"^(\d{2})(\d{2})\.(\d{4,5})(v[1-9]\d*)?$")
# Old-style ids (to March 2007): archive, optional subject class, then YYMMNNN.
_ARXIV_OLD = re.compile(r"^[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}(v[1-9]\d*)?$")
_ARXIV_PREFIXES = re.compile(r"^(?:https?://(?:www\.)?arxiv\.org/abs/|arxiv:\s*)", re.IGNORECASE)
# bioRxiv and medRxiv ids are the suffixes of their DOIs (prefix 10.1101): YYYY.MM.DD.N
# since December 2019, six digits before.
_RXIV_DATED = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})\.(\d{6,8})$")
_RXIV_NUMBERED = re.compile(r"^\d{6}$")
_RXIV_PREFIXES = re.compile(
    r"^(?:(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?10\.1101/)", re.IGNORECASE
)
_ORCID = re.compile(r"^(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$")
_ORCID_PREFIXES = re.compile(r"^(?:https?://(?:www\.)?orcid\.org/)", re.IGNORECASE)
# Crockford's base 32 without i, l, o and u; a leading 0, six characters, two check digits.
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_ROR = re.compile(r"^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$")
_ROR_PREFIXES = re.compile(r"^(?:https?://(?:www\.)?ror\.org/)", re.IGNORECASE)
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_WIKIDATA_PREFIXES = re.compile(
    r"^(?:https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/)", re.IGNORECASE
)


def doi(text: str) -> str:
    """Return the DOI ``10.NNNN/suffix``, without a resolver prefix; its case as written."""
    bare = _DOI_PREFIXES.sub("", text.strip())
    if not _DOI.match(bare):
        raise ValueError(
            f"'{text}' is not a DOI; write 10.NNNN/suffix, e.g. '10.1371/journal.pone.0130140'"
        )
    return bare


def doi_mark(value: str) -> str:
    """What makes two DOIs one: DOIs are case-insensitive."""
    return value.casefold()


def isbn(text: str) -> str:
    """Return an ISBN-10 or ISBN-13 as its digits (and a final X), its check digit verified."""
    digits = re.sub(r"[\s-]", "", _ISBN_PREFIX.sub("", text.strip())).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        expected = _isbn10_check(digits[:9])
    elif re.fullmatch(r"97[89]\d{10}", digits):
        expected = _isbn13_check(digits[:12])
    else:
        raise ValueError(
            f"'{text}' is not an ISBN; write the 13 digits of an ISBN-13 (978 or 979 first) "
            "or the 10 of an ISBN-10, hyphens allowed, e.g. '978-3-030-28954-6'"
        )
    if digits[-1] != expected:
        raise ValueError(
            f"'{text}' is not an ISBN: its check digit is {digits[-1]}, but the digits "
            f"before it need {expected}; check for a typo"
        )
    return digits


def _isbn10_check(first9: str) -> str:
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _isbn13_check(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def arxiv(text: str) -> str:
    """Return an arXiv id, new style (``2109.04236``) or old (``hep-th/9901001``), version kept."""
    bare = _ARXIV_PREFIXES.sub("", text.strip())
    new = _ARXIV_NEW.match(bare)
    if new:
        year, month, number = int(new[1]), int(new[2]), new[3]
        if 1 <= month <= 12 and (year, month) >= (7, 4) and len(number) == (5 if year >= 15 else 4):
            return bare
    old = _ARXIV_OLD.match(bare)
    if old and 1 <= int(old[2]) <= 12 and (int(old[1]) >= 91 or int(old[1]) <= 7):
        return bare
    raise ValueError(
        f"'{text}' is not an arXiv identifier; write YYMM.NNNNN (YYMM.NNNN before 2015), "
        "e.g. '2109.04236', or archive/YYMMNNN before April 2007, e.g. 'hep-th/9901001'; "
        "a version may follow ('v2')"
    )


def arxiv_mark(value: str) -> str:
    """What makes two arXiv ids one work: the id without its version."""
    return re.sub(r"v[1-9]\d*$", "", value)


def rxiv(text: str) -> str:
    """Return a bioRxiv or medRxiv id, the suffix of its 10.1101 DOI: ``2021.06.25.449906``."""
    bare = _RXIV_PREFIXES.sub("", text.strip())
    dated = _RXIV_DATED.match(bare)
    if dated:
        year, month, day = (int(g) for g in dated.groups()[:3])
        if year >= 2013 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
            return bare
    elif _RXIV_NUMBERED.match(bare):
        return bare
    raise ValueError(
        f"'{text}' is not a bioRxiv or medRxiv identifier; write the part of its DOI after "
        "10.1101/, YYYY.MM.DD.NNNNNN (e.g. '2021.06.25.449906') or six digits before "
        "December 2019, without a version"
    )


def orcid(text: str) -> str:
    """Return an ORCID iD ``0000-0002-1825-0097``, its ISO 7064 MOD 11-2 check digit verified."""
    bare = _ORCID_PREFIXES.sub("", text.strip()).upper()
    match = _ORCID.match(bare)
    if not match:
        raise ValueError(
            f"'{text}' is not an ORCID iD; write four groups of four digits (the last may end "
            "in X), e.g. '0000-0002-1825-0097' or 'https://orcid.org/0000-0002-1825-0097'"
        )
    digits = bare.replace("-", "")
    expected = orcid_check_digit(digits[:15])
    if digits[15] != expected:
        raise ValueError(
            f"'{text}' is not an ORCID iD: its check digit is {digits[15]}, but the digits "
            f"before it need {expected}; check for a typo"
        )
    return bare


def orcid_check_digit(first15: str) -> str:
    """The ISO 7064 MOD 11-2 check character of an ORCID iD's first 15 digits."""
    total = 0
    for digit in first15:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def ror(text: str) -> str:
    """Return a ROR id ``02jbv0t02``, its two check digits verified."""
    bare = _ROR_PREFIXES.sub("", text.strip()).lower()
    if not _ROR.match(bare):
        raise ValueError(
            f"'{text}' is not a ROR id; write 0, six letters or digits (no i, l, o or u) "
            "and two digits, e.g. '02jbv0t02' or 'https://ror.org/02jbv0t02'"
        )
    expected = ror_check_digits(bare[1:7])
    if bare[7:] != expected:
        raise ValueError(
            f"'{text}' is not a ROR id: it ends in {bare[7:]}, but the characters before "
            f"need {expected}; check for a typo"
        )
    return bare


def ror_check_digits(body: str) -> str:
    """ROR's check digits: ISO 7064 MOD 97-10 of the id's six base-32 characters."""
    number = 0
    for char in body:
        number = number * 32 + _CROCKFORD.index(char)
    return f"{98 - number * 100 % 97:02d}"


def wikidata(text: str) -> str:
    """Return a Wikidata item id ``Q42``."""
    bare = _WIKIDATA_PREFIXES.sub("", text.strip())
    if not _WIKIDATA.match(bare):
        raise ValueError(
            f"'{text}' is not a Wikidata item; write Q and its number, e.g. 'Q42' or "
            "'http://www.wikidata.org/entity/Q42'"
        )
    return bare


def web_url(text: str) -> str:
    """Return an absolute http(s) URL with a host, as written."""
    value = text.strip()
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.hostname and not re.search(r"\s", value):
        return value
    raise ValueError(f"'{text}' is not a URL (an absolute http:// or https:// address)")
