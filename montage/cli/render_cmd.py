"""`montage render` and `montage still`: plan, then encode the mp4 or one PNG frame."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated

import typer

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
    out,
    print_json,
    progress_bar,
)
from montage.cli.plan_table import plan_table
from montage.errors import MontageError
from montage.pipeline import check_output, load, plan_loaded
from montage.render import render_still, render_timeline
from montage.timecode import parse_seconds

StoryboardArg = Annotated[Path, typer.Argument(help="The storyboard YAML file.")]


def render(
    storyboard: StoryboardArg,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output mp4.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan, render nothing.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    set_: SetOption = None,
    presets_dir: PresetsDirOption = None,
    allow_outside: AllowOutsideOption = None,
    allow_truncated: AllowTruncatedOption = False,
    limit: LimitOption = None,
    json_: JsonOption = False,
) -> None:
    """Render a storyboard to an mp4 (H.264/AAC, written atomically)."""
    options = load_options(set_, presets_dir, allow_outside, allow_truncated, limit)
    try:
        loaded = load(storyboard, options)
        timeline = plan_loaded(loaded, options)
        target = output or loaded.output_path()
        check_output(loaded, target, flag="-o" if output else "")
    except MontageError as error:
        fail(error)
    if dry_run:
        if json_:
            print_json({"output": str(target), **timeline.to_dict()})
        else:
            out.print(plan_table(timeline, loaded.source.parent))
        return
    for warning in timeline.warnings:
        err.print(f"[yellow]warning:[/] {warning}")
    try:
        with progress_bar(quiet or json_ or not err.is_terminal) as callback:
            result = render_timeline(timeline, target, progress=callback)
    except MontageError as error:
        fail(error)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]: nothing was written to " + str(target))
        raise typer.Exit(130) from None
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/] {warning}")
    if json_:
        print_json(dataclasses.asdict(result) | {"output": str(result.output)})
    else:
        speed = result.duration / result.wall_seconds if result.wall_seconds else 0
        err.print(
            f"[green]wrote[/] {result.output} ({result.duration:.2f} s, "
            f"{result.frames} frames, {result.bytes / 1e6:.1f} MB) in "
            f"{result.wall_seconds:.1f} s ({speed:.2f}x realtime)"
        )


def still(
    storyboard: StoryboardArg,
    at: Annotated[str, typer.Option("--at", help="Time in the montage: 12.5 or 0:12.5.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="PNG to write.")] = Path(
        "frame.png"
    ),
    set_: SetOption = None,
    presets_dir: PresetsDirOption = None,
    allow_outside: AllowOutsideOption = None,
    allow_truncated: AllowTruncatedOption = False,
) -> None:
    """Render the single frame shown at --at to a PNG, without encoding."""
    try:
        seconds = parse_seconds(at)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--at") from None
    try:
        options = load_options(set_, presets_dir, allow_outside, allow_truncated)
        loaded = load(storyboard, options)
        timeline = plan_loaded(loaded, options)
        written = render_still(timeline, seconds, output)
    except MontageError as error:
        fail(error)
    if seconds > timeline.duration:
        err.print(
            f"[yellow]warning:[/] {seconds:g}s is past the end ({timeline.duration:.2f}s); "
            "showing the last frame"
        )
    sys.stderr.write(f"wrote {written}\n")
