"""Where a storyboard's files may come from, checked on the raw data before anything opens.

Storyboards are untrusted: a path must stay inside the storyboard's folder (or a root
the user allowed), resolve to a regular file after following symlinks, and never be a
URL or an ffmpeg protocol. The output may not overwrite an input, and no input may be a
montage's half-written output (the next render of that output deletes it).
"""

from __future__ import annotations

import difflib
import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from montage.storyboard.fields import looks_like_protocol
from montage.storyboard.yamlio import PathKey, format_path


@dataclass(frozen=True)
class PathPolicy:
    """The folders a storyboard may read from."""

    base_dir: Path
    allowed_roots: tuple[Path, ...] = ()

    def roots(self) -> tuple[Path, ...]:
        """Resolved roots: the storyboard folder first."""
        return tuple(p.resolve() for p in (self.base_dir, *self.allowed_roots))

    def resolve(self, written: str) -> Path:
        """Absolute path of a path as written in the storyboard (no checks).

        `~` is not expanded: a storyboard must not depend on whose account renders it.
        """
        path = Path(written)
        return path if path.is_absolute() else self.base_dir / path


OUTPUT_SUFFIXES = (".mp4", ".m4v", ".mov")
PARTIAL_TAG = ".montage-partial"  # as montage.render.output.PARTIAL_TAG (no import: layers)


def media_path_findings(data: Any, policy: PathPolicy) -> list[tuple[PathKey, str, str]]:
    """Problems with every clip, music and output path in raw storyboard data."""
    findings = []
    inputs = list(_media_paths(data))
    for path_key, written in inputs:
        problem = check_media_path(written, policy)
        if problem is not None:
            findings.append((path_key, *problem))
    output = data.get("output") if isinstance(data, dict) else None
    written = output.get("path") if isinstance(output, dict) else None
    if isinstance(written, str):
        problem = check_output_path(written, policy) or _overwrites(written, inputs, policy)
        if problem is not None:
            findings.append((("output", "path"), *problem))
    return findings


def _overwrites(
    written: str, inputs: list[tuple[PathKey, str]], policy: PathPolicy
) -> tuple[str, str] | None:
    """(message, hint) if the output `written` is the same file as one of the inputs."""
    target = _real(written, policy)
    for path_key, source in inputs:
        if target is not None and target == _real(source, policy):
            return (
                f"{written!r} would overwrite {format_path(path_key)} ({source!r}), an input",
                "write the video to a new file, e.g. out/montage.mp4",
            )
    return None


def _real(written: str, policy: PathPolicy) -> Path | None:
    """The resolved path of a local path as written; None when it cannot be one."""
    if not written.strip() or looks_like_protocol(written) or "\x00" in written:
        return None
    try:
        return policy.resolve(written).resolve()
    except (OSError, RuntimeError):
        return None


def check_output_path(written: str, policy: PathPolicy) -> tuple[str, str] | None:
    """(message, hint) if a storyboard may not write to `written`, else None.

    A storyboard chooses where its own video goes only inside its folder (or an allowed
    root), and only as a video file: an untrusted one must not overwrite `~/.bashrc`.
    `montage render -o` is the operator's choice and is not limited this way.
    """
    if "\x00" in written or looks_like_protocol(written):
        return f"{written!r} is not a local file path", "write a path such as out/montage.mp4"
    if not written.lower().endswith(OUTPUT_SUFFIXES):
        return (f"{written!r} is not an .mp4 file", "end the output path with .mp4")
    try:
        real = policy.resolve(written).resolve()
    except (OSError, RuntimeError) as exc:
        return f"{written!r} cannot be resolved ({exc})", "check the path"
    if not any(real.is_relative_to(root) for root in policy.roots()):
        return (
            f"{written!r} is outside the storyboard folder ({policy.roots()[0]})",
            "write the video inside the storyboard folder, or use `montage render -o`",
        )
    return None


def _media_paths(data: Any) -> Iterator[tuple[PathKey, str]]:
    if not isinstance(data, dict):
        return
    clips = data.get("clips")
    if isinstance(clips, list):
        for index, clip in enumerate(clips):
            if isinstance(clip, dict) and _is_text(clip.get("path")):
                yield ("clips", index, "path"), str(clip["path"])
    audio = data.get("audio")
    music = audio.get("music") if isinstance(audio, dict) else None
    if isinstance(music, dict) and _is_text(music.get("path")):
        yield ("audio", "music", "path"), str(music["path"])


def _is_text(value: Any) -> bool:
    """Paths the model will accept as text: strings, and numbers it turns into strings."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def check_media_path(written: str, policy: PathPolicy) -> tuple[str, str] | None:
    """(message, hint) if `written` may not be opened, else None."""
    if not written.strip() or looks_like_protocol(written) or "\x00" in written:
        return None  # the model reports these with a better message
    candidate = policy.resolve(written)
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError) as exc:  # symlink loops, names too long
        return f"{written!r} cannot be resolved ({exc})", "check the path"
    if _has_control(str(candidate)) or _has_control(str(real)):
        # ffmpeg prints paths in the header montage reads: a line break could forge it.
        return (
            f"{written!r} has a line break or control character in its path",
            "rename the file, the folder or the link target",
        )
    roots = policy.roots()
    if not any(real == root or real.is_relative_to(root) for root in roots):
        via = " through a symlink" if candidate.is_symlink() else ""
        return (
            f"{written!r} is outside the storyboard folder{via} ({roots[0]})",
            "move the file into the storyboard folder or pass --allow-outside DIR",
        )
    try:
        mode = real.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            return f"the path {written[:40]!r}… is too long", "shorten the file or folder names"
        return f"{written!r} not found (looked in {candidate.parent})", _suggest(candidate)
    if not stat.S_ISREG(mode):
        return f"{written!r} is not a regular file", "point at a video or photo file"
    if f"{PARTIAL_TAG}." in real.name:
        return (
            f"{written!r} is a montage's half-written output, not a clip",
            "the next render of that video deletes it; rename it if it really is a clip",
        )
    return None


def _suggest(candidate: Path) -> str:
    try:
        names = [p.name for p in candidate.parent.iterdir() if p.is_file()]
    except OSError:
        return "check the folder name"
    close = difflib.get_close_matches(candidate.name, names, n=1, cutoff=0.5)
    return f"did you mean {close[0]!r}?" if close else "check the spelling and the folder"


def why_unwritable(target: Path) -> str:
    """Why no file can be written at `target` (absolute); "" when it can.

    Missing folders do not count: the writer creates them. Checked before a long render
    or batch, so a typo does not cost its result.
    """
    if target.is_dir():
        return "it is a folder"
    if target.exists() and not target.is_file():
        return "it is a device or pipe, not a file"
    folder = target.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is a file, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    return ""


def _has_control(text: str) -> bool:
    """A line break, tab or other control character (C0 or DEL): never in a safe path."""
    return any(ord(c) < 32 or ord(c) == 127 for c in text)
