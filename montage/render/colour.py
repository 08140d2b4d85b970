"""Colours as numpy values, and cached solid frames."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def rgba(colour: str) -> tuple[int, int, int, int]:
    """'#RRGGBBAA' -> (r, g, b, a)."""
    digits = colour.lstrip("#")
    digits = digits + "FF" if len(digits) == 6 else digits
    return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4, 6))  # type: ignore[return-value]


@lru_cache(maxsize=8)
def solid(width: int, height: int, colour: str) -> np.ndarray:
    """A read-only frame of one colour (shared: copy before drawing on it)."""
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = rgba(colour)[:3]
    frame.flags.writeable = False
    return frame
