"""The identifier schemes a CV may give: the label each carries and the IRI it resolves to.

One table for the mapping (``schema:identifier`` as a ``PropertyValue`` with this
``schema:propertyID``, ``schema:sameAs`` the resolvable IRI) and for the pages (links).
The ``propertyID`` spellings are what readers of the graph (the exporters) look for.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scheme:
    """How one kind of identifier is published."""

    property_id: str  # schema:propertyID: "DOI", "ORCID"
    same_as: str | None  # the resolvable IRI, {id} the bare identifier; None: none
    page: str | None = None  # where a person reads about it, if not at ``same_as``

    def iri(self, value: str) -> str | None:
        """The resolvable IRI of ``value`` (its ``schema:sameAs``), if the scheme has one."""
        return self.same_as.format(id=value) if self.same_as else None

    def link(self, value: str) -> str | None:
        """The page a person follows to read about ``value``."""
        template = self.page or self.same_as
        return template.format(id=value) if template else None


# By the YAML field that gives the identifier. bioRxiv and medRxiv ids are the suffixes of
# their DOIs (prefix 10.1101): the DOI is derived from the id the CV gives, not looked up.
SCHEMES = {
    "doi": Scheme("DOI", "https://doi.org/{id}"),
    "arxiv": Scheme("arXiv", "https://arxiv.org/abs/{id}"),
    "biorxiv": Scheme("bioRxiv", "https://doi.org/10.1101/{id}"),
    "medrxiv": Scheme("medRxiv", "https://doi.org/10.1101/{id}"),
    # An ISBN has no resolver every reader agrees on: the value alone, no schema:sameAs.
    "isbn": Scheme("ISBN", None),
    "orcid": Scheme("ORCID", "https://orcid.org/{id}"),
    "ror": Scheme("ROR", "https://ror.org/{id}"),
    # The concept IRI Wikidata's own RDF uses; people read the item's page.
    "wikidata": Scheme(
        "Wikidata", "http://www.wikidata.org/entity/{id}", "https://www.wikidata.org/wiki/{id}"
    ),
}
BY_PROPERTY_ID = {scheme.property_id: scheme for scheme in SCHEMES.values()}
