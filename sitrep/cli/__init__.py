"""The application shell: the ``sitrep`` command line, its output formats and ``sitrep demo``.

It sits above the three stages and is the only layer that may import all of them.
"""

from sitrep.cli.main import main

__all__ = ["main"]
