"""One frame of the montage as a PNG, without encoding anything."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from montage.render.compositor import Compositor
from montage.timecode import to_frames
from montage.timeline import Timeline


def render_still(timeline: Timeline, at_seconds: float, output: Path) -> Path:
    """Write the frame shown at `at_seconds` to `output` (PNG), atomically."""
    index = min(to_frames(at_seconds, timeline.canvas.fps), timeline.total_frames - 1)
    with Compositor(timeline) as compositor:
        frame = compositor.frame_rgb(index)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial.png")
    try:
        Image.fromarray(frame).save(partial, format="PNG")
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return output
