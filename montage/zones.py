"""Time zones: turning the dates found in clips into the wall-clock dates users write.

A clip's date comes either as local wall-clock time (EXIF without an offset, phone file
names), as local time with the camera's own offset (QuickTime creationdate, EXIF with
OffsetTimeOriginal), or as an instant in UTC (`creation_time`, `PXL_` names). The first
two already say what the clock showed where it was filmed and are kept as they are, so
a clip filmed abroad keeps its own day. Only UTC instants need a zone: the storyboard's
`time_zone`, else the offset most of its clips carry, else this computer's zone.

Pure: no media, no I/O, so the planner and `init` date clips identically.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:  # only a type: the storyboard model imports this module, not media
    from montage.media.info import DateFinding

# Sources whose offset is the camera's own local offset (UTC sources say nothing of it).
LOCAL_OFFSET_SOURCES = frozenset({"quicktime", "exif"})
COMPUTER_ZONE = "this computer's time zone"
_OFFSET = re.compile(r"^\s*([+-])(\d{2}):?(\d{2})?\s*$")


def parse_offset(text: str | None) -> timezone | None:
    """Parse `+01:00`, `-0530` or `Z` into a fixed-offset timezone; None if invalid."""
    if not text:
        return None
    if text.strip().upper() == "Z":
        return timezone.utc
    m = _OFFSET.match(text.strip("\x00"))
    if m is None:
        return None
    sign = -1 if m.group(1) == "-" else 1
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
    if delta >= timedelta(hours=24):
        return None
    return timezone(sign * delta)


def parse_zone(text: str) -> tzinfo:
    """`+01:00`, `-0530`, `UTC` or an IANA name such as `Europe/Berlin`; ValueError if not."""
    fixed = parse_offset(text)
    if fixed is not None:
        return fixed
    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"{text!r} is not a time zone; write an offset like +01:00 or a name like Europe/Berlin"
        ) from None


def learn_zone(findings: Iterable[DateFinding]) -> tuple[tzinfo | None, str]:
    """The offset most clips carry (QuickTime or EXIF), else None (this computer's zone);
    with a description of where it came from."""
    offsets = Counter(
        f.value.utcoffset()
        for f in findings
        if f.source in LOCAL_OFFSET_SOURCES and f.value.tzinfo is not None
    )
    offsets.pop(None, None)
    if not offsets:
        return None, COMPUTER_ZONE
    offset = offsets.most_common(1)[0][0]
    assert offset is not None
    return timezone(offset), f"UTC{format_offset(offset)}, as the clips' own metadata says"


def zone_for(time_zone: str | None, findings: Iterable[DateFinding]) -> tzinfo | None:
    """The zone UTC dates are shown in: `time_zone` if given, else `learn_zone`'s."""
    return parse_zone(time_zone) if time_zone else learn_zone(findings)[0]


def wall_clock(finding: DateFinding, zone: tzinfo | None) -> datetime:
    """A found date as naive wall-clock time: as filmed for local sources, UTC instants
    in `zone` (None: this computer's zone)."""
    value = finding.value
    if value.tzinfo is None:
        return value
    if finding.source in LOCAL_OFFSET_SOURCES:
        return value.replace(tzinfo=None)
    return value.astimezone(zone).replace(tzinfo=None)


def describe_zone(zone: tzinfo | None) -> str:
    """A zone as the user would write it."""
    if zone is None:
        return COMPUTER_ZONE
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None)
    return f"UTC{format_offset(offset)}" if offset is not None else str(zone)


def format_offset(offset: timedelta) -> str:
    """+01:00 style."""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
