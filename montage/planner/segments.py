"""Lay shots, cards and the comparison end to end, overlapping at transitions.

Each join overlaps by the transition's frames, clamped to half the shorter neighbour
so no segment disappears inside transitions; the total is exactly
sum(segment frames) - sum(overlaps), and `--dry-run` shows it.
"""

from __future__ import annotations

import dataclasses

from montage.planner.shots import Shot
from montage.storyboard.checks import resolve_clip_ref
from montage.storyboard.model import Card, Storyboard
from montage.timecode import to_frames
from montage.timeline import Canvas, Picture, Rect, Segment, Transition


def build_segments(
    board: Storyboard, shots: list[Shot], canvas: Canvas
) -> tuple[list[Segment], list[str]]:
    """Segments in play order with start frames and entering transitions set."""
    drafts: list[Segment] = []
    if board.title_card:
        drafts.append(_card("title_card", board.title_card, shots[0], board, canvas))
    drafts += [_clip_segment(shot, board, canvas) for shot in shots]
    if board.compare:
        drafts.append(_compare_segment(board, shots, canvas))
    if board.end_card:
        drafts.append(_card("end_card", board.end_card, shots[-1], board, canvas))
    return _place(drafts, board, canvas.fps)


def _place(drafts: list[Segment], board: Storyboard, fps: int) -> tuple[list[Segment], list[str]]:
    kind = board.transition.kind
    wanted = 0 if kind == "cut" else to_frames(board.transition.duration, fps)
    placed: list[Segment] = []
    warnings: list[str] = []
    cursor = 0
    for segment in drafts:
        overlap = 0
        if placed:
            previous = placed[-1]
            overlap = min(wanted, previous.frames // 2, segment.frames // 2)
            if overlap < wanted:
                warnings.append(
                    f"transition into {segment.name} shortened to {overlap} frames: "
                    f"a neighbour is shorter than twice the transition"
                )
            cursor = previous.end - overlap
        enter = Transition(kind if overlap else "cut", overlap)
        placed.append(dataclasses.replace(segment, start=cursor, enter=enter))
    return placed, warnings


def _clip_segment(shot: Shot, board: Storyboard, canvas: Canvas) -> Segment:
    picture = shot_picture(shot, canvas.rect, shot.clip.fit or board.style.fit, board)
    return Segment(
        "clip",
        0,
        shot.frames,
        (picture,),
        board.background,
        clip_index=shot.index,
        date=shot.date,
        name=shot.name,
    )


def first_frame(shot: Shot) -> float:
    """Where the shot's picture starts in the file: its in-point, or the first frame if later.

    A video stream may start after the file does (after its sound); the decoder then shows
    that first frame at the segment's start, so the sound must start there too.
    """
    return max(shot.source_in, shot.info.video_start)


def shot_picture(shot: Shot, box: Rect, fit: str, board: Storyboard) -> Picture:
    """How `shot` is decoded into `box`."""
    return Picture(
        path=shot.path,
        still=shot.info.is_still,
        box=box,
        fit=fit,  # type: ignore[arg-type]
        source_in=first_frame(shot),
        source_out=shot.source_out,
        speed=shot.clip.speed,
        aspect=shot.info.width / shot.info.height,
        zoom=board.style.still_zoom if shot.info.is_still else 0.0,
        hdr=shot.info.hdr,
    )


def _card(kind: str, card: Card, shot: Shot, board: Storyboard, canvas: Canvas) -> Segment:
    background = card.background or board.style.card_background
    pictures: tuple[Picture, ...] = ()
    if background == "blur":
        # A frozen frame of the nearest clip, blurred: the card feels part of the footage.
        at = shot.source_in if kind == "title_card" else max(shot.source_out - 0.05, 0.0)
        frozen = Picture(
            path=shot.path,
            still=True,
            box=canvas.rect,
            fit="cover",
            source_in=at,
            source_out=at,
            hdr=shot.info.hdr,
            blur=True,
        )
        pictures = (frozen,)
        background = board.background
    frames = max(1, to_frames(card.duration, canvas.fps))
    return Segment(kind, 0, frames, pictures, background, name=kind.replace("_", " "))  # type: ignore[arg-type]


def _compare_picture(shot: Shot, box: Rect, board: Storyboard) -> Picture:
    """The shot from its in-point, cropped into its half; a short clip holds its last frame."""
    picture = shot_picture(shot, box, "cover", board)
    if shot.info.is_still or board.compare is None:
        return picture
    wanted = shot.source_in + board.compare.duration * shot.clip.speed
    return dataclasses.replace(picture, source_out=min(wanted, shot.info.duration or wanted))


def compare_shots(board: Storyboard, shots: list[Shot]) -> tuple[Shot, Shot]:
    """The before and after shots named by `compare` ('first'/'last' by date)."""
    assert board.compare is not None
    return _pick(board.compare.before, board, shots), _pick(board.compare.after, board, shots)


def _pick(ref: str, board: Storyboard, shots: list[Shot]) -> Shot:
    if ref == "first":
        return shots[0]
    if ref == "last":
        return shots[-1]
    index = resolve_clip_ref(ref, board.clips)
    return next(s for s in shots if s.index == index)


def compare_boxes(canvas: Canvas, layout: str) -> tuple[Rect, Rect]:
    """Boxes of before and after: stacked on portrait canvases, side by side otherwise.

    A thin gap of background colour separates the halves, so two similar shots never
    read as one picture. Every edge is even, as 4:2:0 chroma needs.
    """
    w, h = canvas.width, canvas.height
    if layout == "wipe":
        return canvas.rect, canvas.rect
    gap = 2 * max(1, min(w, h) // 540)
    if h > w:
        half = h // 4 * 2
        return Rect(0, 0, w, half - gap), Rect(0, half + gap, w, h - half - gap)
    half = w // 4 * 2
    return Rect(0, 0, half - gap, h), Rect(half + gap, 0, w - half - gap, h)


def _compare_segment(board: Storyboard, shots: list[Shot], canvas: Canvas) -> Segment:
    assert board.compare is not None
    before, after = compare_shots(board, shots)
    boxes = compare_boxes(canvas, board.compare.layout)
    pictures = tuple(
        _compare_picture(shot, box, board) for shot, box in zip((before, after), boxes, strict=True)
    )
    frames = max(1, to_frames(board.compare.duration, canvas.fps))
    return Segment(
        "compare",
        0,
        frames,
        pictures,
        board.background,
        layout=board.compare.layout,
        name=f"compare {before.name} / {after.name}",
    )
