"""Produce frames on a worker thread, a few ahead of the compositor.

ffmpeg pipes and Pillow resizes both release the GIL, so a producer on its own thread
runs on the second core while the main thread composites and feeds the encoder.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

DEPTH = 3
_END = object()
T = TypeVar("T")


class ReadAhead(Generic[T]):
    """Iterate `frames` on a thread; `next_frame()` repeats the last frame past the end."""

    def __init__(self, frames: Iterator[T], name: str) -> None:
        self._frames = frames
        self._queue: queue.Queue[object] = queue.Queue(maxsize=DEPTH)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._last: T | None = None
        self._ended = False
        self._thread = threading.Thread(target=self._pump, name=name, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        try:
            for frame in self._frames:
                if not self._put(frame):
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            self._error = exc
        self._put(_END)

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def next_frame(self) -> T | None:
        """The next frame, the last one again after the end, or None if there was none."""
        if not self._ended:
            item = self._queue.get()
            if item is _END:
                self._ended = True
                if self._error is not None:
                    raise self._error
            else:
                self._last = item  # type: ignore[assignment]
        return self._last

    def close(self) -> None:
        """Stop the producer thread (it may be blocked on a full queue)."""
        self._stop.set()
        self._thread.join(timeout=5)
