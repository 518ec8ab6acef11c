"""``python -m sitrep``: the same command line as ``sitrep``."""

from sitrep.cli import main

main()
