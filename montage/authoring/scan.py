"""Find the videos and photos in a folder and date each one, with where the date came from.

Dates come from `probe(path).date` (see `montage.media.dates` for the order of sources).
Sources that know the instant (UTC tags, `PXL_` names, QuickTime or EXIF with an offset)
are turned into local wall-clock time in one zone: the one the user names, else the
offset most clips of the folder carry, else this computer's zone. Naive sources (EXIF
without offset, phone file names) already are local wall-clock time and stay as they are.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from montage.errors import MediaError, MontageError
from montage.media.dates import parse_offset
from montage.media.info import DateFinding, MediaInfo
from montage.media.probe import probe

VIDEO_SUFFIXES = frozenset(
    {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".3gp", ".mts", ".m2ts", ".mpg", ".mpeg"}
)
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".bmp"})
# Files montage itself writes next to a storyboard: never clips.
GENERATED = re.compile(r"\.montage-partial\.|\.contact\.png$|\.proxy\.mp4$", re.IGNORECASE)
# Sources whose offset is the camera's own local offset (UTC sources say nothing of it).
_LOCAL_OFFSET_SOURCES = frozenset({"quicktime", "exif"})
_PROBE_WORKERS = 4

SOURCE_LABELS = {
    "storyboard": "storyboard",
    "quicktime": "QuickTime creationdate tag",
    "creation_time": "creation_time tag",
    "exif": "EXIF DateTimeOriginal",
    "filename": "file name",
    "mtime": "file modified time",
}


@dataclass(frozen=True)
class ScannedClip:
    """One media file of the folder, dated in local wall-clock time."""

    path: Path
    info: MediaInfo
    finding: DateFinding
    date: datetime

    @property
    def guess(self) -> bool:
        """True when the date is only the file's modification time."""
        return self.finding.guess


@dataclass(frozen=True)
class Scan:
    """What a folder holds: dated clips (oldest first), files skipped and why, the zone."""

    clips: tuple[ScannedClip, ...]
    skipped: tuple[tuple[Path, str], ...]
    zone: tzinfo | None
    zone_name: str


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


def find_media(
    folder: Path, *, recursive: bool = False, exclude: Iterable[Path] = ()
) -> list[Path]:
    """Video and photo files in `folder` by suffix, sorted by name.

    Hidden files and folders, files montage generated and the paths in `exclude`
    (e.g. the storyboard's own output) are left out.
    """
    skip = {p.resolve() for p in exclude}
    candidates = folder.rglob("*") if recursive else folder.iterdir()
    found = []
    for path in candidates:
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.suffix.lower() not in VIDEO_SUFFIXES | PHOTO_SUFFIXES:
            continue
        if GENERATED.search(path.name) or not path.is_file() or path.resolve() in skip:
            continue
        found.append(path)
    return sorted(found, key=lambda p: str(p.relative_to(folder)).lower())


def scan_folder(
    folder: Path,
    *,
    zone: tzinfo | None = None,
    recursive: bool = False,
    exclude: Iterable[Path] = (),
) -> Scan:
    """Probe every media file of `folder` and date it; unreadable files are skipped.

    `zone` is where the clips were filmed; None learns it from the clips' own offsets,
    falling back to this computer's zone. Raises MediaError if the folder has no media.
    """
    folder = folder.absolute()
    try:
        paths = find_media(folder, recursive=recursive, exclude=exclude)
    except OSError as exc:
        raise MediaError.single(
            f"cannot list {folder}: {exc.strerror or exc}", hint="check the folder's permissions"
        ) from None
    if not paths:
        raise MediaError.single(
            f"no videos or photos found in {folder}",
            hint="montage looks for "
            + " ".join(sorted(VIDEO_SUFFIXES | PHOTO_SUFFIXES))
            + ("" if recursive else "; pass --recursive to look in subfolders"),
        )
    with ThreadPoolExecutor(max_workers=_PROBE_WORKERS) as pool:
        results = list(pool.map(_try_probe, paths))
    infos = [(p, r) for p, r in zip(paths, results, strict=True) if isinstance(r, MediaInfo)]
    skipped = tuple((p, r) for p, r in zip(paths, results, strict=True) if isinstance(r, str))
    name = describe_zone(zone) if zone else ""
    if zone is None:
        zone, name = learn_zone(info.date for _, info in infos if info.date)
    clips = [_dated(path, info, zone) for path, info in infos if info.date is not None]
    clips.sort(key=lambda c: (c.date, str(c.path).lower()))
    return Scan(tuple(clips), skipped, zone, name)


def _try_probe(path: Path) -> MediaInfo | str:
    """The file's MediaInfo, or why it cannot be used."""
    try:
        return probe(path)
    except MontageError as error:
        return "; ".join(p.message.replace(f"'{path}' ", "") for p in error.problems)


def learn_zone(findings: Iterable[DateFinding]) -> tuple[tzinfo | None, str]:
    """The offset most clips carry (QuickTime or EXIF), else None (this computer's zone)."""
    offsets = Counter(
        f.value.utcoffset()
        for f in findings
        if f.source in _LOCAL_OFFSET_SOURCES and f.value.tzinfo is not None
    )
    offsets.pop(None, None)
    if not offsets:
        return None, "this computer's time zone"
    offset = offsets.most_common(1)[0][0]
    assert offset is not None
    return timezone(offset), f"UTC{format_offset(offset)}, as the clips' own metadata says"


def describe_zone(zone: tzinfo) -> str:
    """A zone as the user would write it."""
    if isinstance(zone, ZoneInfo):
        return zone.key
    offset = zone.utcoffset(None)
    return f"UTC{format_offset(offset)}" if offset is not None else str(zone)


def format_offset(offset: timedelta) -> str:
    """+01:00 style."""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def local_time(finding: DateFinding, zone: tzinfo | None) -> datetime:
    """A found date as naive wall-clock time in `zone` (None: this computer's zone)."""
    value = finding.value
    if value.tzinfo is None:
        return value  # already local wall-clock time, from the camera or the name
    return value.astimezone(zone).replace(tzinfo=None)


def _dated(path: Path, info: MediaInfo, zone: tzinfo | None) -> ScannedClip:
    assert info.date is not None
    return ScannedClip(path, info, info.date, local_time(info.date, zone))


def source_name(source: str, guess: bool = False) -> str:
    """A date source as `validate` prints it: `exif`, `filename`, `mtime (guess)`..."""
    return f"{source} (guess)" if guess else source


def source_label(source: str) -> str:
    """A date source in words, for the comments `init` writes."""
    return SOURCE_LABELS.get(source, source)
