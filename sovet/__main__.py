"""``python -m sovet`` runs the command line."""

from sovet.cli import main

main()
