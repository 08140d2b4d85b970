"""Skip outputs that are already up to date, using a sidecar manifest per output.

`out/name.mp4` gets `out/.name.mp4.montage.json`:

    {"format": 1, "tool": "montage", "version": "0.1.0",
     "plan_sha256": "<sha256 of Timeline.to_dict() as sorted-key JSON>",
     "inputs": [{"path": "/abs/clips/a.mp4", "size": 123, "mtime_ns": 1700000000000000000}],
     "output": {"size": 45678, "mtime_ns": 1700000000000000000},
     "source": "clients.csv row 6"}

An output is up to date when the manifest matches all of: the tool version, the plan
hash (any change in the storyboard, presets, overrides or probed media that changes the
plan), every input's size and mtime, and the output's own size and mtime (so an output
replaced by something else is rendered again). The sidecar sits beside its output, so
moving a folder of outputs keeps their manifests, and a row's manifest never collides
with another row's.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from montage import __version__
from montage.timeline import Timeline

FORMAT = 1


@dataclass(frozen=True)
class FileStamp:
    """A file's identity for staleness: absolute path, size and mtime in nanoseconds."""

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        """Stat `path` now; a missing file gets size -1, which never matches."""
        try:
            st = path.stat()
        except OSError:
            return cls(str(path), -1, 0)
        return cls(str(path), st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class Stamp:
    """What an output was made from: the plan's hash and the inputs as they were planned."""

    plan_sha256: str
    inputs: tuple[FileStamp, ...]


def plan_hash(timeline: Timeline) -> str:
    """SHA-256 of the resolved plan as sorted-key JSON."""
    text = json.dumps(timeline.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def input_files(timeline: Timeline) -> list[Path]:
    """Every file the render reads: pictures, sounds and font files given as paths."""
    paths = {p.path for s in timeline.segments for p in s.pictures}
    paths |= {cue.path for cue in timeline.audio}
    paths |= {Path(t.style.font) for t in timeline.texts if Path(t.style.font).is_absolute()}
    return sorted({p.resolve() for p in paths})


def stamp_for(timeline: Timeline) -> Stamp:
    """Hash the plan and stat its inputs (call at planning time, before rendering)."""
    inputs = tuple(FileStamp.of(p) for p in input_files(timeline))
    return Stamp(plan_hash(timeline), inputs)


def sidecar_path(output: Path) -> Path:
    """The manifest beside `output`: `out/.name.mp4.montage.json`."""
    return output.with_name(f".{output.name}.montage.json")


def is_up_to_date(output: Path, stamp: Stamp) -> bool:
    """True when `output` exists and its manifest matches `stamp`, the version and the file."""
    try:
        recorded = json.loads(sidecar_path(output).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(recorded, dict):
        return False
    return recorded == _manifest(output, stamp, recorded.get("source", ""))


def write_manifest(output: Path, stamp: Stamp, source: str) -> None:
    """Record that `output` was rendered from `stamp`."""
    text = json.dumps(_manifest(output, stamp, source), indent=2, ensure_ascii=False)
    write_atomic(sidecar_path(output), text + "\n")


def write_atomic(target: Path, text: str) -> None:
    """Write `text` to a temp file beside `target`, then move it into place."""
    # Not mkstemp: its 0600 mode would differ from the outputs' (umask) permissions.
    temp = target.with_name(f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp")
    try:
        with temp.open("x", encoding="utf-8") as handle:
            handle.write(text)
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _manifest(output: Path, stamp: Stamp, source: str) -> dict[str, Any]:
    out = FileStamp.of(output)
    return {
        "format": FORMAT,
        "tool": "montage",
        "version": __version__,
        "plan_sha256": stamp.plan_sha256,
        "inputs": [{"path": i.path, "size": i.size, "mtime_ns": i.mtime_ns} for i in stamp.inputs],
        "output": {"size": out.size, "mtime_ns": out.mtime_ns},
        "source": source,
    }
