"""duanka (断卡): graph analytics for the supply chain behind telecom fraud."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("duanka")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
