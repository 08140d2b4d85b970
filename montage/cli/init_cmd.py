"""`montage init FOLDER`: a storyboard for a folder of clips, dated from their metadata."""

from __future__ import annotations

import sys
from datetime import tzinfo
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from montage.authoring.init import InitResult, init_storyboard, write_storyboard
from montage.authoring.scan import ScannedClip, source_name
from montage.cli.common import Exit, JsonOption, err, fail, print_error, print_json
from montage.errors import MontageError
from montage.pipeline import LoadOptions, load
from montage.zones import parse_zone

FolderArg = Annotated[
    Path,
    typer.Argument(
        help="Folder of videos and photos.", exists=True, file_okay=False, resolve_path=False
    ),
]


def init(
    folder: FolderArg,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Storyboard to write (default: FOLDER/storyboard.yaml)."
        ),
    ] = None,
    preset: Annotated[str, typer.Option("--preset", help="Preset for a new storyboard.")] = "reel",
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            help="Where the clips were filmed (+01:00 or Europe/Berlin), for dates stored in "
            "UTC (default: the clips' own offset, else this computer's zone).",
        ),
    ] = None,
    recursive: Annotated[
        bool, typer.Option("--recursive", "-r", help="Look in subfolders.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the storyboard, write nothing.")
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Write a storyboard for FOLDER, one entry per clip sorted by date; run it again to add
    only new clips (your edits and comments are kept)."""
    try:
        zone = _zone(tz)
        result = init_storyboard(folder, output, preset=preset, zone=zone, recursive=recursive)
        if not dry_run:
            write_storyboard(result)
    except MontageError as error:
        fail(error)
    if dry_run:
        sys.stdout.write(result.text)  # verbatim: no rich markup or :emoji: codes
    elif json_:
        print_json(_report(result))
    else:
        _print_report(result)
    if result.changed and not dry_run:
        _check_written(result.storyboard, folder)


def _zone(text: str | None) -> tzinfo | None:
    if text is None:
        return None
    try:
        return parse_zone(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--tz") from None


def _report(result: InitResult) -> dict[str, Any]:
    return {
        "storyboard": str(result.storyboard),
        "created": result.created,
        "written": result.changed,
        "added": [_clip_facts(c) for c in result.added],
        "kept": result.kept,
        "missing": list(result.missing),
        "skipped": [{"path": str(p), "reason": why} for p, why in result.skipped],
        "time_zone": result.zone_name,
        "notes": list(result.notes),
    }


def _clip_facts(clip: ScannedClip) -> dict[str, Any]:
    return {
        "path": str(clip.path),
        "date": clip.date.isoformat(timespec="minutes"),
        "source": clip.finding.source,
        "guess": clip.guess,
        "kind": clip.info.kind,
    }


def _print_report(result: InitResult) -> None:
    name = escape(str(result.storyboard))
    if result.created:
        first, last = result.added[0].date, result.added[-1].date
        err.print(
            f"[green]wrote[/] {name}: {len(result.added)} clips, "
            f"{first:%Y-%m-%d} to {last:%Y-%m-%d} (local times: {escape(result.zone_name)})"
        )
    elif result.added:
        err.print(
            f"[green]added[/] {len(result.added)} new clips to {name} "
            f"({result.kept} already listed)"
        )
    else:
        err.print(f"{name} is up to date: no new clips ({result.kept} listed)")
    _print_clips(result.added)
    for path, why in result.skipped:
        err.print(f"[yellow]skipped[/] {escape(path.name)}: {escape(why)}")
    for written in result.missing:
        err.print(f"[yellow]missing:[/] {escape(written)} is listed but no longer in the folder")
    for note in result.notes:
        err.print(f"[yellow]note:[/] {escape(note)}")
    if any(c.guess for c in result.added):
        err.print("[yellow]check the dates marked GUESS[/]: they are only file modified times")


def _print_clips(clips: tuple[ScannedClip, ...]) -> None:
    if not clips:
        return
    width = max(len(c.path.name) for c in clips)
    for clip in clips:
        source = source_name(clip.finding.source, clip.guess)
        colour = "yellow" if clip.guess else "dim"
        err.print(
            f"  + {escape(clip.path.name):<{width}}  {clip.date:%Y-%m-%d %H:%M}  "
            f"[{colour}]{escape(source)}[/]"
        )


def _check_written(path: Path, folder: Path) -> None:
    """Validate what was written, so a problem shows now rather than at render time."""
    try:
        load(path, LoadOptions(allow_outside=(folder,)))  # init itself chose those files
    except MontageError as error:
        err.print(f"[red]{escape(str(path))} was written but does not validate:[/]")
        print_error(error)
        raise typer.Exit(Exit.INVALID) from None
