"""`python -m montage` runs the CLI."""

from montage.cli import main

main()
