"""`montage validate`: check storyboards and report every problem at once.

For a valid storyboard it also lists each clip's date and where the date came from
(`storyboard`, `quicktime`, `creation_time`, `exif`, `filename`, `mtime (guess)`).
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
    Exit,
    JsonOption,
    PresetsDirOption,
    SetOption,
    out,
    print_error,
    print_json,
)
from montage.errors import MontageError
from montage.media.probe import probe
from montage.storyboard.load import LoadedStoryboard, load_storyboard


def validate(
    files: Annotated[list[Path], typer.Argument(help="Storyboard files to check.")],
    set_: SetOption = None,
    presets_dir: PresetsDirOption = None,
    allow_outside: AllowOutsideOption = None,
    json_: JsonOption = False,
) -> None:
    """Check storyboards; print every problem with file:line:col, or a one-line summary."""
    results: list[dict[str, Any]] = []
    for file in files:
        try:
            loaded = load_storyboard(
                file,
                overrides=tuple(set_ or ()),
                presets_dirs=tuple(presets_dir or ()),
                allow_outside=tuple(allow_outside or ()),
            )
            dates = clip_dates(loaded, probe)
        except MontageError as error:
            results.append(
                {"file": str(file), "ok": False, "problems": [p.to_dict() for p in error.problems]}
            )
            if not json_:
                print_error(error)
            continue
        facts = summarize(loaded) | {"dates": [d.to_dict() for d in dates]}
        results.append({"file": str(file), "ok": True, **facts})
        if not json_:
            out.print(f"[green]OK[/] {escape(str(file))}: {escape(describe(loaded))}")
            print_dates(dates)
    if json_:
        print_json(results)
    raise typer.Exit(Exit.OK if all(r["ok"] for r in results) else Exit.INVALID)


def summarize(loaded: LoadedStoryboard) -> dict[str, Any]:
    """Facts about a valid storyboard for `--json`."""
    board = loaded.storyboard
    return {
        "clips": len(board.clips),
        "presets": board.preset,
        "canvas": f"{board.output.width}x{board.output.height}@{board.output.fps}",
        "output": str(loaded.output_path()),
    }


def describe(loaded: LoadedStoryboard) -> str:
    """One human line about a valid storyboard."""
    facts = summarize(loaded)
    presets = "+".join(facts["presets"]) or "defaults"
    return f"{facts['clips']} clips, {facts['canvas']} ({presets}) -> {facts['output']}"


def print_dates(dates: list[ClipDate]) -> None:
    """One line per clip: the file, its date, and where the date came from."""
    width = max(len(d.path) for d in dates)
    for d in dates:
        source = source_name(d.source, d.guess)
        colour = "yellow" if d.guess else "dim"
        out.print(
            f"  {escape(d.path):<{width}}  {d.date:%Y-%m-%d %H:%M}  [{colour}]{escape(source)}[/]"
        )
