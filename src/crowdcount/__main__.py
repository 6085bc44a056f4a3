"""``python -m crowdcount`` runs the CLI."""

from crowdcount.cli import main

main()
