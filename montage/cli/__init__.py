"""The `montage` command line. The only place that prints and chooses exit codes."""

from __future__ import annotations

from montage.cli.app import app


def main() -> None:
    """Entry point of the `montage` console script."""
    app()


__all__ = ["app", "main"]
