"""`montage validate`: check storyboards and report every problem at once.

It loads and plans exactly as `render` does (every clip is probed, limits are checked),
so a storyboard that validates renders. For a valid one it prints the montage's length
and each clip's date with where it came from (`storyboard`, `quicktime`,
`creation_time`, `exif`, `filename`, `mtime (guess)`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from montage.authoring.clipdates import ClipDate, clip_dates
from montage.authoring.scan import source_name
from montage.cli.common import (
    AllowOutsideOption,
    AllowTruncatedOption,
    Exit,
    JsonOption,
    LimitOption,
    PresetsDirOption,
    SetOption,
    exit_code_for,
    load_options,
    out,
    print_error,
    print_json,
)
from montage.errors import MontageError
from montage.media.probe import probe
from montage.pipeline import load, plan_loaded
from montage.storyboard.load import LoadedStoryboard
from montage.timecode import format_clock
from montage.timeline import Timeline


def validate(
    files: Annotated[list[Path], typer.Argument(help="Storyboard files to check.")],
    set_: SetOption = None,
    presets_dir: PresetsDirOption = None,
    allow_outside: AllowOutsideOption = None,
    allow_truncated: AllowTruncatedOption = False,
    limit: LimitOption = None,
    json_: JsonOption = False,
) -> None:
    """Check storyboards and their media as `render` would; print every problem with
    file:line:col, or a one-line summary with the montage's length."""
    options = load_options(set_, presets_dir, allow_outside, allow_truncated, limit)
    results: list[dict[str, Any]] = []
    codes: list[Exit] = []
    for file in files:
        try:
            loaded = load(file, options)
            timeline = plan_loaded(loaded, options)  # probes every clip, as render does
            dates = clip_dates(loaded, probe)
        except MontageError as error:
            results.append(
                {"file": str(file), "ok": False, "problems": [p.to_dict() for p in error.problems]}
            )
            codes.append(exit_code_for(error))
            if not json_:
                print_error(error)
            continue
        facts = summarize(loaded, timeline) | {"dates": [d.to_dict() for d in dates]}
        results.append({"file": str(file), "ok": True, **facts})
        if not json_:
            out.print(f"[green]OK[/] {escape(str(file))}: {escape(describe(facts))}")
            print_dates(dates)
    if json_:
        print_json(results)
    raise typer.Exit(max(codes, default=Exit.OK))


def summarize(loaded: LoadedStoryboard, timeline: Timeline) -> dict[str, Any]:
    """Facts about a valid storyboard for `--json`."""
    board = loaded.storyboard
    return {
        "clips": len(board.clips),
        "duration": round(timeline.duration, 3),
        "frames": timeline.total_frames,
        "presets": board.preset,
        "canvas": f"{board.output.width}x{board.output.height}@{board.output.fps}",
        "output": str(loaded.output_path()),
        "warnings": list(timeline.warnings),
    }


def describe(facts: dict[str, Any]) -> str:
    """One human line about a valid storyboard."""
    presets = "+".join(facts["presets"]) or "defaults"
    clips = f"{facts['clips']} clip{'s' if facts['clips'] != 1 else ''}"
    length = format_clock(facts["duration"])
    return f"{clips}, {length}, {facts['canvas']} ({presets}) -> {facts['output']}"


def print_dates(dates: list[ClipDate]) -> None:
    """One line per clip: the file, its date, and where the date came from."""
    width = max(len(d.path) for d in dates)
    for d in dates:
        source = source_name(d.source, d.guess)
        colour = "yellow" if d.guess else "dim"
        out.print(
            f"  {escape(d.path):<{width}}  {d.date:%Y-%m-%d %H:%M}  [{colour}]{escape(source)}[/]"
        )
