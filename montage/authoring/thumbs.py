"""Thumbnails for the contact sheet, drawn by the real Compositor on a small canvas.

The storyboard is planned again at a thumbnail-sized canvas (`--set output.width/height`),
so captions, counters and the progress bar wrap and scale exactly as in the video.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from montage.render.compositor import Compositor
from montage.timeline import Timeline

THUMB_LONG_EDGE = 320


@dataclass(frozen=True)
class SegmentThumbs:
    """Three frames of one segment: just after it has come in, its middle, just before
    the next one starts to come in (so transitions do not blur them)."""

    frames: tuple[int, int, int]
    images: tuple[Image.Image, Image.Image, Image.Image]


def even(value: float) -> int:
    """Round to the nearest even number of pixels, at least 16 (H.264 and the model)."""
    return max(16, 2 * round(value / 2))


def thumbnail_size(width: int, height: int, long_edge: int = THUMB_LONG_EDGE) -> tuple[int, int]:
    """A canvas of the same shape whose longer side is `long_edge` (never upscaled)."""
    scale = min(1.0, long_edge / max(width, height))
    return even(width * scale), even(height * scale)


def size_overrides(width: int, height: int) -> tuple[str, ...]:
    """`--set` assignments that plan the storyboard at `width` x `height`."""
    return (f"output.width={width}", f"output.height={height}")


def pick_frames(timeline: Timeline, number: int) -> tuple[int, int, int]:
    """In, middle and out frames of segment `number`, outside its transitions if it can."""
    segment = timeline.segments[number]
    first = segment.start + segment.enter.frames
    last = segment.end - 1
    if number + 1 < len(timeline.segments):
        last = min(last, timeline.segments[number + 1].start - 1)
    if first > last:  # a segment shorter than its transitions: take what there is
        first, last = segment.start, segment.end - 1
    return first, (first + last) // 2, last


def grab_thumbnails(timeline: Timeline) -> list[SegmentThumbs]:
    """Render the in/mid/out frames of every segment, in segment order."""
    picks = [pick_frames(timeline, n) for n in range(len(timeline.segments))]
    images = grab_frames(timeline, {i for frames in picks for i in frames})
    return [
        SegmentThumbs(frames, (images[frames[0]], images[frames[1]], images[frames[2]]))
        for frames in picks
    ]


def grab_frames(timeline: Timeline, wanted: set[int]) -> dict[int, Image.Image]:
    """Render output frames `wanted` with one Compositor, in order (it seeks as needed)."""
    with Compositor(timeline) as compositor:
        return {index: Image.fromarray(compositor.frame_rgb(index)) for index in sorted(wanted)}
