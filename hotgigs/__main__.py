"""`python -m hotgigs` runs the CLI (used by serve to start worker processes)."""

from hotgigs.cli import main

main()
