"""The storyboard as pydantic models. Validation only: no file system, no media.

Checks that need several fields at once live in `checks.py`, so every problem still
lands on a precise field path.
"""

from __future__ import annotations

import re
import string
from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, WithJsonSchema, field_validator

from montage.storyboard.fields import (
    CardBackground,
    Colour,
    Duration,
    Hashtag,
    MediaPath,
    TimePoint,
    When,
    split_hashtags,
)
from montage.storyboard.style import Fit, SafeZone, Strict, Style
from montage.zones import parse_zone

COUNTER_FIELDS = ("day", "week", "days", "month")
MAX_CLIPS = 500
X264_PRESETS = Literal[
    "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"
]


SAMPLE_DAY = datetime(2023, 12, 31, 23, 59, 59)
MAX_STAMP = 100


class Trim(Strict):
    """The part of a video clip to keep."""

    start: TimePoint = 0.0
    end: TimePoint | None = Field(None, description="default: the clip's end")

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: float | None, info: ValidationInfo) -> float | None:
        start = info.data.get("start")
        if end is not None and start is not None and end <= start:
            raise ValueError(f"end ({end:g}s) must be after start ({start:g}s)")
        return end


class Clip(Strict):
    """One dated video or photo."""

    path: MediaPath
    date: When | None = Field(None, description="default: read from the file's metadata")
    caption: str | None = Field(None, max_length=500)
    label: str | None = Field(None, max_length=80, description="short name, e.g. for compare")
    trim: Trim | None = None
    speed: float = Field(1.0, ge=0.1, le=10.0)
    duration: Duration | None = Field(None, description="how long a photo shows")
    mute: bool = False
    volume: float = Field(1.0, ge=0.0, le=4.0)
    fit: Fit | None = Field(None, description="default: style.fit")


class Overlays(Strict):
    """Text and graphics drawn over every clip."""

    counter: str | None = Field(None, description="e.g. 'Day {day}', 'Week {week}'")
    date_stamp: str | None = Field(None, description="strftime format, e.g. '%b %d, %Y'")
    hashtags: Annotated[
        list[Hashtag],
        WithJsonSchema(
            {
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                "description": "['#a', '#b'] or '#a #b'",
            }
        ),
    ] = Field(default_factory=list, max_length=30)
    progress_bar: bool = False

    _split_hashtags = field_validator("hashtags", mode="before")(split_hashtags)

    @field_validator("counter")
    @classmethod
    def _known_placeholders(cls, template: str | None) -> str | None:
        if template is None:
            return None
        try:
            fields = [
                (n, spec) for _, n, spec, _ in string.Formatter().parse(template) if n is not None
            ]
        except ValueError as exc:
            raise ValueError(f"broken placeholder ({exc}); write e.g. 'Day {{day}}'") from None
        names = [name for name, _ in fields]
        for name, spec in fields:
            # `{day:>99999999999}` would pad to gigabytes: widths stay at two digits.
            if "{" in (spec or "") or re.search(r"\d{3,}", spec or ""):
                raise ValueError(
                    f"{{{name}:{spec}}}: a width or precision of at most 99, and no nested "
                    "placeholder; write e.g. 'Week {week:02d}'"
                )
        unknown = [n or "" for n in names if n not in COUNTER_FIELDS]
        if unknown:
            known = ", ".join("{" + n + "}" for n in COUNTER_FIELDS)
            raise ValueError(f"unknown placeholder {{{unknown[0]}}}; use one of {known}")
        try:  # the format spec too: '{day:>>>}' parses but cannot format a number
            template.format(**dict.fromkeys(COUNTER_FIELDS, 1))
        except (ValueError, IndexError, KeyError) as exc:
            raise ValueError(
                f"cannot fill {template!r} ({exc}); write e.g. 'Day {{day}}' or 'Week {{week:02d}}'"
            ) from None
        return template

    @field_validator("date_stamp")
    @classmethod
    def _strftime_has_directive(cls, fmt: str | None) -> str | None:
        if fmt is not None and "%" not in fmt:
            raise ValueError(f"{fmt!r} has no strftime directive; write e.g. '%b %d, %Y'")
        # A width such as `%99999Y` pads the stamp to any length: the text must stay short.
        if fmt is not None and len(SAMPLE_DAY.strftime(fmt)) > MAX_STAMP:
            raise ValueError(f"{fmt!r} makes a date longer than {MAX_STAMP} characters")
        return fmt


class Card(Strict):
    """A title or end card: text over a solid or blurred background."""

    text: str = Field(min_length=1, max_length=500)
    duration: Duration = 3.0
    background: CardBackground | None = Field(None, description="default: style")


class Compare(Strict):
    """A before/after comparison, played after the clips."""

    layout: Literal["side_by_side", "wipe"] = "side_by_side"
    before: str = Field("first", description="'first', 'last', a clip label or a clip number")
    after: str = Field("last", description="'first', 'last', a clip label or a clip number")
    duration: Duration = 4.0


class Transition(Strict):
    """How consecutive segments join."""

    kind: Literal["cut", "crossfade", "fade_black", "slide"] = "crossfade"
    duration: Duration = 0.5


class Music(Strict):
    """A music bed under the whole montage."""

    path: MediaPath
    volume: float = Field(0.5, ge=0.0, le=2.0)
    fade_in: TimePoint = 1.0
    fade_out: TimePoint = 2.0
    duck: bool = Field(False, description="lower the music while clip audio plays")
    duck_level: float = Field(0.35, ge=0.0, le=1.0)


class Audio(Strict):
    """Clip audio and music."""

    clips: Literal["keep", "mute"] = "keep"
    music: Music | None = None


class Output(Strict):
    """Where and how the mp4 is written."""

    path: str | None = Field(None, description="default: next to the storyboard, same name")
    width: int = Field(1080, ge=16, le=4096)
    height: int = Field(1920, ge=16, le=4096)
    fps: int = Field(30, ge=1, le=120)
    crf: int = Field(20, ge=0, le=51)
    x264_preset: X264_PRESETS = "veryfast"
    audio_bitrate: int = Field(160, ge=64, le=320, description="AAC kbit/s")

    @field_validator("width", "height")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError(f"{value} is odd; H.264 yuv420p needs an even size, use {value + 1}")
        return value


class Settings(Strict):
    """Everything a preset may set: all of a storyboard except its content."""

    style: Style = Field(default_factory=Style)
    safe_zone: SafeZone = Field(default_factory=SafeZone)
    overlays: Overlays = Field(default_factory=Overlays)
    transition: Transition = Field(default_factory=Transition)
    audio: Audio = Field(default_factory=Audio)
    output: Output = Field(default_factory=Output)
    title_card: Card | None = None
    end_card: Card | None = None
    compare: Compare | None = None
    background: Colour = Field("#000000FF", description="canvas colour behind contained clips")


class Storyboard(Settings):
    """A whole montage: dated clips plus the settings for how they are shown."""

    version: Literal[1] = 1
    title: str | None = Field(None, max_length=200)
    preset: Annotated[
        list[str],
        WithJsonSchema(
            {
                "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                "description": "a preset name, or names layered in order",
            }
        ),
    ] = Field(default_factory=list)
    start_date: When | None = Field(None, description="day 0 of the counter")
    time_zone: str | None = Field(
        None,
        description="zone for dates stored in UTC (creation_time, Pixel file names) of clips "
        "without `date:`: +01:00 or Europe/Berlin; default: the clips' own offset",
        max_length=64,
    )
    clips: list[Clip] = Field(min_length=1, max_length=MAX_CLIPS)

    @field_validator("version", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: object) -> object:
        if isinstance(value, bool):  # True == 1 in Python, but `version: true` is a mistake
            raise ValueError("the version is a number: write `version: 1`")
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            parse_zone(value)  # its ValueError names the accepted forms
        return value

    @field_validator("preset", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value
