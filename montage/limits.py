"""Resource limits an operator sets for untrusted storyboards, checked before decoding.

They come from the command line (`--limit max_duration=60`), never from the storyboard,
since a hostile storyboard would simply raise its own limits. Each problem names the
storyboard field it is about, so the CLI can point at its line and column.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from montage.errors import Problem, SecurityError
from montage.media.info import MediaInfo
from montage.timeline import TextLayer, Timeline


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what one render may cost."""

    max_duration: float = 900.0  # seconds of output: Instagram's 15 minutes
    max_clips: int = 500
    max_canvas: int = 4096  # pixels on the longer edge of the output
    max_fps: int = 120
    max_caption: int = 500  # characters in any one text
    max_input_pixels: int = 8192 * 8192  # a source frame (8K video, 60 MP photos pass)

    @classmethod
    def parse(cls, assignments: tuple[str, ...]) -> Limits:
        """Build from `NAME=VALUE` strings; raises ValueError naming the bad one.

        Values must be positive and finite: `nan` would silently switch a limit off.
        """
        fields = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, float | int] = {}
        for text in assignments:
            name, _, raw = text.partition("=")
            if name not in fields:
                raise ValueError(f"--limit {text!r}: unknown limit; use one of {', '.join(fields)}")
            values[name] = _number(text, raw, float if name == "max_duration" else int)
        return cls(**values)  # type: ignore[arg-type]

    def check_source(self, info: MediaInfo) -> None:
        """Refuse a source too large to decode safely."""
        if info.width * info.height > self.max_input_pixels:
            raise SecurityError.single(
                f"'{info.path.name}' is {info.width}x{info.height}, over the "
                f"{_pixels(self.max_input_pixels)} input limit",
                hint="downscale it, or raise --limit max_input_pixels=N",
            )

    def check_timeline(self, timeline: Timeline, clip_count: int) -> list[Problem]:
        """Every limit the plan exceeds, each at the storyboard field that sets it."""
        canvas = timeline.canvas
        checks = [
            (
                timeline.duration > self.max_duration,
                "clips",
                f"the montage lasts {timeline.duration:.1f} s, over the "
                f"{self.max_duration:g} s limit",
                "use fewer or shorter clips, or raise --limit max_duration=SECONDS",
            ),
            (
                clip_count > self.max_clips,
                "clips",
                f"{clip_count} clips, over the limit of {self.max_clips}",
                "split the montage, or raise --limit max_clips=N",
            ),
            (
                max(canvas.width, canvas.height) > self.max_canvas,
                "output.width" if canvas.width >= canvas.height else "output.height",
                f"a {canvas.width}x{canvas.height} canvas is over the {self.max_canvas} px limit",
                "use a smaller output size, or raise --limit max_canvas=PIXELS",
            ),
            (
                canvas.fps > self.max_fps,
                "output.fps",
                f"{canvas.fps} fps is over the limit of {self.max_fps}",
                "use a lower output.fps, or raise --limit max_fps=N",
            ),
        ]
        problems = [Problem(msg, None, path, hint) for failed, path, msg, hint in checks if failed]
        return problems + self._text_problems(timeline)

    def _text_problems(self, timeline: Timeline) -> list[Problem]:
        """One problem per field whose text is longer than `max_caption` characters."""
        found: dict[str, Problem] = {}
        for layer in timeline.texts:
            if len(layer.text) > self.max_caption:
                path = text_path(layer, timeline)
                found.setdefault(
                    path,
                    Problem(
                        f"a {layer.kind} of {len(layer.text)} characters is over the limit "
                        f"of {self.max_caption}",
                        None,
                        path,
                        "shorten it, or raise --limit max_caption=N",
                    ),
                )
        return list(found.values())


def text_path(layer: TextLayer, timeline: Timeline) -> str:
    """The storyboard field a text layer comes from, e.g. `clips[2].caption`."""
    segment = timeline.segments[layer.segment] if layer.segment is not None else None
    if layer.kind in ("counter", "date_stamp", "hashtags"):
        return f"overlays.{layer.kind}"
    if segment is None:
        return ""
    if layer.kind == "caption" and segment.clip_index is not None:
        return f"clips[{segment.clip_index}].caption"
    if layer.kind == "title":
        return f"{segment.kind}.text"
    return "compare" if segment.kind == "compare" else ""


def _number(text: str, raw: str, kind: type[float] | type[int]) -> float | int:
    """The positive, finite value of one `--limit NAME=VALUE`."""
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"--limit {text!r}: {raw!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"--limit {text!r}: a limit must be a positive number")
    return value


def _pixels(count: int) -> str:
    """`67 MP`, or the exact count for limits under a megapixel."""
    return f"{count / 1e6:.0f} MP" if count >= 1_000_000 else f"{count:,} pixel"
