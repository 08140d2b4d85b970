"""The whole path from a storyboard file to a plan or an mp4, with real media and fonts.

`LoadOptions` lives in `montage.options` (pure) and is re-exported here.

The CLI, previews and batch jobs all go through here, so they plan and render alike.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from montage.errors import MontageError, RenderError, SecurityError
from montage.media.decoding import check_music
from montage.media.info import MediaInfo
from montage.media.integrity import ensure_complete
from montage.media.probe import probe
from montage.options import LoadOptions
from montage.planner import plan
from montage.render import RenderResult, render_timeline
from montage.render.output import Progress, partial_path
from montage.storyboard.load import LoadedStoryboard, load_storyboard
from montage.storyboard.paths import OUTPUT_SUFFIXES, why_unwritable
from montage.style import TextStyle
from montage.text import layout_text
from montage.timeline import Timeline

DEFAULT_OPTIONS = LoadOptions()


def measure_text(text: str, style: TextStyle, max_width: int, max_height: int) -> tuple[int, int]:
    """Pixel size of a text sprite as the renderer will draw it."""
    layout = layout_text(text, style, max_width, max_height)
    return layout.width, layout.height


def load(path: Path, options: LoadOptions = DEFAULT_OPTIONS) -> LoadedStoryboard:
    """Load and validate a storyboard file."""
    return load_storyboard(
        path,
        overrides=options.overrides,
        presets_dirs=options.presets_dirs,
        allow_outside=options.allow_outside,
    )


def plan_loaded(loaded: LoadedStoryboard, options: LoadOptions = DEFAULT_OPTIONS) -> Timeline:
    """Plan a loaded storyboard with real media facts; errors come back located in the YAML."""

    def checked_probe(path: Path) -> MediaInfo:
        info = probe(path)
        options.limits.check_source(info)
        return ensure_complete(info, allow_truncated=options.allow_truncated)

    errors: list[MontageError] = []
    try:
        timeline = plan(loaded.storyboard, checked_probe, measure_text, loaded.media_path)
        problems = options.limits.check_timeline(timeline, len(loaded.storyboard.clips))
        if problems:
            errors.append(SecurityError(problems))
    except MontageError as error:
        errors.append(error)
    errors += _music_errors(loaded)
    if errors:  # all at once, as the first kind (which chooses the exit code)
        problems = [p for error in errors for p in error.problems]
        raise loaded.locate(type(errors[0])(problems)) from None
    return timeline


def _music_errors(loaded: LoadedStoryboard) -> list[MontageError]:
    """The music must be audio that decodes all through: the mix loops it under the video."""
    music = loaded.storyboard.audio.music
    if music is None:
        return []
    try:
        check_music(loaded.media_path(music.path))
    except MontageError as error:
        return [
            type(error)([dataclasses.replace(p, path="audio.music.path") for p in error.problems])
        ]
    return []


def check_output(
    loaded: LoadedStoryboard,
    output: Path,
    *,
    flag: str = "",
    suffixes: tuple[str, ...] = OUTPUT_SUFFIXES,
) -> None:
    """Refuse an output path that would overwrite the storyboard or one of its inputs, or
    that cannot be written (a folder, a device or pipe, a place below a file, a read-only
    folder, a folder in the way of the partial file), or whose suffix is not `suffixes`.

    `flag` names the command-line option the path came from ("-o"); without it the
    problem is located at the storyboard's `output.path`.
    """
    target = output.resolve()
    board = loaded.storyboard
    inputs = [loaded.source] + [loaded.media_path(c.path).resolve() for c in board.clips]
    if board.audio.music:
        inputs.append(loaded.media_path(board.audio.music.path).resolve())
    field = "" if flag else "output.path"
    named = f"{flag} {output}" if flag else str(output)
    if target in inputs or target.suffix.lower() in (".yaml", ".yml"):
        raise SecurityError.single(
            f"refusing to write over {target.name}: it is an input",
            path=field,
            hint="choose another output path",
        )
    problem = why_unwritable(target)
    if not problem and target.suffix.lower() not in suffixes:
        problem = f"the file name must end in {' or '.join(suffixes)}"
    partial = partial_path(target)
    if not problem and (partial.exists() or partial.is_symlink()) and not partial.is_file():
        problem = f"{partial.name}, where the video is written first, is not a file"
    if problem:
        raise RenderError.single(f"cannot write {named}: {problem}", path=field, hint=_WRITABLE)


_WRITABLE = "choose a file path in a folder you can write to, e.g. out/montage.mp4"


def render_file(
    path: Path,
    options: LoadOptions = DEFAULT_OPTIONS,
    output: Path | None = None,
    progress: Progress | None = None,
    threads: int | None = None,
) -> RenderResult:
    """Load, plan and render one storyboard file."""
    loaded = load(path, options)
    timeline = plan_loaded(loaded, options)
    target = output or loaded.output_path()
    check_output(loaded, target)
    return render_timeline(timeline, target, progress=progress, threads=threads)


__all__ = ["LoadOptions", "check_output", "load", "measure_text", "plan_loaded", "render_file"]
