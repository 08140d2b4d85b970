"""Checks that look at several fields at once. Pure: no file system.

They run only on a storyboard that passed field validation, and return problems as
(path, message, hint) so the loader can locate them like any other error.
"""

from __future__ import annotations

from collections.abc import Iterator

from montage.storyboard.model import Clip, Storyboard
from montage.storyboard.yamlio import PathKey

Finding = tuple[PathKey, str, str]


def cross_field_findings(board: Storyboard) -> list[Finding]:
    """Every cross-field problem of a validated storyboard."""
    return [
        *_start_date_findings(board),
        *_label_findings(board.clips),
        *_compare_findings(board),
        *_still_findings(board.clips),
    ]


def _start_date_findings(board: Storyboard) -> Iterator[Finding]:
    dated = [c.date for c in board.clips if c.date is not None]
    if board.start_date is not None and dated and board.start_date.date() > min(dated).date():
        first = min(dated)
        yield (
            ("start_date",),
            f"{board.start_date:%Y-%m-%d} is after the first clip ({first:%Y-%m-%d})",
            "day 0 must come before every clip; set start_date earlier or remove it",
        )


def _label_findings(clips: list[Clip]) -> Iterator[Finding]:
    seen: dict[str, int] = {}
    for index, clip in enumerate(clips):
        if clip.label is None:
            continue
        if clip.label in seen:
            yield (
                ("clips", index, "label"),
                f"label {clip.label!r} is already used by clips[{seen[clip.label]}]",
                "labels name clips for `compare`, so each must be unique",
            )
        seen.setdefault(clip.label, index)


def _compare_findings(board: Storyboard) -> Iterator[Finding]:
    if board.compare is None:
        return
    for side in ("before", "after"):
        ref = getattr(board.compare, side)
        if resolve_clip_ref(ref, board.clips) is None:
            labels = [c.label for c in board.clips if c.label]
            yield (
                ("compare", side),
                f"{ref!r} names no clip",
                "use 'first', 'last', a clip number 1-"
                f"{len(board.clips)}" + (f" or a label: {', '.join(labels)}" if labels else ""),
            )


def _still_findings(clips: list[Clip]) -> Iterator[Finding]:
    for index, clip in enumerate(clips):
        if clip.trim is not None and _looks_still(clip.path):
            yield (
                ("clips", index, "trim"),
                "a photo cannot be trimmed",
                "use `duration:` to set how long it shows",
            )


def _looks_still(path: str) -> bool:
    return path.lower().rsplit(".", 1)[-1] in {"jpg", "jpeg", "png", "webp", "bmp", "heic"}


def resolve_clip_ref(ref: str, clips: list[Clip]) -> int | None:
    """Index into `clips` (file order) named by 'first'/'last'/a label/a 1-based number.

    'first' and 'last' are by date, resolved later by the planner; here they always exist.
    """
    if ref in ("first", "last"):
        return 0 if ref == "first" else len(clips) - 1
    for index, clip in enumerate(clips):
        if clip.label == ref:
            return index
    if ref.isdigit() and 1 <= int(ref) <= len(clips):
        return int(ref) - 1
    return None
