"""What runs in a worker process: render one planned job and report back.

`render_job` never raises for a job's own failure. It returns an `Outcome` whose
problems say what went wrong, so one bad job cannot take the batch down. The parent
talks to workers through a `Channel`, a small picklable object: workers report "started"
(with their pid) and progress, and stop rendering cooperatively when asked.
"""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from montage.batch.manifest import input_files
from montage.errors import MediaError, MontageError, Problem
from montage.render import render_timeline
from montage.render.output import Progress
from montage.timeline import Timeline

Status = Literal["rendered", "failed", "interrupted"]
PROGRESS_EVERY = 0.25  # seconds between progress messages from one job


class StoppedError(Exception):
    """Raised inside a render when the batch is stopping (Ctrl-C or --fail-fast)."""


@dataclass(frozen=True)
class RenderTask:
    """Everything a worker needs: the plan, an absolute output path, ffmpeg threads."""

    index: int
    timeline: Timeline
    output: Path
    threads: int | None = None


@dataclass(frozen=True)
class Outcome:
    """What happened to one task in its worker."""

    index: int
    status: Status
    wall_seconds: float
    worker: str = ""
    bytes: int = 0
    problems: tuple[Problem, ...] = ()


class Channel(Protocol):
    """How a worker talks to the parent; implementations must pickle cheaply."""

    def send(self, message: tuple[Any, ...]) -> None:
        """Deliver a small message to the parent (best effort)."""

    def stopping(self) -> bool:
        """True once the parent asked every job to stop."""

    def threads(self, planned: int | None) -> int | None:
        """ffmpeg threads for this job on this worker."""


def worker_name() -> str:
    """`host:pid`, shown in reports and used to kill a crashed worker's process group."""
    return f"{socket.gethostname()}:{os.getpid()}"


def render_job(task: RenderTask, channel: Channel) -> Outcome:
    """Render `task` to its output atomically; failures come back as an `Outcome`."""
    started = time.perf_counter()
    name = worker_name()
    try:
        # "started" first, synchronously: the parent then knows whose process group to
        # kill if this worker dies, before any ffmpeg child exists.
        channel.send(("started", task.index, socket.gethostname(), os.getpid()))
        check_visible(task.timeline)
        if channel.stopping():
            raise StoppedError
        result = render_timeline(
            task.timeline,
            task.output,
            progress=_progress(task.index, channel),
            threads=channel.threads(task.threads),
        )
    except (StoppedError, KeyboardInterrupt):
        return Outcome(task.index, "interrupted", time.perf_counter() - started, name)
    except MontageError as error:
        return Outcome(task.index, "failed", time.perf_counter() - started, name, 0, _own(error))
    except Exception as exc:  # a bug or an unexpected library error: report it, carry on
        problem = Problem(
            f"{type(exc).__name__}: {exc}"[:500],
            hint="this looks like a bug in montage; please report it with this message",
        )
        return Outcome(task.index, "failed", time.perf_counter() - started, name, 0, (problem,))
    return Outcome(task.index, "rendered", result.wall_seconds, name, result.bytes)


def _own(error: MontageError) -> tuple[Problem, ...]:
    return tuple(error.problems) or (Problem(str(error)),)


def check_visible(timeline: Timeline) -> None:
    """Fail clearly when this worker cannot see an input (no shared filesystem)."""
    missing = [p for p in input_files(timeline) if not p.is_file()]
    if missing:
        host = socket.gethostname()
        raise MediaError(
            [
                Problem(
                    f"{path} is not visible on worker {host}",
                    hint="inputs must be on a filesystem every worker mounts at the same path",
                )
                for path in missing
            ]
        )


def _progress(index: int, channel: Channel) -> Progress:
    last = 0.0

    def report(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < PROGRESS_EVERY and done < total:
            return
        last = now
        if channel.stopping():
            raise StoppedError  # render_timeline removes the partial file on the way out
        channel.send(("progress", index, done, total))

    return report


# --- the local process pool's channel -------------------------------------------------

_LOCAL: dict[str, Any] = {}


def init_local_worker(messages: Any, stop: Any) -> None:
    """ProcessPoolExecutor initializer: keep the channel ends, leave the terminal's group.

    In its own process group a worker (and its ffmpeg children) does not receive the
    terminal's Ctrl-C; the parent stops it cooperatively, or kills the whole group.
    """
    os.setpgrp()
    _LOCAL["messages"], _LOCAL["stop"] = messages, stop


@dataclass(frozen=True)
class LocalChannel:
    """Channel through the queue and event handed to each pool process at start."""

    def send(self, message: tuple[Any, ...]) -> None:
        """Put a message on the parent's queue (a SimpleQueue: written when this returns)."""
        _LOCAL["messages"].put(message)

    def stopping(self) -> bool:
        """Whether the parent set the stop event."""
        return bool(_LOCAL["stop"].is_set())

    def threads(self, planned: int | None) -> int | None:
        """The parent already divided the cores among the pool's processes."""
        return planned
