"""`montage preview`: a contact sheet PNG of the plan, or (`--fast`) a quick proxy video."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from montage.authoring.contact import render_contact_sheet
from montage.authoring.proxy import render_proxy
from montage.cli.common import (
    AllowOutsideOption,
    AllowTruncatedOption,
    JsonOption,
    LimitOption,
    PresetsDirOption,
    SetOption,
    err,
    fail,
    load_options,
    print_json,
    progress_bar,
)
from montage.cli.render_cmd import StoryboardArg
from montage.errors import MontageError
from montage.options import LoadOptions


def preview(
    storyboard: StoryboardArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="File to write (default: beside the mp4, NAME.contact.png or NAME.proxy.mp4).",
        ),
    ] = None,
    fast: Annotated[
        bool,
        typer.Option(
            "--fast", help="Render a quick proxy video (1/3 size, 15 fps) instead of a sheet."
        ),
    ] = False,
    guides: Annotated[
        bool, typer.Option("--guides", help="Tint what lies outside the preset's safe zone.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    set_: SetOption = None,
    presets_dir: PresetsDirOption = None,
    allow_outside: AllowOutsideOption = None,
    allow_truncated: AllowTruncatedOption = False,
    limit: LimitOption = None,
    json_: JsonOption = False,
) -> None:
    """Write a contact sheet: every segment at its in, middle and out frames, as rendered,
    with caption, date, counter and timing; or with --fast, a low-resolution proxy mp4."""
    if fast and guides:
        raise typer.BadParameter(
            "--guides draws on the contact sheet; drop --fast", param_hint="--guides"
        )
    options = load_options(set_, presets_dir, allow_outside, allow_truncated, limit)
    if fast:
        _proxy(storyboard, options, output, quiet or json_ or not err.is_terminal, json_)
    else:
        _sheet(storyboard, options, output, guides, json_)


def _sheet(
    storyboard: Path, options: LoadOptions, output: Path | None, guides: bool, json_: bool
) -> None:
    try:
        sheet = render_contact_sheet(storyboard, options, output, guides=guides)
    except MontageError as error:
        fail(error)
    if json_:
        print_json(dataclasses.asdict(sheet) | {"output": str(sheet.output)})
        return
    err.print(
        f"[green]wrote[/] {escape(str(sheet.output))}: {sheet.segments} segments, "
        f"{sheet.duration:.2f} s ({sheet.total_frames} frames), "
        f"{sheet.size[0]}x{sheet.size[1]} px"
    )


def _proxy(
    storyboard: Path, options: LoadOptions, output: Path | None, hidden: bool, json_: bool
) -> None:
    try:
        with progress_bar(hidden) as callback:
            result = render_proxy(storyboard, options, output, progress=callback)
    except MontageError as error:
        fail(error)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]: no proxy was written")
        raise typer.Exit(130) from None
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")
    if json_:
        print_json(dataclasses.asdict(result) | {"output": str(result.output)})
        return
    err.print(
        f"[green]wrote[/] {escape(str(result.output))}: {result.width}x{result.height} at "
        f"{result.fps} fps, {result.duration:.2f} s, in {result.wall_seconds:.1f} s"
    )
