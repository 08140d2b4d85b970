"""Painters for one segment: each returns the segment's frame k, sequentially.

The segment's `layout` picks the painter from `SEGMENT_PAINTERS`; a new layout is one
small class plus a registry entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from montage.render.colour import solid
from montage.render.decode import VideoReader
from montage.render.stills import StillPainter
from montage.timeline import Canvas, Picture, Segment


class PicturePainter(Protocol):
    """Frames of one picture in its box."""

    fresh: bool

    def frame(self, index: int) -> np.ndarray: ...

    def close(self) -> None: ...


class VideoPainter:
    """A moving picture decoded by ffmpeg; frames must be asked for in order."""

    fresh = True  # every frame is a new, writable array

    def __init__(self, picture: Picture, fps: int, frames: int, skip: int, background: str):
        self._reader = VideoReader(picture, fps, frames, skip=skip, background=background)

    def frame(self, index: int) -> np.ndarray:
        """The next frame (index is informative: reading is sequential)."""
        return self._reader.read()

    def close(self) -> None:
        """Stop the decoder."""
        self._reader.close()


def open_picture(
    picture: Picture, fps: int, frames: int, skip: int, background: str
) -> PicturePainter:
    """A painter for `picture` over `frames` frames, starting `skip` frames in."""
    if picture.still:
        return StillPainter(picture, frames + skip, background, skip)
    return VideoPainter(picture, fps, frames, skip, background)


class SegmentPainter:
    """Base: owns the picture painters of one segment and closes them."""

    def __init__(self, segment: Segment, canvas: Canvas, skip: int) -> None:
        self.segment = segment
        self.canvas = canvas
        self.skip = skip
        remaining = segment.frames - skip
        self.pictures = [
            open_picture(p, canvas.fps, remaining, skip, segment.background)
            for p in segment.pictures
        ]

    def frame(self, index: int) -> tuple[np.ndarray, bool]:
        """Frame `index` of the segment and whether the caller may draw on it in place."""
        raise NotImplementedError

    def close(self) -> None:
        """Release every decoder."""
        for picture in self.pictures:
            picture.close()


class FullPainter(SegmentPainter):
    """One picture filling the canvas, or a plain background (cards without a picture)."""

    def frame(self, index: int) -> tuple[np.ndarray, bool]:
        if not self.pictures:
            return solid(self.canvas.width, self.canvas.height, self.segment.background), False
        painter = self.pictures[0]
        return painter.frame(index), painter.fresh


class SideBySidePainter(SegmentPainter):
    """Before and after, each in its half of the canvas."""

    def frame(self, index: int) -> tuple[np.ndarray, bool]:
        out = solid(self.canvas.width, self.canvas.height, self.segment.background).copy()
        for picture, painter in zip(self.segment.pictures, self.pictures, strict=True):
            box = picture.box
            out[box.y : box.bottom, box.x : box.right] = painter.frame(index)
        return out, True


class WipePainter(SegmentPainter):
    """The after picture revealed over the before by a divider sweeping left to right."""

    DIVIDER = 6

    def frame(self, index: int) -> tuple[np.ndarray, bool]:
        before = self.pictures[0].frame(index)
        after = self.pictures[1].frame(index)
        out = before if self.pictures[0].fresh else before.copy()
        x = wipe_position(index, self.segment.frames, self.canvas.width)
        out[:, :x] = after[:, :x]
        half = self.DIVIDER // 2
        out[:, max(0, x - half) : x + half] = 255
        return out, True


def wipe_position(index: int, frames: int, width: int) -> int:
    """Divider column: holds on the before, sweeps with ease-in-out, holds on the after."""
    t = min(max((index / max(frames - 1, 1) - 0.2) / 0.6, 0.0), 1.0)
    eased = t * t * (3 - 2 * t)
    return round(eased * width)


SEGMENT_PAINTERS: dict[str, Callable[[Segment, Canvas, int], SegmentPainter]] = {
    "": FullPainter,
    "side_by_side": SideBySidePainter,
    "wipe": WipePainter,
}


def open_segment(segment: Segment, canvas: Canvas, skip: int = 0) -> SegmentPainter:
    """The painter for `segment`, positioned `skip` frames into it."""
    return SEGMENT_PAINTERS[segment.layout](segment, canvas, skip)
