"""`plan()`: storyboard + media facts + text measurements -> Timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from montage.errors import MontageError, PlanError, Problem
from montage.media.info import MediaInfo
from montage.planner.audio import audio_cues
from montage.planner.dates import progress_fraction
from montage.planner.layout import Measure, place_texts, safe_rect, scale_of
from montage.planner.overlays import text_items
from montage.planner.segments import build_segments, compare_boxes
from montage.planner.shots import Shot, resolve_shots
from montage.storyboard.model import Storyboard
from montage.timeline import Canvas, Encoding, ProgressLayer, Rect, Segment, Timeline

Probe = Callable[[Path], MediaInfo]


def plan(
    board: Storyboard, probe: Probe, measure: Measure, resolve: Callable[[str], Path]
) -> Timeline:
    """Resolve a validated storyboard into a frame-exact Timeline.

    `probe` returns facts about a media file, `measure` the pixel size of a text (raising
    a MontageError when it cannot fit), `resolve` turns a storyboard path into a file path.
    Every problem found is raised at once as a PlanError carrying field paths.
    """
    out = board.output
    canvas = Canvas(out.width, out.height, out.fps, board.background)
    paths = [resolve(clip.path) for clip in board.clips]
    infos = _probe_all(paths, probe)
    shots, warnings = resolve_shots(board, infos, paths, canvas.fps)
    start_date = _start_date(board, shots)
    segments, more_warnings = build_segments(board, shots, canvas)
    total = segments[-1].end
    safe = safe_rect(board)
    progress = (
        _progress(board, segments, shots, safe, canvas, start_date)
        if board.overlays.progress_bar
        else None
    )
    reserved = progress.rect.bottom - safe.y if progress else 0
    regions = _label_regions(board, canvas)
    items = text_items(board, segments, shots, start_date, regions)
    texts = place_texts(items, board, canvas, safe, measure, reserved)
    music = resolve(board.audio.music.path) if board.audio.music else None
    cues = audio_cues(board, segments, shots, total, canvas.fps, music)
    encoding = Encoding(out.crf, out.x264_preset, out.audio_bitrate)
    return Timeline(
        canvas=canvas,
        safe_zone=safe,
        segments=tuple(segments),
        texts=tuple(texts),
        progress=progress,
        audio=tuple(cues),
        total_frames=total,
        encoding=encoding,
        warnings=tuple(warnings + more_warnings),
    )


def _probe_all(paths: list[Path], probe: Probe) -> list[MediaInfo]:
    infos, problems = [], []
    for index, path in enumerate(paths):
        try:
            infos.append(probe(path))
        except MontageError as error:
            problems += [
                Problem(p.message, p.location, p.path or f"clips[{index}].path", p.hint)
                for p in error.problems
            ]
    if problems:
        raise PlanError(problems)
    return infos


def _start_date(board: Storyboard, shots: list[Shot]) -> datetime:
    first = shots[0].date
    if board.start_date is None:
        return first
    if board.start_date.date() > first.date():
        raise PlanError.single(
            f"{board.start_date:%Y-%m-%d} is after the first clip ({first:%Y-%m-%d}, "
            f"{shots[0].name})",
            path="start_date",
            hint="set start_date on or before it",
        )
    return board.start_date


def _label_regions(board: Storyboard, canvas: Canvas) -> tuple[Rect, Rect] | None:
    if board.compare is None:
        return None
    before, after = compare_boxes(canvas, board.compare.layout)
    if board.compare.layout == "wipe":
        # Labels sit over the side each picture is revealed on: after on the left. A gap
        # down the middle keeps them apart on narrow canvases, where they would touch.
        half, gap = canvas.width // 2, max(8, canvas.width // 30)
        before_region = Rect(half + gap, 0, canvas.width - half - gap, canvas.height)
        return before_region, Rect(0, 0, half - gap, canvas.height)
    return before, after


def _progress(
    board: Storyboard,
    segments: list[Segment],
    shots: list[Shot],
    safe: Rect,
    canvas: Canvas,
    first: datetime,
) -> ProgressLayer:
    """The bar runs from day 0 (start_date) to the last clip's date."""
    clips = [s for s in segments if s.kind == "clip"]
    last = shots[-1].date
    keys: list[tuple[int, float]] = []
    for segment in clips:
        assert segment.date is not None
        fraction = progress_fraction(first, last, segment.date)
        # The bar moves during the transition into the clip, then holds.
        keys += [
            (segment.start, keys[-1][1] if keys else fraction),
            (segment.start + max(segment.enter.frames, 1), fraction),
        ]
    height = max(2, round(board.style.progress_height * scale_of(canvas)))
    rect = Rect(safe.x, safe.y, safe.w, height)
    return ProgressLayer(
        rect, tuple(keys), board.style.accent, board.style.track, clips[0].start, clips[-1].end
    )
