"""Presets: YAML files of storyboard settings, found by name and layered.

Search order for a name: `--presets-dir` folders, `presets/` beside the storyboard, the
user's folder (`$MONTAGE_PRESETS_DIR` or `~/.config/montage/presets`), then the built-in
`presets/`. A preset may `extends:` others; the chain is layered base first.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from montage.errors import Location, StoryboardError
from montage.resources import presets_dir
from montage.storyboard.diagnose import problems_from
from montage.storyboard.layers import Layered, stack
from montage.storyboard.model import Settings, Storyboard
from montage.storyboard.yamlio import YamlDoc, load_yaml_file

PRESET_ONLY_KEYS = ("description", "extends")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_CHAIN = 16


@dataclass(frozen=True)
class PresetInfo:
    """A preset found on the search path."""

    name: str
    path: Path
    description: str
    builtin: bool


def user_presets_dir() -> Path:
    """The user's own presets folder (it need not exist)."""
    if env := os.environ.get("MONTAGE_PRESETS_DIR"):
        return Path(env).expanduser()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "montage" / "presets"


def search_path(
    extra_dirs: tuple[Path, ...] = (), storyboard_dir: Path | None = None
) -> list[Path]:
    """Folders searched for presets, most specific first."""
    folders = [*extra_dirs]
    if storyboard_dir is not None:
        folders.append(storyboard_dir / "presets")
    folders += [user_presets_dir(), presets_dir()]
    return folders


def find_preset(name: str, folders: list[Path], where: Location | None = None) -> Path:
    """Path of preset `name`, or a located error listing what exists."""
    if not _NAME.match(name):
        raise StoryboardError.single(
            f"{name!r} is not a preset name",
            location=where,
            path="preset",
            hint="use a name such as 'reel'",
        )
    for folder in folders:
        candidate = folder / f"{name}.yaml"
        if candidate.is_file():
            return candidate
    known = ", ".join(p.name for p in list_presets(folders))
    raise StoryboardError.single(
        f"no preset named {name!r}", location=where, path="preset", hint=f"available: {known}"
    )


def preset_layers(
    names: list[str], folders: list[Path], where: Location | None = None
) -> list[YamlDoc]:
    """The YAML layers of `names` and everything they extend, base first, each once."""
    layers: list[YamlDoc] = []
    seen: set[Path] = set()
    for name in names:
        _collect(name, folders, layers, seen, chain=(), where=where)
    return layers


def _collect(
    name: str,
    folders: list[Path],
    layers: list[YamlDoc],
    seen: set[Path],
    chain: tuple[str, ...],
    where: Location | None,
) -> None:
    if name in chain or len(chain) > MAX_CHAIN:
        raise StoryboardError.single(
            f"preset {name!r} extends itself: {' > '.join(chain)}",
            location=where,
            hint="remove the loop in `extends:`",
        )
    path = find_preset(name, folders, where)
    doc = _load_preset_file(path)
    extends = doc.data.pop("extends", None)
    doc.data.pop("description", None)
    parents = [extends] if isinstance(extends, str) else extends or []
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        raise StoryboardError.single(
            "`extends:` names a preset or a list of presets",
            location=doc.values.get(("extends",)),
            path="extends",
            hint="e.g. `extends: reel`",
        )
    for parent in parents:
        _collect(str(parent), folders, layers, seen, (*chain, name), doc.values.get(("extends",)))
    if path not in seen:
        seen.add(path)
        layers.append(doc)


def _load_preset_file(path: Path) -> YamlDoc:
    doc = load_yaml_file(path)
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        raise StoryboardError.single(
            "a preset is a mapping of settings",
            location=doc.values.get(()),
            hint="see presets/reel.yaml",
        )
    allowed = set(Settings.model_fields) | set(PRESET_ONLY_KEYS)
    for key in doc.data:
        if key not in allowed:
            raise StoryboardError.single(
                f"a preset cannot set {key!r}",
                location=doc.keys.get((key,)),
                path=key,
                hint="presets hold settings only: " + ", ".join(sorted(allowed)),
            )
    return doc


def list_presets(folders: list[Path]) -> list[PresetInfo]:
    """Every preset on the search path; the first folder that has a name wins."""
    found: dict[str, PresetInfo] = {}
    builtin = presets_dir().resolve()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            if path.stem not in found:
                found[path.stem] = PresetInfo(
                    path.stem, path, _description(path), path.parent.resolve() == builtin
                )
    return sorted(found.values(), key=lambda p: p.name)


def _description(path: Path) -> str:
    try:
        data = load_yaml_file(path).data
    except StoryboardError:
        return "(invalid)"
    return str(data.get("description", "")) if isinstance(data, dict) else ""


def resolve_settings(names: list[str], folders: list[Path]) -> Settings:
    """Settings produced by layering `names` over the built-in defaults."""
    merged: Layered = stack(preset_layers(names, folders))
    try:
        return Settings.model_validate(merged.data)
    except ValidationError as exc:
        raise StoryboardError(problems_from(exc, merged, Storyboard)) from None
