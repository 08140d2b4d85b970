"""Field types users write by hand: durations, dates, colours, hashtags, safe paths.

Each type parses in a BeforeValidator so a bad value fails at its own field (and so
gets a `file:line:col`), and each publishes a plain JSON-schema shape for editors.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from montage.timecode import parse_seconds

_NAMED_COLOURS = {
    "white": "#FFFFFFFF",
    "black": "#000000FF",
    "transparent": "#00000000",
    "red": "#E53935FF",
    "green": "#43A047FF",
    "blue": "#1E88E5FF",
    "yellow": "#FFC83DFF",
    "orange": "#FB8C00FF",
}
_HEX = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
_PROTOCOL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+:")


def _parse_duration(value: object) -> float:
    seconds = parse_seconds(value)
    if seconds <= 0:
        raise ValueError("must be longer than 0 seconds")
    return seconds


def _parse_when(value: object) -> datetime:
    """Accept a YAML date (kept as text by our loader) or a datetime, as naive local time."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if not isinstance(value, str):
        raise ValueError("write a date as YYYY-MM-DD, or YYYY-MM-DD HH:MM")
    text = value.strip().replace(" ", "T", 1)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid date ({exc}); write YYYY-MM-DD") from None
    # Keep wall-clock time: a counter counts the days the person lived, not UTC days.
    return parsed.replace(tzinfo=None)


def _not_in_future(value: datetime) -> datetime:
    """Refuse dates more than a day ahead: almost always a typo in the year or month."""
    if value > datetime.now() + timedelta(days=1):
        raise ValueError(f"{value:%Y-%m-%d} is in the future; check the year and month")
    return value


def split_hashtags(value: object) -> object:
    """Accept `"#a #b"` as well as a list, because that is how people paste them."""
    return value.split() if isinstance(value, str) else value


def _parse_colour(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("a colour is '#RRGGBB', '#RRGGBBAA' or a name like 'white'")
    text = value.strip()
    if text.lower() in _NAMED_COLOURS:
        return _NAMED_COLOURS[text.lower()]
    match = _HEX.match(text)
    if not match:
        raise ValueError(f"{value!r} is not a colour; write '#RRGGBB' or '#RRGGBBAA'")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) == 6:
        digits += "FF"
    return "#" + digits.upper()


def _check_hashtag(value: str) -> str:
    if not value.startswith("#"):
        raise ValueError(f"{value!r} must start with '#', e.g. '#{value.lstrip()}'")
    body = value[1:]
    if not body:
        raise ValueError("a hashtag needs at least one character after '#'")
    for char in body:
        if not _is_hashtag_char(char):
            raise ValueError(
                f"{value!r} contains {char!r}; hashtags hold letters, digits, '_' and emoji only"
            )
    return value


def _is_hashtag_char(char: str) -> bool:
    if char.isalnum() or char == "_":
        return True
    # Emoji and their joiners/modifiers: symbols, marks, ZWJ and variation selectors.
    return unicodedata.category(char) in {"So", "Sk", "Mn", "Me", "Cf"}


def looks_like_protocol(text: str) -> bool:
    """True for URLs and ffmpeg protocol prefixes (`concat:`, `pipe:`, `subfile,,`)."""
    text = text.strip()
    if "://" in text or text.lower().startswith("subfile,"):
        return True
    return bool(_PROTOCOL.match(text)) and not re.match(r"^[A-Za-z]:[\\/]", text)


def _check_media_path(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("the path is empty")
    if looks_like_protocol(text):
        raise ValueError(f"{value!r} looks like a URL or ffmpeg protocol; only local files open")
    if "\x00" in text:
        raise ValueError("the path contains a NUL byte")
    return text


# The text forms of a time the loader accepts: 2.5, "2.5s", "1:02.5", "0:01:02".
_SECONDS_TEXT = {"type": "string", "pattern": r"^(\d+:)?\d+(:\d+)?(\.\d+)?s?$"}

Duration = Annotated[
    float,
    BeforeValidator(_parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0},
                _SECONDS_TEXT,
            ],
            "description": "seconds: 2.5, '2.5s' or '1:02.5'",
        }
    ),
]
TimePoint = Annotated[
    float,
    BeforeValidator(parse_seconds),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0},
                _SECONDS_TEXT,
            ],
            "description": "a time in the clip: 2.5, '2.5s' or '1:02.5'",
        }
    ),
]
When = Annotated[
    datetime,
    BeforeValidator(_parse_when),
    AfterValidator(_not_in_future),
    WithJsonSchema({"type": "string", "description": "YYYY-MM-DD or YYYY-MM-DD HH:MM"}),
]
Colour = Annotated[
    str,
    BeforeValidator(_parse_colour),
    WithJsonSchema({"type": "string", "description": "'#RRGGBB', '#RRGGBBAA' or a name"}),
]
Hashtag = Annotated[str, AfterValidator(_check_hashtag)]
CardBackground = Annotated[
    str,
    BeforeValidator(lambda v: v if v == "blur" else _parse_colour(v)),
    WithJsonSchema({"type": "string", "description": "'blur' or a colour such as '#111318'"}),
]
MediaPath = Annotated[str, AfterValidator(_check_media_path), Field(min_length=1)]
