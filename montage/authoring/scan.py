"""Find the videos and photos in a folder and date each one, with where the date came from.

Dates come from `probe(path).date` (see `montage.media.dates` for the order of sources).
Dates become wall-clock time as the planner sees them (`montage.zones.wall_clock`):
QuickTime and EXIF dates stay as the camera's clock showed them, and UTC instants
(`creation_time`, `PXL_` names) are shown in one zone: the one the user names, else
the offset most clips of the folder carry, else this computer's zone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from montage.errors import MediaError, MontageError
from montage.media.info import DateFinding, MediaInfo
from montage.media.probe import probe
from montage.zones import describe_zone, learn_zone, wall_clock

VIDEO_SUFFIXES = frozenset(
    {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".3gp", ".mts", ".m2ts", ".mpg", ".mpeg"}
)
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".bmp"})
# Files montage itself writes next to a storyboard: never clips.
GENERATED = re.compile(r"\.montage-partial\.|\.contact\.png$|\.proxy\.mp4$", re.IGNORECASE)
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


def _dated(path: Path, info: MediaInfo, zone: tzinfo | None) -> ScannedClip:
    assert info.date is not None
    return ScannedClip(path, info, info.date, wall_clock(info.date, zone))


def source_name(source: str, guess: bool = False) -> str:
    """A date source as `validate` prints it: `exif`, `filename`, `mtime (guess)`..."""
    return f"{source} (guess)" if guess else source


def source_label(source: str) -> str:
    """A date source in words, for the comments `init` writes."""
    return SOURCE_LABELS.get(source, source)
