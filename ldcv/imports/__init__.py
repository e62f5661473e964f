"""Bibliographies and résumés in: read BibTeX, RIS, CSL-JSON, ORCID and JSON Resume into the YAML.

Each reader turns one format into ``ImportedWork`` records (or, for JSON Resume, a whole
CV); ``merge`` places their authors among the people the dataset knows, skips the works
already there, inserts the rest into the CV's YAML without touching another byte, and
checks the result with the project's own loader and shapes before anything is written.
"""
