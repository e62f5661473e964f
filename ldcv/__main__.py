"""Run the ``ldcv`` command as ``python -m ldcv``."""

from ldcv.cli import run

run()
