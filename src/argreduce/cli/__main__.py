"""``python -m argreduce.cli``: the same command as the ``argreduce`` script."""

import sys

from . import main

sys.exit(main())
