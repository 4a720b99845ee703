"""``python -m argreduce``: the command line, the same as the ``argreduce`` script."""

import sys

from .cli import main

sys.exit(main())
