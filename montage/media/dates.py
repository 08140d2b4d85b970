"""A clip's capture date from metadata, EXIF, the file name or, as a guess, the mtime.

Sources in order of preference (the `source` string of the `DateFinding` in brackets):

1. QuickTime `com.apple.quicktime.creationdate` (["quicktime"]), local time with its offset.
2. Container `creation_time` (["creation_time"]), UTC.
3. Photo EXIF `DateTimeOriginal` + `OffsetTimeOriginal` (["exif"]), naive without an offset.
4. File-name patterns of phones and screen recorders (["filename"]), see `date_from_filename`.
5. The file's mtime (["mtime"], `guess=True`): when the file was copied, not filmed.

Encoders that write a zero timestamp produce 1970-01-01 or 1904-01-01; such dates are
ignored. Invalid dates (a name holding 20230230) are skipped, never raised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path

from PIL import ExifTags, Image, UnidentifiedImageError

from montage.media.info import DateFinding
from montage.zones import parse_offset

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif"})

_EARLIEST = datetime(1971, 1, 1, tzinfo=timezone.utc)
_LATEST = datetime(2200, 1, 1, tzinfo=timezone.utc)

_ISO = re.compile(
    r"(\d{4})[-:](\d{2})[-:](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)


def find_date(
    path: Path,
    tags: Mapping[str, str] | None = None,
    *,
    exif: Image.Exif | None = None,
) -> DateFinding | None:
    """Return the best capture date of `path`, or None if not even its mtime is readable.

    `tags` are the container metadata with lowercased keys (as `probe` reports them).
    `exif` is the photo's EXIF if the caller already opened it; when it is None and
    `path` looks like a photo, the EXIF is read here with Pillow.
    """
    if exif is None and path.suffix.lower() in PHOTO_SUFFIXES:
        exif = read_exif(path)
    return (
        date_from_tags(tags or {})
        or (date_from_exif(exif) if exif is not None else None)
        or date_from_filename(path.name)
        or date_from_mtime(path)
    )


def date_from_tags(tags: Mapping[str, str]) -> DateFinding | None:
    """Date from container metadata: QuickTime creationdate first, then creation_time."""
    qt = _first_valid(tags.get("com.apple.quicktime.creationdate"), default_utc=False)
    if qt is not None:
        return DateFinding(qt, "quicktime")
    created = _first_valid(tags.get("creation_time"), default_utc=True)
    if created is not None:
        return DateFinding(created, "creation_time")
    return None


def _first_valid(raw: str | None, *, default_utc: bool) -> datetime | None:
    """Parse the first plausible date of a tag; ffmpeg joins repeated values with ';'."""
    for part in (raw or "").split(";"):
        value = parse_timestamp(part, default_utc=default_utc)
        if value is not None and _plausible(value):
            return value
    return None


def parse_timestamp(text: str, *, default_utc: bool = False) -> datetime | None:
    """Parse an ISO-8601 or EXIF style timestamp; None if it is not a valid date.

    A `Z` or `+hhmm`/`+hh:mm` suffix gives an aware datetime. Without one the result is
    naive, or UTC when `default_utc` is set (`creation_time` is UTC by definition).
    """
    m = _ISO.search(text.strip().strip("\x00"))
    if m is None:
        return None
    year, month, day, hour, minute = (int(g) for g in m.groups()[:5])
    second = int(m.group(6) or 0)
    micro = int((m.group(7) or "0")[:6].ljust(6, "0"))
    try:
        value = datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        return None
    tz = parse_offset(m.group(8)) if m.group(8) else None
    if tz is None and (default_utc or (m.group(8) or "").upper() == "Z"):
        tz = timezone.utc
    return value.replace(tzinfo=tz) if tz else value


def read_exif(path: Path) -> Image.Exif | None:
    """Read a photo's EXIF with Pillow; None if Pillow cannot open the file."""
    try:
        with Image.open(path) as im:
            return im.getexif()
    except (OSError, UnidentifiedImageError, ValueError):
        return None


def date_from_exif(exif: Image.Exif) -> DateFinding | None:
    """Date from EXIF DateTimeOriginal (aware with OffsetTimeOriginal, else naive).

    Falls back to DateTimeDigitized/OffsetTimeDigitized, which cameras set to the same time.
    """
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    pairs = (
        (ExifTags.Base.DateTimeOriginal, ExifTags.Base.OffsetTimeOriginal),
        (ExifTags.Base.DateTimeDigitized, ExifTags.Base.OffsetTimeDigitized),
    )
    for when_tag, offset_tag in pairs:
        value = parse_timestamp(_exif_text(sub.get(when_tag)))
        if value is None:
            continue
        tz = parse_offset(_exif_text(sub.get(offset_tag)))
        value = value.replace(tzinfo=tz) if tz else value
        if _plausible(value):
            return DateFinding(value, "exif")
    return None


def _exif_text(raw: object) -> str:
    """EXIF strings may arrive as bytes or with trailing NULs."""
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", errors="replace")
    return raw.strip("\x00 ") if isinstance(raw, str) else ""


def _local(*parts: str, ampm: str | None = None) -> datetime:
    """Naive local datetime from (year, month, day, hour, minute, second[, fraction])."""
    y, mo, d, h, mi, s = (int(p) for p in parts[:6])
    if ampm:
        h = h % 12 + (12 if ampm.upper() == "PM" else 0)
    return datetime(y, mo, d, h, mi, s)


def _compact(ymd: str, hms: str = "000000") -> datetime:
    """Naive datetime from `YYYYMMDD` and `HHMMSS`."""
    return _local(ymd[:4], ymd[4:6], ymd[6:], hms[:2], hms[2:4], hms[4:6])


def _pixel(m: re.Match[str]) -> datetime:
    """Google Pixel names carry UTC with milliseconds: PXL_20230115_123456789."""
    ms = int((m.group(3) or "0").ljust(3, "0"))
    return _compact(m.group(1), m.group(2)).replace(microsecond=ms * 1000, tzinfo=timezone.utc)


def _epoch(m: re.Match[str]) -> datetime:
    """iOS screen recordings: RPReplay_Final1673780000 is Unix time (UTC)."""
    return datetime.fromtimestamp(int(m.group(1)), tz=timezone.utc)


_NAME_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], datetime]], ...] = (
    (re.compile(r"PXL_(\d{8})_(\d{6})(\d{0,3})"), _pixel),
    (re.compile(r"RPReplay_Final(\d{9,10})(?!\d)"), _epoch),
    (re.compile(r"(?:IMG|VID|AUD|PTT)-(\d{8})-WA\d+", re.IGNORECASE), lambda m: _compact(m[1])),
    (
        re.compile(
            r"(\d{4})-(\d{2})-(\d{2})(?:\s+at\s+|[ _T])(\d{1,2})\.(\d{2})\.(\d{2})(?:\s*([AP]M))?",
            re.IGNORECASE,
        ),
        lambda m: _local(*m.groups()[:6], ampm=m[7]),
    ),
    (re.compile(r"(?<!\d)(\d{8})[_-](\d{6})(?!\d)"), lambda m: _compact(m[1], m[2])),
)


def date_from_filename(name: str) -> DateFinding | None:
    """Date from phone/recorder file names; invalid or implausible dates are skipped.

    Known: `VID_/IMG_20230115_123456`, `20230115_123456` (local), `PXL_20230115_123456789`
    (UTC), WhatsApp `IMG-/VID-20230115-WA0001` (date only, midnight), macOS
    `Screen Recording 2023-01-15 at 12.34.56` (local, optional AM/PM) and
    `RPReplay_Final1673780000` (Unix time, UTC).
    """
    for pattern, build in _NAME_PATTERNS:
        for m in pattern.finditer(name):
            try:
                value = build(m)
            except (ValueError, OverflowError, OSError):
                continue
            if _plausible(value):
                return DateFinding(value, "filename")
    return None


def date_from_mtime(path: Path) -> DateFinding | None:
    """The file's modification time as an aware UTC datetime, marked as a guess."""
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return None
    return DateFinding(datetime.fromtimestamp(stamp, tz=timezone.utc), "mtime", guess=True)


def _plausible(value: datetime) -> bool:
    """Reject epoch-zero dates (1970, 1904) and nonsense far in the future."""
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return _EARLIEST <= aware < _LATEST
