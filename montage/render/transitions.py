"""Transition blends: (outgoing frame, incoming frame, progress 0..1) -> frame.

Full-frame math happens only here, only during transitions. A new transition is one
function and a registry entry.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

Blend = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


@lru_cache(maxsize=4)
def _scratch(shape: tuple[int, ...], slot: int) -> np.ndarray:
    """Reusable uint16 work buffers: allocating 12 MB per frame costs more than the math."""
    return np.empty(shape, np.uint16)


def _weighted(a: np.ndarray, wa: int, b: np.ndarray | None, wb: int) -> np.ndarray:
    """(a*wa + b*wb) >> 8 in place in scratch buffers, as a new uint8 frame."""
    acc = _scratch(a.shape, 0)
    np.multiply(a, wa, out=acc, dtype=np.uint16)
    if b is not None and wb:
        other = _scratch(a.shape, 1)
        np.multiply(b, wb, out=other, dtype=np.uint16)
        np.add(acc, other, out=acc)
    np.right_shift(acc, 8, out=acc)
    out = np.empty(a.shape, np.uint8)
    np.copyto(out, acc, casting="unsafe")
    return out


def crossfade(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Dissolve from a to b."""
    w = round(t * 256)
    return _weighted(a, 256 - w, b, w)


def fade_black(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """a fades to black over the first half, b fades up from black over the second."""
    source, level = (a, 1 - 2 * t) if t < 0.5 else (b, 2 * t - 1)
    return _weighted(source, round(max(level, 0.0) * 256), None, 0)


def slide(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """b pushes a out to the left, easing in and out."""
    eased = t * t * (3 - 2 * t)
    width = a.shape[1]
    shift = round(eased * width)
    out = np.empty_like(a)
    out[:, : width - shift] = a[:, shift:]
    out[:, width - shift :] = b[:, :shift]
    return out


TRANSITIONS: dict[str, Blend] = {
    "crossfade": crossfade,
    "fade_black": fade_black,
    "slide": slide,
}
