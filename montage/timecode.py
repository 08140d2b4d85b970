"""Times as users write them ("2.5", "2.5s", "1:02.5") and as the timeline counts them (frames).

Every seconds-to-frames conversion in montage goes through `to_frames`, so there is
exactly one rounding rule.
"""

from __future__ import annotations

import math
import re

_CLOCK = re.compile(r"^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$")
_SECONDS = re.compile(r"^(\d+(?:\.\d+)?)\s*s?$")


def parse_seconds(value: object) -> float:
    """Parse `2.5`, `"2.5"`, `"2.5s"`, `"1:02.5"` or `"1:00:02"` into seconds.

    Raises ValueError with a message that says which forms are accepted.
    """
    if isinstance(value, bool):
        raise ValueError("expected a time such as 2.5, '2.5s' or '1:02.5', got a yes/no value")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_text(value.strip())
    else:
        raise ValueError(f"expected a time such as 2.5, '2.5s' or '1:02.5', got {value!r}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a time must be a finite number of seconds >= 0, got {value!r}")
    return seconds


def _parse_text(text: str) -> float:
    if m := _SECONDS.match(text):
        return float(m.group(1))
    if m := _CLOCK.match(text):
        hours, minutes, seconds = int(m.group(1) or 0), int(m.group(2)), float(m.group(3))
        if seconds >= 60 or (m.group(1) and minutes >= 60):
            raise ValueError(f"{text!r}: minutes and seconds must be below 60")
        return hours * 3600 + minutes * 60 + seconds
    raise ValueError(f"{text!r} is not a time; write 2.5, '2.5s' or '1:02.5'")


def to_frames(seconds: float, fps: int) -> int:
    """Convert seconds to a whole number of frames, rounding half up (the one rule)."""
    return math.floor(seconds * fps + 0.5 + 1e-9)


def to_seconds(frames: int, fps: int) -> float:
    """Convert a frame count back to seconds."""
    return frames / fps


def format_clock(seconds: float) -> str:
    """Format seconds as `m:ss.ss` for tables and messages."""
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:05.2f}"
