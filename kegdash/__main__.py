"""``python -m kegdash`` and the ``kegdash`` console script."""

import sys

from kegdash.cli import main

if __name__ == "__main__":
    sys.exit(main())
