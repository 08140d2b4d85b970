"""What the operator (not the storyboard) decides. Pure data: batch planning imports it
without pulling in the renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from montage.limits import Limits


@dataclass(frozen=True)
class LoadOptions:
    """What the operator (not the storyboard) decides: overrides, folders, limits."""

    overrides: tuple[str, ...] = ()
    presets_dirs: tuple[Path, ...] = ()
    allow_outside: tuple[Path, ...] = ()
    allow_truncated: bool = False
    limits: Limits = field(default_factory=Limits)
