"""``python -m crowdcount`` runs the CLI."""

from crowdcount.cli import main

if __name__ == "__main__":
    main()
