"""YAML → model: read CV files into the typed model, reporting every problem (no rdflib)."""

from ldcv.load.files import load_file, load_paths

__all__ = ["load_file", "load_paths"]
