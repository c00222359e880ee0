"""Circulair: an open platform to run a regional circular-economy transition."""

__version__ = "0.1.0"
