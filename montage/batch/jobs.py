"""Plan every job of a batch up front, in the parent, before anything renders.

Planning validates each storyboard and probes its media, so invalid jobs (a missing
clip, a trim past the end) fail here, cheaply, and their siblings still run. Knowing
every plan also gives the output paths (checked for collisions), the cost estimate used
to schedule the longest jobs first, and the stamp used to skip up-to-date outputs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from montage.batch.manifest import Stamp, stamp_for
from montage.batch.rows import BatchError
from montage.batch.sources import Source
from montage.errors import MontageError, Problem
from montage.pipeline import LoadOptions, plan_loaded
from montage.timeline import Timeline


@dataclass(frozen=True)
class Job:
    """One montage of a batch: planned (timeline set) or invalid (problems set)."""

    index: int
    name: str
    source: Source
    output: Path | None = None
    timeline: Timeline | None = None
    stamp: Stamp | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def row(self) -> int | None:
        """The 1-based row number for template rows."""
        return self.source.row.number if self.source.row else None

    @property
    def cost(self) -> int:
        """Work estimate for scheduling: frames times canvas pixels."""
        if self.timeline is None:
            return 0
        canvas = self.timeline.canvas
        return self.timeline.total_frames * canvas.width * canvas.height


def plan_jobs(
    sources: list[Source],
    options: LoadOptions,
    on_planned: Callable[[Job], None] | None = None,
) -> list[Job]:
    """Load and plan every source; invalid ones become jobs carrying their problems.

    Raises BatchError, before anything renders, when two jobs would write one output.
    """
    jobs = []
    for index, source in enumerate(sources):
        job = _plan_one(index, source, options)
        jobs.append(job)
        if on_planned is not None:
            on_planned(job)
    check_outputs(jobs)
    return jobs


def _plan_one(index: int, source: Source, options: LoadOptions) -> Job:
    output: Path | None = None
    try:
        output = source.output()  # known even if the row's storyboard is invalid
        loaded, output = source.load(options)
        timeline = plan_loaded(loaded, options)  # the operator's --limit applies here too
    except MontageError as error:
        return Job(index, source.name, source, output, problems=tuple(error.problems))
    return Job(index, source.name, source, output, timeline, stamp_for(timeline))


def check_outputs(jobs: list[Job]) -> None:
    """Raise a BatchError naming every pair of jobs that would write the same file."""
    first: dict[str, Job] = {}
    problems: list[Problem] = []
    for job in jobs:
        if job.output is None:
            continue
        key = os.path.normcase(str(job.output))
        if key in first:
            problems.append(_collision(first[key], job))
        else:
            first[key] = job
    if problems:
        raise BatchError(problems)


def _collision(earlier: Job, later: Job) -> Problem:
    where = later.source.row.where if later.source.row else None
    return Problem(
        f"{later.name} and {earlier.name} would both write {later.output}",
        where,
        "output",
        "make the output pattern unique per row, e.g. out/{{ name }}.mp4",
    )
