"""Feed render tasks to a backend: longest first, isolating failures, stopping cleanly.

- The scheduler keeps at most `backend.window` tasks in flight and submits the next
  one when a slot frees. The order is then exactly the one given (longest first),
  "active" means running, and nothing sits in an executor queue when the batch stops.
- A job's own failure comes back as an `Outcome` and costs nobody else anything.
- A worker process that dies breaks a process pool, failing every job in flight with it.
  Those jobs become suspects and are re-run one at a time in a fresh pool. A suspect
  that kills its worker again while running alone is the culprit and fails; the others
  render normally.
- Ctrl-C or --fail-fast: workers are told to stop (they remove their partial files),
  given a grace period, then killed with their ffmpeg children. Partial files of jobs
  in flight are removed here as well, in case a worker was killed before it could.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from dataclasses import dataclass, field

from montage.batch.backends import Backend, Message
from montage.batch.worker import Outcome, RenderTask, Status
from montage.errors import Problem
from montage.render.output import partial_path

POLL_SECONDS = 0.2  # how often progress messages are drained while jobs run
GRACE_SECONDS = 10.0  # how long stopping jobs may take before they are killed
CRASH = Problem(
    "the worker process rendering this job died (killed, out of memory or crashed)",
    hint="render it alone with `montage render` to see why",
)


@dataclass
class _Flight:
    task: RenderTask
    isolated: bool
    submitted: float = field(default_factory=time.perf_counter)
    pid: int | None = None


@dataclass
class Scheduler:
    """Runs `tasks` (already in priority order) on `backend`; see the module docstring."""

    backend: Backend
    tasks: list[RenderTask]
    on_outcome: Callable[[Outcome], None]
    on_message: Callable[[Message], None] = lambda message: None
    fail_fast: bool = False
    grace: float = GRACE_SECONDS
    stopped: bool = False
    _queue: deque[RenderTask] = field(default_factory=deque)
    _suspects: deque[RenderTask] = field(default_factory=deque)
    _flights: dict[Future[Outcome], _Flight] = field(default_factory=dict)
    _halt_requested: bool = False

    def run(self) -> bool:
        """Run every task; True when interrupted by Ctrl-C (the rest were not started)."""
        self._queue = deque(self.tasks)
        try:
            while self._flights or ((self._queue or self._suspects) and not self.stopped):
                self._fill()
                done, _ = wait(list(self._flights), POLL_SECONDS, FIRST_COMPLETED)
                self._pump()
                for future in done:
                    if future in self._flights:
                        self._settle(future)
                if self._halt_requested and not self.stopped:
                    self._halt()
        except KeyboardInterrupt:
            self._halt()
            return True
        return False

    def _limit(self) -> int:
        isolating = self._suspects or any(f.isolated for f in self._flights.values())
        return 1 if isolating else self.backend.window

    def _fill(self) -> None:
        while not self.stopped and len(self._flights) < self._limit():
            if self._suspects and self._flights:
                return  # a suspect runs alone
            isolated = bool(self._suspects)
            pending = self._suspects if isolated else self._queue
            if not pending:
                return
            task = pending.popleft()
            try:
                future = self.backend.submit(task)
            except Exception as error:
                if not self.backend.crashed(error):
                    raise
                pending.appendleft(task)  # the pool broke before we noticed
                self._crashed()
                continue
            self._flights[future] = _Flight(task, isolated)

    def _pump(self) -> None:
        by_index = {f.task.index: f for f in self._flights.values()}
        for message in self.backend.messages():
            flight = by_index.get(int(message[1]))
            if flight is None:
                continue  # late news from a job already settled
            if message[0] == "started":
                flight.pid = int(message[3])
            self.on_message(message)

    def _settle(self, future: Future[Outcome]) -> None:
        flight = self._flights[future]
        try:
            outcome = future.result()
        except CancelledError:
            outcome = self._outcome(flight, "interrupted")
        except Exception as error:
            if self.backend.crashed(error):
                self._crashed()
                return
            outcome = self._outcome(flight, "failed", _lost(error))
        del self._flights[future]
        self._finish(outcome)

    def _crashed(self) -> None:
        """A worker died: jobs that finished are kept; the others are suspects or culprits."""
        self._pump()  # learn the pids of jobs that had started
        for future, flight in list(self._flights.items()):
            if future.done() and not future.cancelled() and future.exception() is None:
                self._settle(future)
                continue
            del self._flights[future]
            if flight.pid is not None:
                self.backend.kill(flight.pid)
            partial_path(flight.task.output).unlink(missing_ok=True)
            if self.stopped:
                self._finish(self._outcome(flight, "interrupted"))
            elif flight.isolated:
                self._finish(self._outcome(flight, "failed", CRASH))
            else:
                self._suspects.append(flight.task)
        if not self.stopped:
            self.backend.recover()

    def _finish(self, outcome: Outcome) -> None:
        if outcome.status == "failed" and self.fail_fast:
            self._halt_requested = True
        self.on_outcome(outcome)

    def _halt(self) -> None:
        """Stop: ask workers to stop, wait up to `grace`, then kill what still runs."""
        self.stopped = True
        self.backend.stop()
        try:
            deadline = time.monotonic() + self.grace
            while self._flights and time.monotonic() < deadline:
                done, _ = wait(list(self._flights), POLL_SECONDS, FIRST_COMPLETED)
                self._pump()
                for future in done:
                    if future in self._flights:
                        self._settle(future)
        except KeyboardInterrupt:
            pass  # a second Ctrl-C: stop waiting, kill now
        for future, flight in list(self._flights.items()):
            if flight.pid is not None:
                self.backend.kill(flight.pid)
            future.cancel()
            partial_path(flight.task.output).unlink(missing_ok=True)
            self._finish(self._outcome(flight, "interrupted"))
        self._flights.clear()

    @staticmethod
    def _outcome(flight: _Flight, status: Status, problem: Problem | None = None) -> Outcome:
        wall = time.perf_counter() - flight.submitted
        problems = (problem,) if problem else ()
        return Outcome(flight.task.index, status, wall, problems=problems)


def _lost(error: BaseException) -> Problem:
    """A job that never came back: a dead Dask worker, a task that could not be sent."""
    return Problem(
        f"the job could not run: {type(error).__name__}: {error}"[:500],
        hint="check that montage is installed on every worker and that workers stay up",
    )
