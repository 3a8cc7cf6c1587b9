"""The HTTP side: one Bottle app per API dialect on a root app, served by waitress in a thread."""
