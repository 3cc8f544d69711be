"""The ``ivr`` command line: one module per command, wired up in ``main``."""
