"""How many CPU cores this process may use, and how a render shares them."""

from __future__ import annotations

import os


def available_cores() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def decoder_threads(budget: int | None) -> int:
    """Threads for each decoder of a render allowed `budget` cores (None: all of them).

    Measured on 1080p sources going to a 1080x1920 canvas (bench/README.md): one thread
    decodes and scales well over 100 frames a second, faster than x264 encodes, and
    each extra thread costs about 10-25 MB; two decoders run at once in a transition.
    So a decoder gets a quarter of the budget, at least one thread.
    """
    return max(1, (budget or available_cores()) // 4)
