"""Frame n of a timeline: segment pictures, transitions, then overlays.

Segment painters open lazily when their segment first shows and close as soon as it
is over, so at most two decoders run at once and memory stays flat with length.
"""

from __future__ import annotations

import numpy as np

from montage.render.overlays import overlays_for
from montage.render.pictures import SegmentPainter, open_segment
from montage.render.transitions import TRANSITIONS
from montage.render.yuv import Frame
from montage.timeline import Timeline

# Reading through two seconds of frames is cheaper than a new ffmpeg seeking to a key frame.
READ_THROUGH_SECONDS = 2


class Compositor:
    """Produces output frames of a timeline: fastest in order, correct in any order."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.overlays = overlays_for(timeline.texts, timeline.progress)
        self._painters: dict[int, SegmentPainter] = {}
        self._next: dict[int, int] = {}  # the next local frame each open painter yields

    def frame(self, index: int) -> Frame:
        """Output frame `index` as a writable yuv420p frame."""
        index = min(max(index, 0), self.timeline.total_frames - 1)
        active = [i for i, s in enumerate(self.timeline.segments) if s.start <= index < s.end]
        self._close_except(active)
        pictures = [self._segment_frame(i, index) for i in active]
        if len(pictures) == 2:
            incoming = self.timeline.segments[active[1]]
            progress = (index - incoming.start + 1) / (incoming.enter.frames + 1)
            out = TRANSITIONS[incoming.enter.kind](pictures[0], pictures[1], progress)
        else:
            out = pictures[0] if pictures[0].writable else pictures[0].copy()
        for overlay in self.overlays:
            if overlay.layer.start <= index < overlay.layer.end:
                overlay.draw(out, index)
        return out

    def frame_rgb(self, index: int) -> np.ndarray:
        """Output frame `index` as an HxWx3 RGB array (stills, thumbnails)."""
        return self.frame(index).to_rgb()

    def _segment_frame(self, number: int, index: int) -> Frame:
        """Frame `index` of segment `number`; decoders read forward, so a jump back or
        far ahead reopens them at the frame, and a short skip ahead reads through."""
        segment = self.timeline.segments[number]
        local = index - segment.start
        painter = self._painters.get(number)
        ahead = local - self._next.get(number, local)
        read_through = READ_THROUGH_SECONDS * self.timeline.canvas.fps
        if painter is not None and not 0 <= ahead <= read_through:
            painter.close()
            painter = None
        if painter is None:
            painter = open_segment(segment, self.timeline.canvas, skip=local)
            self._painters[number] = painter
            self._next[number] = local
        for skipped in range(self._next[number], local):
            painter.frame(skipped)
        self._next[number] = local + 1
        return painter.frame(local)

    def _close_except(self, active: list[int]) -> None:
        for number in [n for n in self._painters if n not in active]:
            self._painters.pop(number).close()
            self._next.pop(number, None)

    def close(self) -> None:
        """Stop every decoder still open."""
        self._close_except([])

    def __enter__(self) -> Compositor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
