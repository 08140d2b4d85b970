"""The whole path from a storyboard file to a plan or an mp4, with real media and fonts.

The CLI, previews and batch jobs all go through here, so they plan and render alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from montage.errors import MontageError
from montage.media.probe import probe
from montage.planner import plan
from montage.render import RenderResult, render_timeline
from montage.storyboard.load import LoadedStoryboard, load_storyboard
from montage.style import TextStyle
from montage.text import layout_text
from montage.timeline import Timeline


@dataclass(frozen=True)
class LoadOptions:
    """How to find and layer a storyboard: the CLI's --set, --presets-dir, --allow-outside."""

    overrides: tuple[str, ...] = ()
    presets_dirs: tuple[Path, ...] = ()
    allow_outside: tuple[Path, ...] = field(default_factory=tuple)


def measure_text(text: str, style: TextStyle, max_width: int, max_height: int) -> tuple[int, int]:
    """Pixel size of a text sprite as the renderer will draw it."""
    layout = layout_text(text, style, max_width, max_height)
    return layout.width, layout.height


def load(path: Path, options: LoadOptions = LoadOptions()) -> LoadedStoryboard:
    """Load and validate a storyboard file."""
    return load_storyboard(
        path,
        overrides=options.overrides,
        presets_dirs=options.presets_dirs,
        allow_outside=options.allow_outside,
    )


def plan_loaded(loaded: LoadedStoryboard) -> Timeline:
    """Plan a loaded storyboard; plan errors come back located in the YAML."""
    try:
        return plan(loaded.storyboard, probe, measure_text, loaded.media_path)
    except MontageError as error:
        raise loaded.locate(error) from None


def render_file(
    path: Path,
    options: LoadOptions = LoadOptions(),
    output: Path | None = None,
    progress: object = None,
) -> RenderResult:
    """Load, plan and render one storyboard file."""
    loaded = load(path, options)
    timeline = plan_loaded(loaded)
    return render_timeline(timeline, output or loaded.output_path(), progress=progress)  # type: ignore[arg-type]
