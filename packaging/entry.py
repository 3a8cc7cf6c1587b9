"""The frozen program's entry script: the same ``main`` as the ``kegdash`` console script.

It lives outside the package so PyInstaller does not put ``kegdash/`` itself on the path.
"""

import sys

from kegdash.cli import main

if __name__ == "__main__":
    sys.exit(main())
