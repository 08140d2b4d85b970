"""Painters for one segment: each returns the segment's frame k, sequentially.

The segment's `layout` picks the painter from `SEGMENT_PAINTERS`; a new layout is one
small class plus a registry entry. Frames are yuv420p; boxes have even coordinates so
the half-size chroma planes line up.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

from montage.render.decode import VideoReader
from montage.render.stills import StillPainter
from montage.render.yuv import Frame, colour_yuv, solid_frame
from montage.timeline import Canvas, Picture, Rect, Segment


class PicturePainter(Protocol):
    """Frames of one picture in its box."""

    fresh: bool

    def frame(self, index: int) -> Frame: ...

    def close(self) -> None: ...


class VideoPainter:
    """A moving picture decoded by ffmpeg; frames must be asked for in order."""

    fresh = True  # every frame is a new, writable buffer

    def __init__(self, picture: Picture, fps: int, frames: int, skip: int, background: str):
        self._reader = VideoReader(picture, fps, frames, skip=skip, background=background)

    def frame(self, index: int) -> Frame:
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


@lru_cache(maxsize=8)
def shared_solid(width: int, height: int, colour: str) -> Frame:
    """A read-only frame of one colour (copy before drawing on it)."""
    frame = solid_frame(width, height, colour)
    frame.buf.flags.writeable = False
    return frame


def paste(target: Frame, source: Frame, box: Rect) -> None:
    """Copy `source` into `box` of `target`, plane by plane (box corners are even)."""
    for plane, part, scale in zip(target.planes, source.planes, (1, 2, 2), strict=True):
        x, y = box.x // scale, box.y // scale
        plane[y : y + part.shape[0], x : x + part.shape[1]] = part


class SegmentPainter:
    """Base: owns the picture painters of one segment and closes them."""

    def __init__(self, segment: Segment, canvas: Canvas, skip: int) -> None:
        self.segment = segment
        self.canvas = canvas
        remaining = segment.frames - skip
        self.pictures = [
            open_picture(p, canvas.fps, remaining, skip, segment.background)
            for p in segment.pictures
        ]

    def frame(self, index: int) -> Frame:
        """Frame `index` of the segment; may be shared (check `writable`)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release every decoder."""
        for picture in self.pictures:
            picture.close()


class FullPainter(SegmentPainter):
    """One picture filling the canvas, or a plain background (cards without a picture)."""

    def frame(self, index: int) -> Frame:
        if not self.pictures:
            return shared_solid(self.canvas.width, self.canvas.height, self.segment.background)
        return self.pictures[0].frame(index)


class SideBySidePainter(SegmentPainter):
    """Before and after, each in its half of the canvas."""

    def frame(self, index: int) -> Frame:
        out = shared_solid(self.canvas.width, self.canvas.height, self.segment.background).copy()
        for picture, painter in zip(self.segment.pictures, self.pictures, strict=True):
            paste(out, painter.frame(index), picture.box)
        return out


class WipePainter(SegmentPainter):
    """The after picture revealed over the before by a divider sweeping left to right."""

    DIVIDER = 6

    def frame(self, index: int) -> Frame:
        before = self.pictures[0].frame(index)
        after = self.pictures[1].frame(index)
        out = before if before.writable else before.copy()
        x = wipe_position(index, self.segment.frames, self.canvas.width) // 2 * 2
        white = colour_yuv("#FFFFFF")
        for plane, other, scale, value in zip(
            out.planes, after.planes, (1, 2, 2), white, strict=True
        ):
            edge, half = x // scale, self.DIVIDER // 2 // scale
            plane[:, :edge] = other[:, :edge]
            plane[:, max(0, edge - half) : edge + half] = value
        return out


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
