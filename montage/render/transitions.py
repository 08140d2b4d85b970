"""Transition blends: (outgoing frame, incoming frame, progress 0..1) -> frame.

Full-frame math happens only here, only during transitions. Frames are yuv420p; a
crossfade is the same weighted sum on all three planes, so it runs on the flat buffer.
A new transition is one function and a registry entry.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from montage.render.yuv import Frame, solid_frame

Blend = Callable[[Frame, Frame, float], Frame]


@lru_cache(maxsize=4)
def _scratch(size: int, slot: int) -> np.ndarray:
    """Reusable uint16 work buffers: allocating them per frame costs more than the math."""
    return np.empty(size, np.uint16)


def _weighted(a: Frame, b: Frame, wb: int) -> Frame:
    """(a * (256 - wb) + b * wb) >> 8 over the whole buffer, as a new frame."""
    acc, other = _scratch(a.buf.size, 0), _scratch(a.buf.size, 1)
    np.multiply(a.buf, 256 - wb, out=acc, dtype=np.uint16)
    np.multiply(b.buf, wb, out=other, dtype=np.uint16)
    np.add(acc, other, out=acc)
    np.right_shift(acc, 8, out=acc)
    out = Frame.empty(a.width, a.height)
    np.copyto(out.buf, acc, casting="unsafe")
    return out


def crossfade(a: Frame, b: Frame, t: float) -> Frame:
    """Dissolve from a to b."""
    return _weighted(a, b, round(t * 256))


@lru_cache(maxsize=2)
def _black(width: int, height: int) -> Frame:
    return solid_frame(width, height, "#000000")


def fade_black(a: Frame, b: Frame, t: float) -> Frame:
    """a fades to black over the first half, b fades up from black over the second."""
    black = _black(a.width, a.height)
    if t < 0.5:
        return _weighted(a, black, round(2 * t * 256))
    return _weighted(black, b, round((2 * t - 1) * 256))


def slide(a: Frame, b: Frame, t: float) -> Frame:
    """b pushes a out to the left, easing in and out."""
    eased = t * t * (3 - 2 * t)
    shift = round(eased * a.width) // 2 * 2
    out = Frame.empty(a.width, a.height)
    for target, left, right, scale in zip(out.planes, a.planes, b.planes, (1, 2, 2), strict=True):
        width, step = target.shape[1], shift // scale
        target[:, : width - step] = left[:, step:]
        target[:, width - step :] = right[:, :step]
    return out


TRANSITIONS: dict[str, Blend] = {
    "crossfade": crossfade,
    "fade_black": fade_black,
    "slide": slide,
}
