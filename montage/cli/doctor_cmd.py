"""`montage doctor`: is everything montage needs here? Exit 0 if the essentials work."""

from __future__ import annotations

import platform
import sys

import typer
from rich.markup import escape

from montage import __version__
from montage.cli.common import Exit, JsonOption, out, print_json
from montage.doctor import Check, healthy, run_checks


def doctor(json_: JsonOption = False) -> None:
    """Check ffmpeg, Pillow (raqm, fribidi), fonts, colour emoji, the Dask extra and the
    user presets folder; print a remedy for each missing piece."""
    results = run_checks()
    ok = healthy(results)
    if json_:
        print_json(
            {
                "ok": ok,
                "montage": __version__,
                "python": platform.python_version(),
                "checks": [c.to_dict() for c in results],
            }
        )
        raise typer.Exit(Exit.OK if ok else Exit.ERROR)
    out.print(f"montage {__version__}, Python {platform.python_version()} on {sys.platform}")
    width = max(len(c.name) for c in results)
    for check in results:
        _print_check(check, width)
    if ok:
        optional = sum(not c.ok for c in results)
        tail = f" ({optional} optional pieces missing)" if optional else ""
        out.print(f"[green]all essential pieces work[/]{tail}")
    else:
        out.print("[red]montage cannot work until the pieces marked ✗ are fixed[/]")
    raise typer.Exit(Exit.OK if ok else Exit.ERROR)


def _print_check(check: Check, width: int) -> None:
    marks = {True: "[green]✓[/]", False: "[red]✗[/]" if check.essential else "[yellow]![/]"}
    mark = marks[check.ok]
    out.print(f" {mark} {check.name:<{width}}  {escape(check.detail)}")
    if check.remedy and not check.ok:
        out.print(f"   {'':<{width}}  [bold]fix:[/] {escape(check.remedy)}")
