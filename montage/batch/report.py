"""The batch report: one entry per job, for people (the CLI) and machines (--json, --report)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from montage import __version__
from montage.batch.jobs import Job
from montage.batch.manifest import write_atomic
from montage.batch.rows import BatchError
from montage.batch.worker import Outcome
from montage.errors import Problem
from montage.storyboard.paths import why_unwritable

JobStatus = Literal["rendered", "skipped", "failed", "interrupted", "cancelled"]
OK_STATUSES = ("rendered", "skipped")


@dataclass(frozen=True)
class JobReport:
    """What became of one job.

    `rendered`, `skipped` (up to date), `failed` (with problems), `interrupted` (stopped
    by Ctrl-C or --fail-fast while rendering) or `cancelled` (never started).
    """

    index: int
    name: str
    source: str
    row: int | None
    status: JobStatus
    output: Path | None
    duration: float | None
    frames: int | None
    wall_seconds: float = 0.0
    worker: str = ""
    bytes: int = 0
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, job: Job, status: JobStatus, outcome: Outcome | None = None, *, note: str = ""
    ) -> JobReport:
        """A report for `job`, with what its worker said when there is an outcome."""
        timeline = job.timeline
        warnings = (*(timeline.warnings if timeline else ()), *((note,) if note else ()))
        return cls(
            job.index,
            job.name,
            str(job.source.origin),
            job.row,
            status,
            job.output,
            timeline.duration if timeline else None,
            timeline.total_frames if timeline else None,
            outcome.wall_seconds if outcome else 0.0,
            outcome.worker if outcome else "",
            outcome.bytes if outcome else 0,
            outcome.problems if outcome else job.problems,
            warnings,
        )

    @property
    def error(self) -> str | None:
        """The problems as text, one per line, each with its location."""
        return "\n".join(str(p) for p in self.problems) or None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; `problems` are `Problem.to_dict()` entries."""
        return {
            "name": self.name,
            "source": self.source,
            "row": self.row,
            "status": self.status,
            "output": str(self.output) if self.output else None,
            "duration": self.duration,
            "frames": self.frames,
            "wall_seconds": round(self.wall_seconds, 3),
            "worker": self.worker or None,
            "bytes": self.bytes,
            "error": self.error,
            "problems": [p.to_dict() for p in self.problems],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class BatchReport:
    """Every job's report, in batch order, and how the batch ended."""

    jobs: tuple[JobReport, ...]
    wall_seconds: float
    interrupted: bool = False

    def count(self, status: JobStatus) -> int:
        """How many jobs ended with `status`."""
        return sum(1 for job in self.jobs if job.status == status)

    @property
    def all_ok(self) -> bool:
        """Every job rendered or was already up to date."""
        return all(job.status in OK_STATUSES for job in self.jobs)

    @property
    def any_ok(self) -> bool:
        """At least one job rendered or was already up to date."""
        return any(job.status in OK_STATUSES for job in self.jobs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the whole batch."""
        counts = Counter(job.status for job in self.jobs)
        return {
            "tool": "montage",
            "version": __version__,
            "interrupted": self.interrupted,
            "wall_seconds": round(self.wall_seconds, 3),
            "summary": {
                "total": len(self.jobs),
                **{s: counts.get(s, 0) for s in (*OK_STATUSES, "failed")},
                "interrupted": counts.get("interrupted", 0),
                "cancelled": counts.get("cancelled", 0),
            },
            "jobs": [job.to_dict() for job in self.jobs],
        }


REPORT_HINT = "choose a file path in a folder you can write to, e.g. report.json"


def check_report_path(path: Path) -> None:
    """Raise a BatchError if no report can be written at `path`; run it before the batch,
    so a typo does not cost the report of a long batch."""
    problem = _unwritable(path.absolute())
    if problem:
        raise BatchError.single(f"cannot write the report {path}: {problem}", hint=REPORT_HINT)


def _unwritable(target: Path) -> str:
    """Why no report can be written at `target`; "" when it can."""
    if target.is_file() and not _is_report(target):
        return "it exists and is not a montage batch report (a rows file, perhaps)"
    return why_unwritable(target)


def _is_report(path: Path) -> bool:
    """Whether `path` holds a report montage wrote (which a new one may replace)."""
    try:
        with path.open("rb") as file:
            data = json.loads(file.read(1 << 24))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and data.get("tool") == "montage"


def write_report(report: BatchReport, path: Path) -> None:
    """Write the JSON report atomically (a reader never sees half a file).

    Raises a BatchError when it cannot be written (e.g. the disk filled up meanwhile).
    """
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise BatchError.single(
            f"cannot write the report {path}: {reason}", hint=REPORT_HINT
        ) from None
