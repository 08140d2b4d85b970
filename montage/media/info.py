"""What montage knows about a source file. Pure data: the planner imports it without ffmpeg."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from montage.errors import MediaError, Problem

MediaKind = Literal["video", "image"]


@dataclass(frozen=True)
class DateFinding:
    """A clip's capture date and where it came from.

    `value` is timezone-aware when the source carries an offset (QuickTime creationdate,
    EXIF OffsetTimeOriginal, UTC sources), naive when only local wall time is known.
    `guess` is True for sources that are not capture dates (the file's mtime).
    """

    value: datetime
    source: str
    guess: bool = False


@dataclass(frozen=True)
class MediaInfo:
    """Stream facts of one source, with width/height as displayed (rotation and SAR applied).

    `video_start` and `audio_start` are the seconds from the start of the file (its
    earliest stream) to its first picture and first sound. Phone clips often start one
    stream 20-100 ms after the other; a player keeps them apart, and so must a render.
    """

    path: Path
    kind: MediaKind
    width: int
    height: int
    rotation: int = 0
    duration: float | None = None
    fps: float | None = None
    has_audio: bool = False
    video_start: float = 0.0
    audio_start: float = 0.0
    video_codec: str = ""
    audio_codec: str | None = None
    pix_fmt: str = ""
    hdr: bool = False
    date: DateFinding | None = None
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def is_still(self) -> bool:
        """True for photos, which are shown for a chosen duration."""
        return self.kind == "image"


def media_error(path: Path, message: str, hint: str) -> MediaError:
    """A MediaError whose message starts with the file it is about."""
    return MediaError([Problem(f"'{path}' {message}", hint=hint)])
