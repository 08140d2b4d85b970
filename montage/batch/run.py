"""Run a batch: discover, plan everything, skip what is up to date, render the rest.

    report = run_batch([Path("batch.yaml")], BatchOptions(jobs=2))

Planning happens in this process before any rendering, so invalid jobs are reported at
once and colliding outputs stop the batch before it starts. Rendering happens on a
backend (a local process pool, or Dask with `scheduler=`), longest job first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from montage.batch.backends import Backend, Message, ProcessBackend
from montage.batch.jobs import Job, plan_jobs
from montage.batch.manifest import is_up_to_date, write_manifest
from montage.batch.report import BatchReport, JobReport
from montage.batch.schedule import Scheduler
from montage.batch.sources import discover
from montage.batch.worker import Outcome, RenderTask
from montage.cores import available_cores
from montage.options import LoadOptions

BackendFactory = Callable[[int], Backend]  # given the number of jobs to run at once


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch (the CLI's flags)."""

    load: LoadOptions = field(default_factory=LoadOptions)
    jobs: int | None = None  # at once; default: the cores (local) or the cluster's threads
    fail_fast: bool = False
    force: bool = False
    scheduler: str | None = None  # a Dask scheduler address, e.g. tcp://host:8786


class Observer:
    """Hooks for following a batch (progress display, tests). All run on the calling thread."""

    def planned(self, jobs: list[Job]) -> None:
        """Every job is planned; rendering starts next."""

    def started(self, job: Job, worker: str) -> None:
        """A worker (`host:pid`) began rendering `job`."""

    def progress(self, job: Job, done: int, total: int) -> None:
        """`done` of `total` frames of `job` are encoded."""

    def finished(self, report: JobReport) -> None:
        """`job` ended: rendered, skipped, failed, interrupted or cancelled."""


def run_batch(
    paths: list[Path],
    options: BatchOptions = BatchOptions(),
    observer: Observer | None = None,
    backend: BackendFactory | None = None,
) -> BatchReport:
    """Render every montage `paths` name; raises BatchError when nothing can start.

    A KeyboardInterrupt while rendering stops the workers, removes partial files and
    returns a report with `interrupted=True`.
    """
    started = time.perf_counter()
    observer = observer or Observer()
    if options.scheduler and backend is None:
        from montage.batch.cluster import check_scheduler  # Dask is optional: import it late

        check_scheduler(options.scheduler)  # before planning, which may take minutes
    jobs = plan_jobs(discover(paths), options.load)
    observer.planned(jobs)
    reports: dict[int, JobReport] = {}

    def finish(report: JobReport) -> None:
        reports[report.index] = report
        observer.finished(report)

    todo = _triage(jobs, options.force, finish)
    interrupted = False
    if todo and not (options.fail_fast and reports and not all_ok(reports)):
        factory = backend or _default_backend(options)
        interrupted = _render(todo, options, factory, observer, finish)
    for job in jobs:
        if job.index not in reports:
            finish(JobReport.of(job, "cancelled"))
    ordered = tuple(reports[job.index] for job in jobs)
    return BatchReport(ordered, time.perf_counter() - started, interrupted)


def all_ok(reports: dict[int, JobReport]) -> bool:
    """No job so far failed."""
    return all(r.status != "failed" for r in reports.values())


def _triage(jobs: list[Job], force: bool, finish: Callable[[JobReport], None]) -> list[Job]:
    """Report invalid and up-to-date jobs now; return the ones to render."""
    todo = []
    for job in jobs:
        if job.problems or job.stamp is None or job.output is None:
            finish(JobReport.of(job, "failed"))
        elif not force and is_up_to_date(job.output, job.stamp):
            finish(JobReport.of(job, "skipped"))
        else:
            todo.append(job)
    return todo


def _default_backend(options: BatchOptions) -> BackendFactory:
    if options.scheduler:
        from montage.batch.cluster import DaskBackend  # Dask is optional: import it late

        address = options.scheduler
        return lambda window: DaskBackend(address, jobs=options.jobs)
    return ProcessBackend


def _render(
    todo: list[Job],
    options: BatchOptions,
    factory: BackendFactory,
    observer: Observer,
    finish: Callable[[JobReport], None],
) -> bool:
    """Render `todo` longest first; True when interrupted."""
    by_index = {job.index: job for job in todo}
    window = min(options.jobs or available_cores(), len(todo))
    # Locally the cores are divided among the jobs running at once; on Dask each worker
    # divides its own host's cores (threads=None).
    threads = None if options.scheduler else max(1, available_cores() // window)
    ordered = sorted(todo, key=lambda job: (-job.cost, job.index))
    tasks = [_task(job, threads) for job in ordered]

    def on_outcome(outcome: Outcome) -> None:
        finish(_recorded(by_index[outcome.index], outcome))

    def on_message(message: Message) -> None:
        job = by_index[int(message[1])]
        if message[0] == "started":
            observer.started(job, f"{message[2]}:{message[3]}")
        elif message[0] == "progress":
            observer.progress(job, int(message[2]), int(message[3]))

    backend = factory(window)
    try:
        scheduler = Scheduler(backend, tasks, on_outcome, on_message, options.fail_fast)
        return scheduler.run()
    finally:
        backend.close()


def _task(job: Job, threads: int | None) -> RenderTask:
    if job.timeline is None or job.output is None:
        raise ValueError(f"{job.name} was not planned")  # _triage keeps these out
    return RenderTask(job.index, job.timeline, job.output, threads)


def _recorded(job: Job, outcome: Outcome) -> JobReport:
    """The job's report; a rendered output also gets its manifest."""
    if outcome.status != "rendered" or job.output is None or job.stamp is None:
        return JobReport.of(job, outcome.status, outcome)
    try:
        write_manifest(job.output, job.stamp, job.name)
    except OSError as exc:
        note = f"could not write the manifest, so the next run renders it again: {exc}"
        return JobReport.of(job, "rendered", outcome, note=note)
    return JobReport.of(job, "rendered", outcome)
