"""The HTTP side: one Bottle app per API dialect on a root app, served from a thread (runner.py)."""
