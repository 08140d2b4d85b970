"""Resolve each clip into a `Shot`: its date, source range and length in frames."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from montage.errors import MontageError, PlanError, Problem
from montage.media.info import DateFinding, MediaInfo
from montage.storyboard.model import Clip, Storyboard
from montage.timecode import to_frames
from montage.zones import wall_clock, zone_for


@dataclass(frozen=True)
class Shot:
    """A clip with everything the planner derived for it."""

    index: int
    clip: Clip
    path: Path
    info: MediaInfo
    date: datetime
    date_source: str
    source_in: float
    source_out: float
    frames: int

    @property
    def name(self) -> str:
        """Short name for tables and messages."""
        return self.clip.label or self.path.name


def resolve_shots(
    board: Storyboard, infos: list[MediaInfo], paths: list[Path], fps: int
) -> tuple[list[Shot], list[str]]:
    """Shots in date order (file order breaks ties) and warnings; all problems at once."""
    shots: list[Shot] = []
    problems: list[Problem] = []
    warnings: list[str] = []
    zone = zone_for(board.time_zone, found_dates(board, infos))
    for index, (clip, info, path) in enumerate(zip(board.clips, infos, paths, strict=True)):
        try:
            shot = _shot(index, clip, info, path, board.style.still_duration, fps, zone)
        except MontageError as error:
            problems.extend(error.problems)
            continue
        if shot.date_source == "mtime":
            warnings.append(
                f"clips[{index}]: date {shot.date:%Y-%m-%d} is a guess from the "
                "file's modification time; add `date:` to be sure"
            )
        shots.append(shot)
    if problems:
        raise PlanError(problems)
    shots.sort(key=lambda s: (s.date, s.index))
    return shots, warnings


def _shot(
    index: int,
    clip: Clip,
    info: MediaInfo,
    path: Path,
    still_seconds: float,
    fps: int,
    zone: tzinfo | None,
) -> Shot:
    date, source = _date(index, clip, info, zone)
    if info.is_still:
        seconds = clip.duration or still_seconds
        return Shot(
            index, clip, path, info, date, source, 0.0, 0.0, max(1, to_frames(seconds, fps))
        )
    source_in, source_out = _source_range(index, clip, info)
    shown = (source_out - source_in) / clip.speed
    if clip.duration is not None and clip.duration < shown:
        shown = clip.duration
        source_out = source_in + shown * clip.speed
    return Shot(
        index, clip, path, info, date, source, source_in, source_out, max(1, to_frames(shown, fps))
    )


def found_dates(board: Storyboard, infos: list[MediaInfo]) -> list[DateFinding]:
    """Dates found in the files of clips without `date:` (they choose the zone)."""
    return [i.date for c, i in zip(board.clips, infos, strict=True) if c.date is None and i.date]


def _date(index: int, clip: Clip, info: MediaInfo, zone: tzinfo | None) -> tuple[datetime, str]:
    if clip.date is not None:
        return clip.date, "storyboard"
    if info.date is not None:
        return wall_clock(info.date, zone), info.date.source
    raise PlanError.single(
        "no date given and none found in the file's metadata or name",
        path=f"clips[{index}].date",
        hint="add `date: YYYY-MM-DD`",
    )


def _source_range(index: int, clip: Clip, info: MediaInfo) -> tuple[float, float]:
    length = info.duration or 0.0
    start = clip.trim.start if clip.trim else 0.0
    end = clip.trim.end if clip.trim and clip.trim.end is not None else length
    if start >= length:
        raise PlanError.single(
            f"start ({start:g}s) is past the clip's length ({length:.2f}s)",
            path=f"clips[{index}].trim.start",
            hint=f"use a start below {length:.2f}",
        )
    if end > length + 0.05:
        raise PlanError.single(
            f"end ({end:g}s) is past the clip's length ({length:.2f}s)",
            path=f"clips[{index}].trim.end",
            hint=f"use an end of at most {length:.2f}, or remove it",
        )
    return start, min(end, length)
