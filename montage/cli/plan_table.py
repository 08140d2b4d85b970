"""The plan as a readable table for `render --dry-run`."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text

from montage.timecode import format_clock
from montage.timeline import Segment, Timeline


def plan_table(timeline: Timeline, base: Path) -> Group:
    """A table of segments with their frame ranges, sources and overlays, plus the total."""
    fps = timeline.canvas.fps
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("time", "length", "segment", "source", "in → out", "speed", "enter"):
        table.add_column(column, no_wrap=column in ("time", "length", "in → out", "enter"))
    table.add_column("overlays")
    for number, segment in enumerate(timeline.segments):
        span = f"{format_clock(segment.start / fps)}–{format_clock(segment.end / fps)}"
        table.add_row(
            span,
            f"{segment.frames / fps:.2f}s",
            segment.name,
            _sources(segment, base),
            _range(segment),
            _speed(segment),
            _enter(segment, fps),
            _overlays(timeline, number),
        )
    canvas = timeline.canvas
    total = Text(
        f"total {format_clock(timeline.duration)} = {timeline.total_frames} frames at "
        f"{fps} fps, {canvas.width}x{canvas.height}",
        style="bold",
    )
    warnings = [Text(f"warning: {w}", style="yellow") for w in timeline.warnings]
    return Group(table, total, *warnings)


def _sources(segment: Segment, base: Path) -> str:
    names = []
    for picture in segment.pictures:
        try:
            names.append(str(picture.path.relative_to(base)))
        except ValueError:
            names.append(str(picture.path))
    return ", ".join(names) or f"colour {segment.background[:7]}"


def _range(segment: Segment) -> str:
    moving = [p for p in segment.pictures if not p.still]
    if not moving:
        return "still" if segment.pictures else ""
    p = moving[0]
    return f"{p.source_in:.2f} → {p.source_out:.2f}"


def _speed(segment: Segment) -> str:
    speeds = {p.speed for p in segment.pictures if not p.still}
    return ", ".join(f"{s:g}x" for s in sorted(speeds))


def _enter(segment: Segment, fps: int) -> str:
    if not segment.enter.frames:
        return "cut"
    return f"{segment.enter.kind} {segment.enter.frames / fps:.2f}s"


def _overlays(timeline: Timeline, number: int) -> str:
    """The overlays shown on segment `number`: its own texts, then those spanning several
    segments (hashtags) and the progress bar, if they show at its middle (not only
    during a transition into or out of it)."""
    segment = timeline.segments[number]
    middle = (segment.start + segment.end) // 2

    def overlaps(start: int, end: int) -> bool:
        return start <= middle < end

    kinds = [t.kind for t in timeline.texts if t.segment == number]
    kinds += [t.kind for t in timeline.texts if t.segment is None and overlaps(t.start, t.end)]
    bar = timeline.progress
    if bar is not None and overlaps(bar.start, bar.end):
        kinds.append("progress_bar")
    return ", ".join(dict.fromkeys(kinds))
