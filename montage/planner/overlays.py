"""Which texts appear when: captions, counter, date stamp, hashtags, card titles, labels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from montage.planner.dates import format_counter
from montage.planner.segments import compare_shots
from montage.planner.shots import Shot
from montage.storyboard.model import Storyboard
from montage.timeline import Rect, Segment


@dataclass(frozen=True)
class TextItem:
    """A text to place: its kind selects its style; `region` pins it (compare labels)."""

    kind: str
    text: str
    start: int
    end: int
    fade_in: int
    fade_out: int
    path: str
    segment: int | None = None
    region: Rect | None = None
    pin: str = "top"


def text_items(
    board: Storyboard,
    segments: list[Segment],
    shots: list[Shot],
    start_date: datetime,
    label_regions: tuple[Rect, Rect] | None,
) -> list[TextItem]:
    """Every text item of the montage, in play order."""
    items: list[TextItem] = []
    by_index = {shot.index: shot for shot in shots}
    for number, segment in enumerate(segments):
        span = handover_span(segments, number)
        if segment.kind == "clip" and segment.clip_index is not None:
            items += _clip_texts(board, by_index[segment.clip_index], start_date, span, number)
        elif segment.kind in ("title_card", "end_card"):
            card = board.title_card if segment.kind == "title_card" else board.end_card
            assert card is not None
            items.append(TextItem("title", card.text, *span, f"{segment.kind}.text", number))
        elif segment.kind == "compare" and label_regions:
            items += _compare_labels(board, shots, start_date, span, number, label_regions)
    items += _hashtag_items(board, segments)
    return items


def handover_span(segments: list[Segment], number: int) -> tuple[int, int, int, int]:
    """(start, end, fade_in, fade_out) of a segment's texts.

    Texts hand over at the middle of each transition: the outgoing ones fade out over
    its first half and the incoming ones fade in over its second half, so two counters
    or captions never show on top of each other.
    """
    segment = segments[number]
    enter = segment.enter.frames
    leave = segments[number + 1].enter.frames if number + 1 < len(segments) else 0
    start = segment.start + (enter + 1) // 2
    end = segment.end - leave + leave // 2
    return start, end, enter // 2, leave // 2


def _clip_texts(
    board: Storyboard,
    shot: Shot,
    start_date: datetime,
    span: tuple[int, int, int, int],
    number: int,
) -> list[TextItem]:
    where = f"clips[{shot.index}]"
    overlays = board.overlays
    items = []
    if shot.clip.caption:
        items.append(TextItem("caption", shot.clip.caption, *span, f"{where}.caption", number))
    if overlays.counter:
        text = format_counter(overlays.counter, start_date, shot.date)
        items.append(TextItem("counter", text, *span, f"{where} (overlays.counter)", number))
    if overlays.date_stamp:
        text = shot.date.strftime(overlays.date_stamp)
        items.append(TextItem("date_stamp", text, *span, f"{where} (overlays.date_stamp)", number))
    return items


def _compare_labels(
    board: Storyboard,
    shots: list[Shot],
    start_date: datetime,
    span: tuple[int, int, int, int],
    number: int,
    regions: tuple[Rect, Rect],
) -> list[TextItem]:
    # Labels hug the divider: faces sit high in a frame, and the eye is on the split.
    stacked = regions[0].y < regions[1].y
    pins = ("bottom", "top") if stacked else ("bottom", "bottom")
    items = []
    for side, shot, region, pin in zip(
        ("before", "after"), compare_shots(board, shots), regions, pins, strict=True
    ):
        text = compare_label(board, shot, start_date, side)
        items.append(TextItem("label", text, *span, f"compare.{side}", number, region, pin))
    return items


def compare_label(board: Storyboard, shot: Shot, start_date: datetime, side: str) -> str:
    """'Day 4 · Jan 06, 2023': the clip's label or counter, then its date."""
    name = shot.clip.label
    if name is None and board.overlays.counter:
        name = format_counter(board.overlays.counter, start_date, shot.date)
    date_format = board.overlays.date_stamp or "%b %d, %Y"
    return f"{name or side.capitalize()} · {shot.date.strftime(date_format)}"


def _hashtag_items(board: Storyboard, segments: list[Segment]) -> list[TextItem]:
    tags = " ".join(board.overlays.hashtags)
    clips = [(i, s) for i, s in enumerate(segments) if s.kind == "clip"]
    if not tags or not clips:
        return []
    if board.style.hashtags_show == "end":
        last = len(segments) - 1
        chosen = [(last, segments[last])]
    else:
        chosen = [clips[0], clips[-1]]
    first = chosen[0][1]
    last_number, last_segment = chosen[-1]
    fade_out = segments[last_number + 1].enter.frames if last_number + 1 < len(segments) else 0
    return [
        TextItem(
            "hashtags",
            tags,
            first.start,
            last_segment.end,
            first.enter.frames,
            fade_out,
            "overlays.hashtags",
        )
    ]
