"""The resolved plan: frozen data giving everything an absolute frame range on the canvas.

The renderer, `still`, `preview`, `--dry-run` and the JSON report all read this one value;
nothing downstream looks back at the storyboard. Frames count at the output fps.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from montage.style import TextStyle

Fit = Literal["cover", "contain", "blur"]
SegmentKind = Literal["clip", "title_card", "end_card", "compare"]
TransitionKind = Literal["cut", "crossfade", "fade_black", "slide"]
Anchor = Literal["top-left", "top", "top-right", "center", "bottom-left", "bottom", "bottom-right"]


@dataclass(frozen=True)
class Rect:
    """An axis-aligned box in canvas pixels."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        """One past the last column."""
        return self.x + self.w

    @property
    def bottom(self) -> int:
        """One past the last row."""
        return self.y + self.h

    def intersect(self, other: Rect) -> Rect:
        """The overlap of two boxes (zero-sized when they do not meet)."""
        x, y = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        return Rect(x, y, max(0, right - x), max(0, bottom - y))

    def contains(self, other: Rect) -> bool:
        """True when `other` lies wholly inside this box."""
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


@dataclass(frozen=True)
class Canvas:
    """The output picture and its frame rate."""

    width: int
    height: int
    fps: int
    background: str = "#000000FF"

    @property
    def rect(self) -> Rect:
        """The whole canvas as a Rect."""
        return Rect(0, 0, self.width, self.height)


@dataclass(frozen=True)
class Picture:
    """One source decoded into one box of the canvas for a segment's whole length.

    `source_in`/`source_out` are seconds in the file; `speed` stretches them onto
    the segment. A still shows for the whole segment with a `zoom` Ken Burns push.
    `blur` turns the picture into a blurred, darkened backdrop (cards).
    """

    path: Path
    still: bool
    box: Rect
    fit: Fit
    source_in: float = 0.0
    source_out: float = 0.0
    speed: float = 1.0
    aspect: float = 1.0
    zoom: float = 0.0
    hdr: bool = False
    blur: bool = False


@dataclass(frozen=True)
class Transition:
    """How a segment enters over the end of the previous one."""

    kind: TransitionKind = "cut"
    frames: int = 0


@dataclass(frozen=True)
class Segment:
    """A stretch of the montage: a clip, a card or the comparison."""

    kind: SegmentKind
    start: int
    frames: int
    pictures: tuple[Picture, ...]
    background: str
    enter: Transition = Transition()
    clip_index: int | None = None
    date: datetime | None = None
    layout: str = ""
    name: str = ""

    @property
    def end(self) -> int:
        """One past the segment's last frame."""
        return self.start + self.frames


@dataclass(frozen=True)
class TextLayer:
    """A text sprite shown at a fixed position for a frame range, fading with its segment."""

    kind: str
    text: str
    style: TextStyle
    position: tuple[int, int]
    size: tuple[int, int]
    max_size: tuple[int, int]
    start: int
    end: int
    fade_in: int = 0
    fade_out: int = 0
    segment: int | None = None

    @property
    def rect(self) -> Rect:
        """Where the sprite lands on the canvas."""
        return Rect(self.position[0], self.position[1], self.size[0], self.size[1])


@dataclass(frozen=True)
class ProgressLayer:
    """A bar whose filled fraction follows (frame, fraction) keyframes, linearly."""

    rect: Rect
    keyframes: tuple[tuple[int, float], ...]
    color: str
    track: str
    start: int
    end: int

    def fraction_at(self, frame: int) -> float:
        """The filled fraction at `frame`."""
        previous = self.keyframes[0]
        for key in self.keyframes:
            if frame < key[0]:
                span = key[0] - previous[0]
                t = (frame - previous[0]) / span if span else 1.0
                return previous[1] + (key[1] - previous[1]) * t
            previous = key
        return previous[1]


@dataclass(frozen=True)
class AudioCue:
    """A piece of sound placed on the output timeline.

    Clip cues play `source_in`.. at `speed` from frame `start` for `frames`; music loops
    to fill its range. `duck` lists frame ranges in which music drops to `duck_level`.
    `source_in` is the time of the picture's first frame, counted like the picture's from
    the start of the file; `stream_start` is when the file's sound starts on that clock,
    so sound that starts late is preceded by silence and the two stay in sync.
    `fade_in`/`fade_out` are frames (transitions); `edge_fade` is seconds of fade at an
    edge without one, so a hard cut does not click.
    """

    kind: Literal["clip", "music"]
    path: Path
    start: int
    frames: int
    source_in: float = 0.0
    stream_start: float = 0.0
    speed: float = 1.0
    volume: float = 1.0
    fade_in: int = 0
    fade_out: int = 0
    edge_fade: float = 0.0
    duck: tuple[tuple[int, int], ...] = ()
    duck_level: float = 1.0


@dataclass(frozen=True)
class Encoding:
    """How the video is compressed: x264 CRF and preset, AAC bit rate."""

    crf: int = 20
    x264_preset: str = "veryfast"
    audio_kbps: int = 160
    audio_rate: int = 48000


@dataclass(frozen=True)
class Timeline:
    """The whole resolved montage."""

    canvas: Canvas
    safe_zone: Rect
    segments: tuple[Segment, ...]
    texts: tuple[TextLayer, ...]
    progress: ProgressLayer | None
    audio: tuple[AudioCue, ...]
    total_frames: int
    encoding: Encoding = Encoding()
    warnings: tuple[str, ...] = ()

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.total_frames / self.canvas.fps

    def segments_at(self, frame: int) -> list[Segment]:
        """The one or two segments visible at `frame` (two inside a transition)."""
        return [s for s in self.segments if s.start <= frame < s.end]

    def texts_at(self, frame: int) -> list[TextLayer]:
        """Text layers visible at `frame`."""
        return [t for t in self.texts if t.start <= frame < t.end]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (paths and dates as strings)."""
        return _plain(dataclasses.asdict(self)) | {"duration": self.duration}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (Path, datetime)):
        return str(value)
    return value
