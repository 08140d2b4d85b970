"""The executor seam: where render tasks run.

A `Backend` is a `concurrent.futures.Executor` plus the channel its workers report
through. `ProcessBackend` runs jobs in a local process pool; `montage.batch.cluster`
runs them on a Dask cluster through `Client.get_executor()`. The scheduler only calls
the methods below, so any Executor whose workers can import montage can be plugged in.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from typing import Any

from montage.batch.worker import (
    Channel,
    LocalChannel,
    Outcome,
    RenderTask,
    init_local_worker,
    render_job,
)

Message = tuple[Any, ...]


class Backend:
    """An Executor plus the channel to its workers. Subclasses add messages and stopping."""

    def __init__(self, make_executor: Callable[[], Executor], channel: Channel, window: int):
        self.window = max(1, window)
        self.channel = channel
        self._make_executor = make_executor
        self._executor = make_executor()

    def submit(self, task: RenderTask) -> Future[Outcome]:
        """Start rendering `task` on some worker."""
        return self._executor.submit(render_job, task, self.channel)

    def messages(self) -> list[Message]:
        """Messages workers sent since the last call ("started", "progress")."""
        return []

    def crashed(self, error: BaseException) -> bool:
        """Whether `error` means the executor itself broke (a worker process died)."""
        return isinstance(error, BrokenExecutor)

    def recover(self) -> None:
        """Replace a broken executor with a fresh one."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._executor = self._make_executor()

    def stop(self) -> None:
        """Ask every running job to stop (they remove their partial files)."""

    def kill(self, pid: int) -> None:
        """Kill the worker `pid` and its children, after `stop` was not enough."""

    def close(self) -> None:
        """Shut the executor down, cancelling what has not started."""
        self._executor.shutdown(wait=True, cancel_futures=True)


class ProcessBackend(Backend):
    """A local process pool; each worker is its own process group.

    Workers come from a forkserver that has already imported the renderer, so a new
    worker (also one replacing a crashed one) starts in milliseconds, and the parent's
    threads (progress display, executor manager) are never forked.
    """

    def __init__(self, window: int) -> None:
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["montage.batch.worker"])
        self._stop = self._context.Event()
        self._pids: set[int] = set()
        self._queue: Any = None
        super().__init__(self._new_pool, LocalChannel(), window)

    def _new_pool(self) -> Executor:
        # A fresh queue per pool: a worker killed while writing may leave the old one's
        # lock held.
        self._queue = self._context.SimpleQueue()
        return ProcessPoolExecutor(
            self.window,
            mp_context=self._context,
            initializer=init_local_worker,
            initargs=(self._queue, self._stop),
        )

    def messages(self) -> list[Message]:
        """Drain the queue; remember every worker pid that started a job."""
        found: list[Message] = []
        while not self._queue.empty():
            message = self._queue.get()
            if message[0] == "started":
                self._pids.add(int(message[3]))
            found.append(message)
        return found

    def recover(self) -> None:
        """New pool after a crash; the old workers' process groups are killed first."""
        self._kill_groups()
        old_queue = self._queue
        super().recover()
        old_queue.close()

    def stop(self) -> None:
        """Set the event every worker checks between frames."""
        self._stop.set()

    def kill(self, pid: int) -> None:
        """SIGKILL the worker's whole process group: the worker and its ffmpeg children."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)

    def close(self) -> None:
        """Shut the pool down, then make sure no worker's ffmpeg child outlives it."""
        try:
            super().close()
        finally:
            self._kill_groups()
            self._queue.close()  # its pipe would stay open until garbage collection

    def _kill_groups(self) -> None:
        for pid in self._pids:
            self.kill(pid)
        self._pids.clear()
