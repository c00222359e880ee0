"""The ``circulair`` command line: commands parse, call services, print."""
