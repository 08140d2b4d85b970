"""`montage batch`: render many storyboards, or a template times many rows, in parallel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from montage.batch import (
    BatchOptions,
    BatchReport,
    JobReport,
    Observer,
    run_batch,
    write_report,
)
from montage.batch.jobs import Job
from montage.batch.report import check_report_path
from montage.cli.common import (
    AllowOutsideOption,
    AllowTruncatedOption,
    Exit,
    JsonOption,
    LimitOption,
    PresetsDirOption,
    SetOption,
    err,
    load_options,
    print_error,
    print_json,
)
from montage.errors import MontageError

INTERRUPTED = 130
_STYLE = {
    "rendered": "green",
    "skipped": "dim",
    "failed": "red",
    "interrupted": "yellow",
    "cancelled": "yellow",
}


PathsArg = Annotated[
    list[Path], typer.Argument(help="Storyboard files, folders of them, or batch files.")
]
JobsOption = Annotated[
    int | None,
    typer.Option("--jobs", "-j", min=1, help="Jobs at once (default: cores, or cluster)."),
]
FailFastOption = Annotated[
    bool, typer.Option("--fail-fast", help="Stop everything at the first failure.")
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Render even outputs that are up to date.")
]
SchedulerOption = Annotated[
    str | None, typer.Option("--scheduler", help="Run on a Dask cluster, e.g. tcp://host:8786.")
]
ReportOption = Annotated[
    Path | None, typer.Option("--report", help="Write the JSON report to this file.")
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]


def batch(
    paths: PathsArg,
    jobs: JobsOption = None,
    fail_fast: FailFastOption = False,
    force: ForceOption = False,
    scheduler: SchedulerOption = None,
    report: ReportOption = None,
    quiet: QuietOption = False,
    set_: SetOption = None,
    presets_dir: PresetsDirOption = None,
    allow_outside: AllowOutsideOption = None,
    allow_truncated: AllowTruncatedOption = False,
    limit: LimitOption = None,
    json_: JsonOption = False,
) -> None:
    """Render many montages: storyboards, folders, or a template with rows (CSV/YAML/JSON).

    Up-to-date outputs are skipped (see `.NAME.mp4.montage.json` beside each output).
    Exit codes: 0 all ok, 4 some failed, 1 nothing could run, 130 interrupted.
    """
    load = load_options(set_, presets_dir, allow_outside, allow_truncated, limit)
    options = BatchOptions(load, jobs, fail_fast, force, scheduler)
    display = _Display(live=not (quiet or json_) and err.is_terminal, lines=not (quiet or json_))
    display.errors = not json_  # --json carries the problems; stderr stays quiet
    try:
        if report is not None:
            check_report_path(report)  # now, not after a batch that may take hours
        with display:
            result = run_batch(paths, options, display)
    except MontageError as error:
        _fail(error, json_)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/] while planning: nothing was rendered")
        raise typer.Exit(INTERRUPTED) from None
    code = exit_code(result)
    if json_:
        print_json(result.to_dict())
    elif not quiet or result.interrupted:
        err.print(summary(result))
    if report is not None:
        try:
            write_report(result, report)
        except MontageError as error:
            print_error(error)  # the batch's own outcome is printed above
            code = code or Exit.ERROR
    raise typer.Exit(code)


def _fail(error: MontageError, json_: bool) -> NoReturn:
    """Nothing could run: print the problems (also as JSON with --json), exit 1."""
    if json_:
        print_json({"error": str(error), "problems": [p.to_dict() for p in error.problems]})
    print_error(error)
    raise typer.Exit(Exit.ERROR) from None


def exit_code(result: BatchReport) -> int:
    """0 all ok, 4 some failed, 1 none succeeded, 130 interrupted."""
    if result.interrupted:
        return INTERRUPTED
    if result.all_ok:
        return Exit.OK
    return Exit.SOME_FAILED if result.any_ok else Exit.ERROR


def summary(result: BatchReport) -> str:
    """One line: how many jobs ended how, and the wall time."""
    parts = [
        f"[{_STYLE[s]}]{result.count(s)} {s}[/]"
        for s in ("rendered", "skipped", "failed", "interrupted", "cancelled")
        if result.count(s) or s in ("rendered", "failed")
    ]
    head = "[yellow]interrupted[/]: " if result.interrupted else ""
    tail = "; no partial files were left" if result.interrupted else ""
    return f"{head}{', '.join(parts)} in {result.wall_seconds:.1f} s{tail}"


class _Display(Observer):
    """Progress on stderr: an overall bar and a line per running job (on a terminal),
    else one line per finished job. Problems of failed jobs are always printed."""

    def __init__(self, *, live: bool, lines: bool) -> None:
        self.lines, self.errors = lines, True
        self.bar: Progress | None = None
        if live:
            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[note]}"),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
        self.overall: TaskID | None = None
        self.running: dict[int, TaskID] = {}

    def __enter__(self) -> _Display:
        if self.bar is not None:
            self.bar.start()
            self.overall = self.bar.add_task("planning", total=None, note="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def planned(self, jobs: list[Job]) -> None:
        """Size the overall bar."""
        if self.bar is not None and self.overall is not None:
            self.bar.update(self.overall, description="batch", total=len(jobs), note="jobs")

    def started(self, job: Job, worker: str) -> None:
        """A line for the job while it runs."""
        if self.bar is not None:
            total = job.timeline.total_frames if job.timeline else None
            self.running[job.index] = self.bar.add_task(
                f"  {escape(job.name)}", total=total, note=escape(worker)
            )

    def progress(self, job: Job, done: int, total: int) -> None:
        """Move the job's line."""
        if self.bar is not None and job.index in self.running:
            self.bar.update(self.running[job.index], completed=done, total=total)

    def finished(self, report: JobReport) -> None:
        """Drop the job's line, advance the overall bar, print the result or problems."""
        if self.bar is not None:
            task = self.running.pop(report.index, None)
            if task is not None:
                self.bar.remove_task(task)
            if self.overall is not None:
                self.bar.advance(self.overall)
        if report.status == "failed" and self.errors:
            err.print(f"[red]failed[/] {escape(report.name)}")
            print_error(MontageError(list(report.problems)))
        elif self.lines and report.status != "failed":
            err.print(_line(report))


def _line(report: JobReport) -> str:
    style = _STYLE[report.status]
    target = escape(str(report.output)) if report.output else escape(report.name)
    if report.status == "rendered":
        detail = f"({report.duration or 0:.2f} s montage in {report.wall_seconds:.1f} s)"
    elif report.status == "skipped":
        detail = "(up to date)"
    else:
        detail = ""
    return f"[{style}]{report.status}[/] {target} {detail}".rstrip()
