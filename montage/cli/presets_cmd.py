"""`montage presets list|show`: what presets exist and what they resolve to."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml

from montage.cli.common import JsonOption, PresetsDirOption, fail, out, print_json
from montage.errors import MontageError
from montage.presets import list_presets, resolve_settings, search_path

presets_app = typer.Typer(help="List presets or show one fully resolved.", no_args_is_help=True)


def _folders(presets_dir: list[Path] | None) -> list[Path]:
    return search_path(tuple(presets_dir or ()), Path.cwd())


@presets_app.command("list")
def list_(presets_dir: PresetsDirOption = None, json_: JsonOption = False) -> None:
    """List every preset on the search path."""
    found = list_presets(_folders(presets_dir))
    if json_:
        print_json(
            [
                {
                    "name": p.name,
                    "path": str(p.path),
                    "description": p.description,
                    "builtin": p.builtin,
                }
                for p in found
            ]
        )
        return
    for preset in found:
        origin = "" if preset.builtin else f"  [dim]({preset.path})[/]"
        out.print(f"[bold]{preset.name:<12}[/] {preset.description}{origin}")


@presets_app.command("show")
def show(
    names: Annotated[list[str], typer.Argument(help="Preset names, layered in order.")],
    presets_dir: PresetsDirOption = None,
    json_: JsonOption = False,
) -> None:
    """Show the settings that layering NAMES over the built-in defaults produces."""
    try:
        settings = resolve_settings(names, _folders(presets_dir))
    except MontageError as error:
        fail(error)
    data = settings.model_dump(mode="json")
    if json_:
        print_json(data)
    else:
        out.print(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), end="")
