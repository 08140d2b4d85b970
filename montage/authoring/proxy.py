"""`preview --fast`: the whole montage as a small, low-frame-rate proxy mp4, to check the flow.

It is the real render of the same storyboard with `--set` overrides: a third of the size
(kept even), at most 15 fps, x264 `ultrafast`. Text sizes scale with the canvas, so the
proxy looks like the final video, only smaller.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from montage.authoring.thumbs import even
from montage.pipeline import LoadOptions, check_output, load, plan_loaded
from montage.render import RenderResult, render_timeline
from montage.render.output import Progress
from montage.storyboard.load import LoadedStoryboard
from montage.storyboard.model import Output

PROXY_SCALE = 1 / 3
PROXY_FPS = 15
PROXY_CRF = 28


def proxy_overrides(output: Output) -> tuple[str, ...]:
    """`--set` assignments that turn the storyboard's output into the proxy's."""
    return (
        f"output.width={even(output.width * PROXY_SCALE)}",
        f"output.height={even(output.height * PROXY_SCALE)}",
        f"output.fps={min(output.fps, PROXY_FPS)}",
        "output.x264_preset=ultrafast",
        f"output.crf={PROXY_CRF}",
    )


def proxy_path(loaded: LoadedStoryboard) -> Path:
    """Default proxy path: beside the storyboard's mp4, `NAME.proxy.mp4`."""
    return loaded.output_path().with_suffix(".proxy.mp4")


def render_proxy(
    path: Path,
    options: LoadOptions | None = None,
    output: Path | None = None,
    *,
    progress: Progress | None = None,
) -> RenderResult:
    """Render the proxy of storyboard `path` to `output` (default: `proxy_path`).

    The user's own `--set` values come first, so the proxy settings win over them.
    Raises the MontageErrors of loading, planning and rendering.
    """
    options = options or LoadOptions()
    loaded = load(path, options)
    faster = dataclasses.replace(
        options, overrides=options.overrides + proxy_overrides(loaded.storyboard.output)
    )
    target = output or proxy_path(loaded)
    check_output(loaded, target, flag="-o" if output else "")
    timeline = plan_loaded(load(path, faster), faster)
    return render_timeline(timeline, target, progress=progress)
