"""Resource limits an operator sets for untrusted storyboards, checked before decoding.

They come from the command line (`--limit max_duration=60`), never from the storyboard,
since a hostile storyboard would simply raise its own limits.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from montage.errors import Problem, SecurityError
from montage.media.info import MediaInfo
from montage.timeline import Timeline


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
        """Build from `NAME=VALUE` strings; raises ValueError naming the bad one."""
        fields = {f.name: f.type for f in dataclasses.fields(cls)}
        values: dict[str, float | int] = {}
        for text in assignments:
            name, _, raw = text.partition("=")
            if name not in fields:
                raise ValueError(f"--limit {text!r}: unknown limit; use one of {', '.join(fields)}")
            try:
                values[name] = float(raw) if name == "max_duration" else int(raw)
            except ValueError:
                raise ValueError(f"--limit {text!r}: {raw!r} is not a number") from None
        return cls(**values)  # type: ignore[arg-type]

    def check_source(self, info: MediaInfo) -> None:
        """Refuse a source too large to decode safely."""
        if info.width * info.height > self.max_input_pixels:
            raise SecurityError.single(
                f"'{info.path.name}' is {info.width}x{info.height}, over the "
                f"{self.max_input_pixels / 1e6:.0f} MP input limit",
                hint="downscale it, or raise --limit max_input_pixels=N",
            )

    def check_timeline(self, timeline: Timeline, clip_count: int) -> list[Problem]:
        """Every limit the plan exceeds."""
        canvas = timeline.canvas
        checks = [
            (
                timeline.duration > self.max_duration,
                "output.path",
                f"the montage lasts {timeline.duration:.1f} s, over the {self.max_duration:g} s "
                "limit",
                "max_duration",
            ),
            (
                clip_count > self.max_clips,
                "clips",
                f"{clip_count} clips, over the limit of {self.max_clips}",
                "max_clips",
            ),
            (
                max(canvas.width, canvas.height) > self.max_canvas,
                "output.width",
                f"a {canvas.width}x{canvas.height} canvas is over the {self.max_canvas} px limit",
                "max_canvas",
            ),
            (
                canvas.fps > self.max_fps,
                "output.fps",
                f"{canvas.fps} fps is over the limit of {self.max_fps}",
                "max_fps",
            ),
        ]
        problems = [
            Problem(msg, None, path, f"shorten it, or raise --limit {name}=N")
            for failed, path, msg, name in checks
            if failed
        ]
        long_texts = [t for t in timeline.texts if len(t.text) > self.max_caption]
        problems += [
            Problem(
                f"a {t.kind} of {len(t.text)} characters is over the limit of {self.max_caption}",
                None,
                "",
                "shorten it",
            )
            for t in long_texts[:1]
        ]
        return problems
