"""Frame n of a timeline: segment pictures, transitions, then overlays.

Segment painters open lazily when their segment first shows and close as soon as it
is over, so at most two decoders run at once and memory stays flat with length.
"""

from __future__ import annotations

import numpy as np

from montage.render.overlays import overlays_for
from montage.render.pictures import SegmentPainter, open_segment
from montage.render.transitions import TRANSITIONS
from montage.timeline import Timeline


class Compositor:
    """Produces output frames of a timeline, in order (or from any start frame)."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self.overlays = overlays_for(timeline.texts, timeline.progress)
        self._painters: dict[int, SegmentPainter] = {}

    def frame(self, index: int) -> np.ndarray:
        """Output frame `index` as a writable HxWx3 uint8 array."""
        index = min(max(index, 0), self.timeline.total_frames - 1)
        active = [i for i, s in enumerate(self.timeline.segments) if s.start <= index < s.end]
        self._close_except(active)
        pictures = [self._segment_frame(i, index) for i in active]
        if len(pictures) == 2:
            incoming = self.timeline.segments[active[1]]
            progress = (index - incoming.start + 1) / (incoming.enter.frames + 1)
            out = TRANSITIONS[incoming.enter.kind](pictures[0][0], pictures[1][0], progress)
        else:
            out, writable = pictures[0]
            if not writable:
                out = out.copy()
        for overlay in self.overlays:
            if overlay.layer.start <= index < overlay.layer.end:
                overlay.draw(out, index)
        return out

    def _segment_frame(self, number: int, index: int) -> tuple[np.ndarray, bool]:
        segment = self.timeline.segments[number]
        painter = self._painters.get(number)
        if painter is None:
            painter = open_segment(segment, self.timeline.canvas, skip=index - segment.start)
            self._painters[number] = painter
        return painter.frame(index - segment.start)

    def _close_except(self, active: list[int]) -> None:
        for number in [n for n in self._painters if n not in active]:
            self._painters.pop(number).close()

    def close(self) -> None:
        """Stop every decoder still open."""
        self._close_except([])

    def __enter__(self) -> Compositor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
