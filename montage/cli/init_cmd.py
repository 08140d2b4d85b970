"""`montage init`: placeholder until the authoring package lands."""

from __future__ import annotations

import typer

from montage.cli.common import Exit, err


def init() -> None:
    """Not implemented yet."""
    err.print("[red]montage init is not implemented yet[/]")
    raise typer.Exit(Exit.ERROR)
