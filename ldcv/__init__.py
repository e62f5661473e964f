"""ldcv: publish a researcher's CV as linked data."""

__version__ = "0.1.0"
