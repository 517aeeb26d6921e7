"""``python -m newsdedup.cli``: the ``newsdedup`` command."""

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
