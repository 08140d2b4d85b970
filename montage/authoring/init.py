"""`init`: write a storyboard for a folder of clips, or add the folder's new clips to one.

A new storyboard is written from the commented template. An existing one is edited with
ruamel.yaml's round-trip mode, so the user's captions, comments, order and quoting stay
as they were; new clips go in at their place by date. A clip entry the user commented out
counts as listed: commenting out is how to leave a clip out for good.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML, YAMLError

from montage.authoring.roundtrip import dump_roundtrip, load_roundtrip, move_trailing_comment
from montage.authoring.scan import Scan, ScannedClip, scan_folder
from montage.authoring.template import entries_text, storyboard_text
from montage.errors import StoryboardError
from montage.presets import find_preset, search_path

DEFAULT_NAME = "storyboard.yaml"
_COMMENTED_PATH = re.compile(r"^\s*#\s*(?:-\s*)?path:\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class InitResult:
    """What `init` found and the storyboard text it produced (not yet written)."""

    storyboard: Path
    text: str
    created: bool
    added: tuple[ScannedClip, ...]
    kept: int
    missing: tuple[str, ...]
    skipped: tuple[tuple[Path, str], ...]
    zone_name: str
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """True when the file must be (re)written."""
        return self.created or bool(self.added)


def init_storyboard(
    folder: Path,
    target: Path | None = None,
    *,
    preset: str = "reel",
    zone: tzinfo | None = None,
    recursive: bool = False,
) -> InitResult:
    """Plan the storyboard for `folder`: a new one, or `target` plus the folder's new clips.

    Nothing is written; see `write_storyboard`. Raises MediaError when the folder holds no
    media and StoryboardError for an unknown preset or an existing file that cannot be
    edited.
    """
    folder = folder.absolute()
    target = (target or folder / DEFAULT_NAME).absolute()
    if target.exists():
        return _update(folder, target, zone, recursive)
    find_preset(preset, search_path((), target.parent))  # fail before scanning
    output = f"out/{target.stem}.mp4"
    scan = scan_folder(
        folder, zone=zone, recursive=recursive, exclude=[target.parent / output, target]
    )
    text = storyboard_text(
        scan.clips,
        target.parent,
        title=folder.name,
        preset=preset,
        zone=scan.zone,
        output=output,
        name=_shown_name(target),
    )
    notes = () if folder.is_relative_to(target.parent) else (_outside_note(folder),)
    return InitResult(target, text, True, scan.clips, 0, (), scan.skipped, scan.zone_name, notes)


def _outside_note(folder: Path) -> str:
    return (
        f"the clips are outside the storyboard's folder, so their paths are absolute; "
        f"render with --allow-outside {folder}"
    )


def _shown_name(target: Path) -> str:
    """The storyboard as the user would type it from where they are."""
    try:
        return str(target.relative_to(Path.cwd()))
    except ValueError:
        return str(target)


def _update(folder: Path, target: Path, zone: tzinfo | None, recursive: bool) -> InitResult:
    """Add the clips of `folder` that `target` does not list yet."""
    yaml, data, text = load_roundtrip(target)
    clips = data.get("clips")
    if not isinstance(clips, list):
        raise StoryboardError.single(
            "`clips:` is not a list, so new clips cannot be added to it",
            path="clips",
            hint=f"make `clips:` a list in {target.name}, or write a new storyboard with -o",
        )
    base = target.parent
    listed = [_listed_path(item, base) for item in clips]
    output = _output_path(data, target)
    scan = scan_folder(folder, zone=zone, recursive=recursive, exclude=[output, target])
    known = {p.resolve() for p in listed if p is not None} | commented_paths(text, base)
    new = tuple(c for c in scan.clips if c.path.resolve() not in known)
    missing = tuple(
        str(item["path"]) for item, p in zip(clips, listed, strict=True) if p and not p.exists()
    )
    notes: list[str] = []
    if new:
        _insert_by_date(yaml, clips, new, scan, base, listed)
        notes += _check_start_date(data, new[0])
        text = dump_roundtrip(yaml, data)
    if new and not folder.is_relative_to(base):
        notes.append(_outside_note(folder))
    kept = len(clips) - len(new)
    return InitResult(
        target, text, False, new, kept, missing, scan.skipped, scan.zone_name, tuple(notes)
    )


def _check_start_date(data: Any, first: ScannedClip) -> list[str]:
    """Keep day 0 on or before a new, earlier first clip, if init suggested it."""
    start = parse_when(data.get("start_date"))
    if start is None or first.date.date() >= start.date():
        return []
    slots = data.ca.items.get("start_date") or []
    comment = slots[2].value if len(slots) > 2 and slots[2] is not None else ""
    if "suggested" in comment:  # still init's suggestion, not a day the user chose
        data["start_date"] = first.date.date()
        return [f"moved the suggested start_date to {first.date:%Y-%m-%d}, the new first clip"]
    return [
        f"start_date {start:%Y-%m-%d} is after the new clip {first.path.name} "
        f"({first.date:%Y-%m-%d}); set it earlier or the storyboard will not validate"
    ]


def commented_paths(text: str, base: Path) -> set[Path]:
    """Files of clip entries the user commented out: left out on purpose, never re-added."""
    found = set()
    for match in _COMMENTED_PATH.finditer(text):
        try:
            written = YAML(typ="safe").load(f"path: {match.group(1)}")["path"]
        except YAMLError:
            continue
        if isinstance(written, str) and written:
            found.add((base / written).resolve())
    return found


def _listed_path(item: Any, base: Path) -> Path | None:
    """The file a clip entry points at, if it names one."""
    if isinstance(item, dict) and isinstance(item.get("path"), str):
        path = Path(item["path"])
        return path if path.is_absolute() else base / path
    return None


def _output_path(data: Any, target: Path) -> Path:
    """The storyboard's mp4, which must never be picked up as a clip."""
    output = data.get("output")
    written = output.get("path") if isinstance(output, dict) else None
    if isinstance(written, str):
        return target.parent / written
    return target.with_suffix(".mp4")


def _insert_by_date(
    yaml: YAML,
    clips: list[Any],
    new: tuple[ScannedClip, ...],
    scan: Scan,
    base: Path,
    listed: list[Path | None],
) -> None:
    """Insert entries for `new` before the first listed clip dated later, else at the end."""
    by_path = {c.path.resolve(): c.date for c in scan.clips}
    dates = [
        _entry_date(item, by_path.get(path.resolve()) if path else None)
        for item, path in zip(clips, listed, strict=True)
    ]
    items = yaml.load("clips:\n" + entries_text(new, base, scan.zone))["clips"]
    for clip, item in zip(new, items, strict=True):
        later = [i for i, d in enumerate(dates) if d is not None and d > clip.date]
        if later:
            clips.insert(later[0], item)
            dates.insert(later[0], clip.date)
        else:
            if clips:
                move_trailing_comment(clips[-1], item)
            clips.append(item)
            dates.append(clip.date)


def _entry_date(item: Any, scanned: datetime | None) -> datetime | None:
    """An entry's date as written (`date:`), else the date the scan found for its file."""
    written = parse_when(item.get("date") if isinstance(item, dict) else None)
    return written or scanned


def parse_when(value: Any) -> datetime | None:
    """A date as ruamel read it (date, datetime or text) as naive time; None if it is not."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace(" ", "T", 1)).replace(tzinfo=None)
        except ValueError:
            return None
    return None


def write_storyboard(result: InitResult) -> None:
    """Write the storyboard atomically (a crash never leaves half a file), if it changed."""
    if not result.changed:
        return
    target = result.storyboard
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        partial.write_text(result.text, encoding="utf-8")
        if target.exists():
            partial.chmod(target.stat().st_mode & 0o7777)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
