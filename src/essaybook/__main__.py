"""``python -m essaybook``: see :mod:`essaybook.cli`."""

import sys

from .cli import main

sys.exit(main())
