"""Run the ``ldcv`` command as ``python -m ldcv``."""

import sys

from ldcv.cli import main

sys.exit(main())
