"""kegdash: taps, kegs, hives and recipes on one screen, with three HTTP APIs for the network."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kegdash")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
