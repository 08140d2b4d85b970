"""`montage doctor`: placeholder until the authoring package lands."""

from __future__ import annotations

import typer

from montage.cli.common import Exit, err


def doctor() -> None:
    """Not implemented yet."""
    err.print("[red]montage doctor is not implemented yet[/]")
    raise typer.Exit(Exit.ERROR)
