"""`python -m montage` runs the CLI."""

from montage.cli import main

if __name__ == "__main__":
    main()
