"""The identifiers a person, organisation or work carries (ORCID, ROR, DOI …), as page links."""

from __future__ import annotations

from dataclasses import dataclass

from ldcv.pages.view import Node
from ldcv.rdf.identifiers import BY_PROPERTY_ID, SCHEMES

# The order the pages list them in: the one table's.
_ORDER = {scheme.property_id: index for index, scheme in enumerate(SCHEMES.values())}


@dataclass(frozen=True)
class IdentifierLink:
    """One identifier as a page shows it (``ORCID 0000-0002-1825-0097``), linked if it resolves."""

    scheme: str  # schema:propertyID: "ORCID"
    value: str
    url: str | None  # the page about it; None: shown as text (an ISBN)
    same_as: str | None  # its schema:sameAs, which the page need not list again


def identifier_links(node: Node) -> list[IdentifierLink]:
    """The identifiers of the schemes we know that ``node`` carries, in the table's order."""
    found = []
    for identifier in node.all("identifier"):
        if not isinstance(identifier, Node):
            continue
        scheme = BY_PROPERTY_ID.get(str(identifier.get("propertyID") or ""))
        value = identifier.get("value")
        if scheme is None or value is None:
            continue
        value = str(value)
        found.append(
            IdentifierLink(scheme.property_id, value, scheme.link(value), scheme.iri(value))
        )
    return sorted(found, key=lambda link: (_ORDER[link.scheme], link.value))
