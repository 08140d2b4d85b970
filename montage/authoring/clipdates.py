"""Each clip's date as the planner will use it, and where it came from (for `validate`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from montage.errors import MontageError, PlanError, Problem
from montage.media.info import DateFinding
from montage.planner import Probe
from montage.storyboard.load import LoadedStoryboard
from montage.zones import wall_clock, zone_for


@dataclass(frozen=True)
class ClipDate:
    """A clip's date and its source: `storyboard`, `quicktime`, `creation_time`, `exif`,
    `filename` or `mtime` (then `guess` is True)."""

    index: int
    path: str
    date: datetime
    source: str
    guess: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "index": self.index,
            "path": self.path,
            "date": self.date.isoformat(timespec="minutes"),
            "source": self.source,
            "guess": self.guess,
        }


def clip_dates(loaded: LoadedStoryboard, probe: Probe) -> list[ClipDate]:
    """Dates of every clip in storyboard order; files are probed only for omitted dates.

    Raises PlanError, one problem per clip, when a needed date cannot be read.
    """
    board = loaded.storyboard
    found: dict[int, DateFinding] = {}
    problems: list[Problem] = []
    for index, clip in enumerate(board.clips):
        if clip.date is not None:
            continue
        try:
            info = probe(loaded.media_path(clip.path))
        except MontageError as error:
            problems += [
                Problem(
                    f"no date given, and the file cannot be read: {p.message}",
                    path=f"clips[{index}].path",
                    hint="add `date: YYYY-MM-DD`, or fix the file",
                )
                for p in error.problems
            ]
            continue
        if info.date is None:
            problems.append(
                Problem(
                    "no date given and none found",
                    path=f"clips[{index}].date",
                    hint="add `date: YYYY-MM-DD`",
                )
            )
            continue
        found[index] = info.date
    if problems:
        raise loaded.locate(PlanError(problems))
    zone = zone_for(board.time_zone, found.values())  # exactly what the planner does
    return [
        ClipDate(index, clip.path, clip.date, "storyboard")
        if clip.date is not None
        else _found(index, clip.path, found[index], zone)
        for index, clip in enumerate(board.clips)
    ]


def _found(index: int, path: str, finding: DateFinding, zone: tzinfo | None) -> ClipDate:
    """A date found in the file, in wall-clock time as the planner uses it."""
    return ClipDate(index, path, wall_clock(finding, zone), finding.source, finding.guess)
