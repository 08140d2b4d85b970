"""`montage preview`: placeholder until the authoring package lands."""

from __future__ import annotations

import typer

from montage.cli.common import Exit, err


def preview() -> None:
    """Not implemented yet."""
    err.print("[red]montage preview is not implemented yet[/]")
    raise typer.Exit(Exit.ERROR)
