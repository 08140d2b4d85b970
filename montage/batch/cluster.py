"""Run batch jobs on a Dask distributed cluster (`montage batch ... --scheduler ADDRESS`).

Install the extra on the machine running `montage batch` and on every worker:

    pip install 'montage-assembler[dask]'

Start a scheduler on one machine, then one worker per machine. One thread per core
is too many: each job's encoder already uses several cores, so give a worker about
one thread per 2-4 cores.

    dask scheduler                                   # listens on tcp://HOST:8786
    dask worker tcp://HOST:8786 --nthreads 2         # on each render machine
    montage batch batch.yaml --scheduler tcp://HOST:8786

Clips, templates, rows and the output folder must be on a filesystem that every worker
mounts at the same path as the machine running `montage batch` (NFS, SMB, a cluster
filesystem). Paths are resolved to absolute paths before the jobs are submitted. A
worker that cannot see an input fails that job with "... is not visible on worker HOST".
Each job gets `cores // threads on that host` ffmpeg threads. Ctrl-C (or --fail-fast)
sets a Dask Event that running jobs check between frames. They stop and remove their
partial files. A job whose worker dies is retried by Dask on another worker, and after
`distributed.scheduler.allowed-failures` deaths it is reported as failed.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from typing import Any

from montage.batch.backends import Backend, Message
from montage.batch.rows import BatchError

INSTALL_HINT = "pip install 'montage-assembler[dask]'"
ADDRESS_HINT = "write the address `dask scheduler` prints, e.g. tcp://HOST:8786"
_SCHEMES = ("tcp", "tls", "ws", "wss", "inproc", "ucx")  # what distributed registers
_HOST_PORT = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(\d{1,5})")
_QUEUES: dict[str, Any] = {}  # in a worker: the batch's Queue handle, by name


def import_distributed() -> Any:
    """`distributed`, imported lazily, or a BatchError with the pip command."""
    try:
        import distributed
    except ImportError:
        raise BatchError.single(
            "running on a Dask cluster needs the optional Dask dependency",
            hint=INSTALL_HINT,
        ) from None
    return distributed


def check_scheduler(address: str) -> None:
    """Refuse a malformed address, or a missing Dask, before the batch is planned.

    Given a malformed address, `Client` raises a bare ValueError after a wait, and its
    half-built instance prints another traceback when collected.
    """
    problem = address_problem(address)
    if problem:
        raise BatchError.single(
            f"{address!r} is not a Dask scheduler address: {problem}", hint=ADDRESS_HINT
        )
    import_distributed()


def address_problem(address: str) -> str:
    """Why `address` is not `[SCHEME://]HOST:PORT`; "" when it looks right."""
    scheme, sep, location = address.rpartition("://")
    if sep and scheme not in _SCHEMES:
        return f"unknown scheme {scheme!r} (known: {', '.join(_SCHEMES)})"
    if scheme in ("inproc", "ucx"):
        return ""  # no HOST:PORT form to check; connecting reports what is wrong
    found = _HOST_PORT.fullmatch(location)
    if found is None:
        return "it needs a host and a port, HOST:PORT"
    if not 0 < int(found.group(2)) < 65536:
        return f"port {found.group(2)} is not between 1 and 65535"
    return ""


def _host(address: str) -> str:
    return address.split("://")[-1].rsplit(":", 1)[0]


@dataclass(frozen=True)
class DaskChannel:
    """Channel through a named Dask Queue (messages) and Event (stop) on the scheduler."""

    name: str
    slots: tuple[tuple[str, int], ...] = ()  # (host, worker threads on that host)

    def send(self, message: tuple[Any, ...]) -> None:
        """Put a message on the batch's queue; progress is best effort."""
        import distributed

        try:
            # One Queue handle per worker process: each handle is a reference the
            # scheduler counts, and creating one is a round trip.
            queue = _QUEUES.get(self.name) or _QUEUES.setdefault(
                self.name, distributed.Queue(self.name)
            )
            queue.put(list(message))
        except Exception:  # never fail a render because a progress message was lost
            return

    def stopping(self) -> bool:
        """Whether the batch's stop Event is set (a scheduler round trip, a few a second)."""
        import distributed

        try:
            return bool(distributed.Event(self.name).is_set())
        except Exception:  # an unreachable scheduler must not fail the render
            return False

    def threads(self, planned: int | None) -> int | None:
        """Divide this host's cores among the jobs that can run on it at once."""
        import distributed

        try:
            host = _host(distributed.get_worker().address)
        except ValueError:  # not inside a Dask worker
            return planned
        slots = dict(self.slots).get(host, 1)
        return max(1, (os.cpu_count() or 1) // max(1, slots))


class DaskBackend(Backend):
    """Jobs on an existing cluster, through `Client.get_executor()`.

    Pass `address` (`tcp://HOST:8786`) to connect, or an existing `client`.
    """

    def __init__(self, address: str | None = None, *, client: Any = None, jobs: int | None = None):
        distributed = import_distributed()
        self._owns_client = client is None
        self.client = client if client is not None else _connect(distributed, address)
        nthreads: dict[str, int] = self.client.nthreads()
        if not nthreads:
            self.close_client()
            raise BatchError.single(
                f"the Dask cluster at {address or self.client.scheduler.address} has no workers",
                hint="start some with `dask worker tcp://HOST:8786`",
            )
        slots: dict[str, int] = {}
        for worker, count in nthreads.items():
            slots[_host(worker)] = slots.get(_host(worker), 0) + count
        name = self._name = f"montage-batch-{uuid.uuid4().hex}"
        self._stopped = False
        self._queue = distributed.Queue(name, client=self.client)
        self._event = distributed.Event(name, client=self.client)
        window = jobs or sum(nthreads.values())
        channel = DaskChannel(name, tuple(sorted(slots.items())))
        super().__init__(lambda: self.client.get_executor(pure=False), channel, window)

    def messages(self) -> list[Message]:
        """Everything workers put on the batch's queue so far."""
        return [tuple(m) for m in self._queue.get(batch=True)]

    def crashed(self, error: BaseException) -> bool:
        """Never: Dask reschedules a dead worker's tasks; KilledWorker fails that job only."""
        return False

    def stop(self) -> None:
        """Set the batch's stop Event."""
        self._stopped = True
        self._event.set()

    def close(self) -> None:
        """Cancel what is left, release the batch's Queue and Event, disconnect if ours."""
        try:
            self._executor.shutdown(wait=False)  # ClientExecutor has no cancel_futures
            if not self._stopped:
                # After a stop, cancelled tasks may still run until they see the Event,
                # so it stays set. Otherwise release everything the batch left on the
                # scheduler: the workers' queue handles, ours, and the Event.
                self.client.run(release_queue, self._name)
                self._event.clear()
            self._queue.close()
        finally:
            self.close_client()

    def close_client(self) -> None:
        """Disconnect the client this backend opened (not one it was given)."""
        if self._owns_client:
            self.client.close()


def release_queue(name: str) -> None:
    """On a worker: drop this process's handle on the batch's queue."""
    queue = _QUEUES.pop(name, None)
    if queue is not None:
        queue.close()


def _connect(distributed: Any, address: str | None) -> Any:
    try:
        return distributed.Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:  # ValueError: check_scheduler missed it
        raise BatchError.single(
            f"cannot reach the Dask scheduler at {address}: {exc}",
            hint="start one with `dask scheduler` and workers with `dask worker tcp://HOST:8786`",
        ) from None
