"""``python -m scraper`` runs the command line."""

from scraper.cli import main

if __name__ == "__main__":
    main()
