"""`preview`: a contact sheet PNG of a storyboard, one row per planned segment.

Each row shows the segment at its in, middle and out frames as the video will show them
(rendered by the real Compositor on a thumbnail-sized canvas, overlays included), with
its caption, date, counter, timing and a bar placing it in the whole montage.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from PIL import Image, ImageColor

from montage.authoring.sheet import Row, Sheet, draw_sheet
from montage.authoring.thumbs import (
    SegmentThumbs,
    grab_thumbnails,
    size_overrides,
    thumbnail_size,
)
from montage.pipeline import LoadOptions, check_output, load, plan_loaded
from montage.storyboard.load import LoadedStoryboard
from montage.timecode import format_clock
from montage.timeline import Segment, Timeline

_KIND_TITLES = {"title_card": "Title card", "end_card": "End card", "compare": "Compare"}


@dataclass(frozen=True)
class ContactSheet:
    """What `render_contact_sheet` wrote."""

    output: Path
    segments: int
    total_frames: int
    duration: float
    size: tuple[int, int]
    thumb_size: tuple[int, int]


def contact_sheet_path(loaded: LoadedStoryboard) -> Path:
    """Default sheet path: beside the storyboard's mp4, `NAME.contact.png`."""
    return loaded.output_path().with_suffix(".contact.png")


def render_contact_sheet(
    path: Path,
    options: LoadOptions | None = None,
    output: Path | None = None,
    *,
    guides: bool = False,
) -> ContactSheet:
    """Plan `path` at thumbnail size, render the sheet, write it as PNG atomically.

    Raises the same MontageErrors as loading and planning the storyboard does.
    """
    options = options or LoadOptions()
    loaded = load(path, options)
    full = loaded.storyboard.output
    size = thumbnail_size(full.width, full.height)
    small = dataclasses.replace(options, overrides=options.overrides + size_overrides(*size))
    target = (output or contact_sheet_path(loaded)).absolute()
    check_output(loaded, target, flag="-o" if output else "", suffixes=(".png",))
    timeline = plan_loaded(load(path, small), small)
    thumbs = grab_thumbnails(timeline)
    sheet = _sheet(loaded, timeline, thumbs, guides)
    image = draw_sheet(sheet)
    _save_png(image, target)
    return ContactSheet(
        target, len(timeline.segments), timeline.total_frames, timeline.duration, image.size, size
    )


def _sheet(
    loaded: LoadedStoryboard, timeline: Timeline, thumbs: list[SegmentThumbs], guides: bool
) -> Sheet:
    board, canvas = loaded.storyboard, timeline.canvas
    full = board.output
    presets = " + ".join(board.preset) or "default settings"
    subtitle = (
        f"{loaded.source.name}  ·  {presets}  ·  {full.width}x{full.height} at {full.fps} fps  ·  "
        f"{len(timeline.segments)} segments  ·  total {format_clock(timeline.duration)} "
        f"({timeline.total_frames} frames)"
    )
    rows = tuple(
        _row(timeline, number, segment, thumbs[number])
        for number, segment in enumerate(timeline.segments)
    )
    return Sheet(
        title=board.title or loaded.source.stem,
        subtitle=subtitle,
        fps=canvas.fps,
        total_frames=timeline.total_frames,
        accent=ImageColor.getrgb(board.style.accent)[:3],
        rows=rows,
        warnings=timeline.warnings,
        safe_zone=timeline.safe_zone if guides else None,
    )


def _row(timeline: Timeline, number: int, segment: Segment, thumbs: SegmentThumbs) -> Row:
    texts = {t.kind: t.text for t in timeline.texts if t.segment == number}
    fps = timeline.canvas.fps
    lines = []
    if segment.date is not None:
        counter = f"  ·  {texts['counter']}" if "counter" in texts else ""
        when = f"{segment.date:%a %b %d, %Y}" + (
            f" {segment.date:%H:%M}" if segment.date.time() != time() else ""
        )
        lines.append(f"{when}{counter}")
    enter = segment.enter
    joined = f"enters with {enter.kind} {enter.frames / fps:.2f} s" if enter.frames else "cut in"
    lines.append(f"{segment.frames / fps:.2f} s  ·  {joined}")
    lines.append(_source_line(segment))
    caption = texts.get("caption") or texts.get("title") or _labels(timeline, number)
    title = _KIND_TITLES.get(segment.kind, segment.name)
    if segment.kind == "compare":  # its name already says what it compares
        title = segment.name[:1].upper() + segment.name[1:]
    return Row(
        number=number + 1,
        title=title,
        kind=segment.kind,
        lines=tuple(line for line in lines if line),
        caption=caption,
        span=(segment.start, segment.end),
        frames=thumbs.frames,
        thumbs=thumbs.images,
    )


def _source_line(segment: Segment) -> str:
    parts = []
    for picture in segment.pictures:
        if picture.blur:
            parts.append(f"blurred {picture.path.name}")
        elif picture.still:
            parts.append(f"{picture.path.name} (still)")
        else:
            speed = f" at {picture.speed:g}x" if picture.speed != 1 else ""
            parts.append(
                f"{picture.path.name} {picture.source_in:.2f}–{picture.source_out:.2f} s{speed}"
            )
    return ", ".join(parts)


def _labels(timeline: Timeline, number: int) -> str:
    return " / ".join(t.text for t in timeline.texts if t.segment == number and t.kind == "label")


def _save_png(image: Image.Image, target: Path) -> None:
    """Write through a partial file, so a crash never leaves half a PNG."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial.png")
    try:
        image.save(partial, format="PNG", optimize=False)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
