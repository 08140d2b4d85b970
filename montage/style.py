"""Text style: pure data shared by presets, the planner and the Pillow text renderer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class TextStyle:
    """How one text layer looks. Sizes are pixels on the output canvas.

    Colours are normalised `#RRGGBBAA` strings. `font` is a bundled font name
    (`sans`, `sans-bold`) or a path to a .ttf/.otf file.
    """

    font: str = "sans-bold"
    size: int = 64
    min_size: int = 36
    color: str = "#FFFFFFFF"
    stroke_width: int = 0
    stroke_color: str = "#000000FF"
    box_color: str | None = None
    box_padding: int = 16
    box_radius: int = 18
    align: Align = "center"
    line_spacing: float = 1.2
    max_lines: int = 3
