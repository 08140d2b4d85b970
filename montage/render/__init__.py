"""Timeline -> frames -> encoder. See `render_timeline` and `render_still`."""

from montage.render.output import RenderResult, render_timeline
from montage.render.still import render_still

__all__ = ["RenderResult", "render_still", "render_timeline"]
