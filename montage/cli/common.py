"""What every command shares: exit codes, error printing, common options."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress

from montage.errors import MontageError, StoryboardError
from montage.limits import Limits
from montage.options import LoadOptions
from montage.render.output import Progress

# Pipes and CI logs are not 80 columns wide; tables read better with room.
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 132)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Exit(IntEnum):
    """Documented exit codes (see README)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INVALID = 3
    SOME_FAILED = 4


def exit_code_for(error: MontageError) -> Exit:
    """Invalid input exits 3; anything else montage raised on purpose exits 1."""
    return Exit.INVALID if isinstance(error, StoryboardError) else Exit.ERROR


def print_error(error: MontageError) -> None:
    """Print every problem of an error, one per line, on stderr."""
    for problem in error.problems or []:
        where = f"[bold]{escape(str(problem.location))}[/]: " if problem.location else ""
        field = f"[cyan]{escape(problem.path)}[/]: " if problem.path else ""
        hint = f" [dim](hint: {escape(problem.hint)})[/]" if problem.hint else ""
        err.print(f"{where}{field}[red]{escape(problem.message)}[/]{hint}")
    if not error.problems:
        err.print(f"[red]{escape(str(error))}[/]")


def fail(error: MontageError) -> NoReturn:
    """Print `error` and exit with its code."""
    print_error(error)
    raise typer.Exit(exit_code_for(error))


def print_json(data: Any) -> None:
    """Machine output on stdout, nothing else mixed in."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="Override a setting, e.g. --set output.fps=25 (repeatable)."),
]
PresetsDirOption = Annotated[
    list[Path] | None,
    typer.Option("--presets-dir", help="Extra folder of presets, searched first (repeatable)."),
]
AllowOutsideOption = Annotated[
    list[Path] | None,
    typer.Option("--allow-outside", help="Also allow media from this folder (repeatable)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
AllowTruncatedOption = Annotated[
    bool,
    typer.Option("--allow-truncated", help="Use the readable part of truncated clips."),
]
LimitOption = Annotated[
    list[str] | None,
    typer.Option("--limit", help="Tighten a resource limit, e.g. --limit max_duration=90."),
]


def load_options(
    set_: list[str] | None,
    presets_dir: list[Path] | None,
    allow_outside: list[Path] | None,
    allow_truncated: bool = False,
    limit: list[str] | None = None,
) -> LoadOptions:
    """Collect the operator's options; a bad --limit is a usage error (exit 2)."""
    try:
        limits = Limits.parse(tuple(limit or ()))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--limit") from None
    return LoadOptions(
        tuple(set_ or ()),
        tuple(presets_dir or ()),
        tuple(allow_outside or ()),
        allow_truncated,
        limits,
    )


@contextmanager
def progress_bar(hidden: bool) -> Iterator[Progress | None]:
    """A rich frame-progress bar with ETA on stderr, or None when hidden."""
    if hidden:
        yield None
        return
    columns = (
        TextColumn("rendering"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with RichProgress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("render", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
