"""The hand-written baseline: the same montage as ONE `ffmpeg -filter_complex` command.

It reads montage's resolved `Timeline` only for the plan (segment frames, text positions
and frame ranges, crf and preset), so both sides render the same thing; the rendering
itself is plain ffmpeg, independent of `montage.render`:

- per clip: trim, setpts, fps, then the fit (cover, or montage's "blur" look: a small
  blurred, darkened backdrop scaled up behind the contained picture), a cloned tail and
  an exact frame count;
- `xfade=transition=fade` chained over the clips;
- every text (captions, date stamps, hashtags) as a PNG sprite rendered once by
  `montage.text`, like montage does, overlaid on the joined stream with
  `enable='between(t,...)'` over the layer's frame range. Montage fades a text in and
  out over a few frames where it hands over mid-transition; here it switches in one frame;
- audio: atrim per clip (`anullsrc` for a silent clip), chained `acrossfade`;
- libx264 with montage's crf and preset, yuv420p, AAC, `+faststart`.

Only what the benchmark storyboard uses is supported: moving clips at speed 1, crossfade
or cut joins, no cards, no comparison, no music, no HDR.
"""

from __future__ import annotations

from pathlib import Path

from montage.media.ffmpeg import input_args
from montage.media.info import MediaInfo
from montage.media.probe import probe
from montage.text import render_text
from montage.timeline import Segment, TextLayer, Timeline

ASPECT_TOLERANCE = 0.01  # same rule as montage: a source this close to the box is cropped
BLUR_DOWNSCALE = 8


def build_command(timeline: Timeline, output: Path, workdir: Path) -> list[str]:
    """ffmpeg arguments (without the executable) that render `timeline` to `output`.

    Text sprites are written to `workdir` as PNG files first.
    """
    _check_supported(timeline)
    infos = [probe(segment.pictures[0].path) for segment in timeline.segments]
    sprites = write_sprites(timeline.texts, workdir)
    inputs: list[str] = []
    for segment in timeline.segments:
        inputs += input_args(segment.pictures[0].path)
    for sprite in sprites.values():
        inputs += input_args(sprite)
    first_sprite = len(timeline.segments)
    sprite_input = {layer: first_sprite + n for n, layer in enumerate(sprites)}
    graph = ";".join(video_graph(timeline, infos, sprite_input) + audio_graph(timeline, infos))
    return [*inputs, "-filter_complex", graph, *_output_args(timeline, output)]


def _check_supported(timeline: Timeline) -> None:
    """Refuse plans this baseline does not reproduce, rather than render them wrongly."""
    for segment in timeline.segments:
        picture = segment.pictures[0] if len(segment.pictures) == 1 else None
        if segment.kind != "clip" or picture is None or picture.still or picture.hdr:
            raise ValueError(f"{segment.name}: the baseline renders plain video clips only")
        if picture.speed != 1.0 or segment.enter.kind not in ("cut", "crossfade"):
            raise ValueError(f"{segment.name}: the baseline needs speed 1 and crossfades")
    if any(cue.kind == "music" for cue in timeline.audio):
        raise ValueError("the baseline has no music bed")


def write_sprites(texts: tuple[TextLayer, ...], workdir: Path) -> dict[TextLayer, Path]:
    """Render every text layer once with montage's text renderer, as montage does."""
    workdir.mkdir(parents=True, exist_ok=True)
    sprites: dict[TextLayer, Path] = {}
    for number, layer in enumerate(texts):
        path = workdir / f"text{number:03d}.png"
        render_text(layer.text, layer.style, *layer.max_size).save(path)
        sprites[layer] = path
    return sprites


def fit_filters(info: MediaInfo, width: int, height: int, tag: str) -> str:
    """Scale a source into the canvas: cover when the shapes match, else the blur fill."""
    if abs((info.width / info.height) / (width / height) - 1) < ASPECT_TOLERANCE:
        return (
            f"scale={width}:{height}:force_original_aspect_ratio=increase:flags=bicubic,"
            f"crop={width}:{height}"
        )
    small_w, small_h = width // BLUR_DOWNSCALE, height // BLUR_DOWNSCALE
    return (
        f"split=2[{tag}b][{tag}f];"
        f"[{tag}b]scale={small_w}:{small_h}:force_original_aspect_ratio=increase,"
        f"crop={small_w}:{small_h},boxblur=4:2,eq=brightness=-0.12:saturation=0.9,"
        f"scale={width}:{height}:flags=bilinear[{tag}bg];"
        f"[{tag}f]scale={width}:{height}:force_original_aspect_ratio=decrease:flags=bicubic"
        f"[{tag}fg];[{tag}bg][{tag}fg]overlay=(W-w)/2:(H-h)/2"
    )


def video_graph(
    timeline: Timeline, infos: list[MediaInfo], sprite_input: dict[TextLayer, int]
) -> list[str]:
    """Filter chains for the picture: each segment, the xfade chain, then the texts."""
    canvas = timeline.canvas
    chains = []
    for number, (segment, info) in enumerate(zip(timeline.segments, infos, strict=True)):
        fit = fit_filters(info, canvas.width, canvas.height, f"v{number}")
        chains.append(
            f"[{number}:v:0]trim=start={segment.pictures[0].source_in:.6f},"
            f"setpts=PTS-STARTPTS,fps={canvas.fps},{fit},setsar=1,"
            f"tpad=stop=-1:stop_mode=clone,trim=end_frame={segment.frames},"
            f"format=yuv420p[s{number}]"
        )
    chains += _xfades(timeline.segments, canvas.fps)
    chains += overlay_chain("x", list(timeline.texts), sprite_input, "vout", canvas.fps)
    return chains


def overlay_chain(
    source: str, layers: list[TextLayer], sprite_input: dict[TextLayer, int], out: str, fps: int
) -> list[str]:
    """Overlay the sprites of `layers` one after another from [source] to [out].

    Each overlay is enabled over its layer's frames [start, end), with half-frame margins
    so a frame time never sits on the edge of the window.
    """
    if not layers:
        return [f"[{source}]null[{out}]"]
    chains = []
    current = source
    for number, layer in enumerate(layers):
        target = out if number == len(layers) - 1 else f"{out}_{number}"
        first, last = (layer.start - 0.5) / fps, (layer.end - 0.5) / fps
        x, y = layer.position
        chains.append(
            f"[{current}][{sprite_input[layer]}:v]overlay={x}:{y}"
            f":enable='between(t,{first:.5f},{last:.5f})'[{target}]"
        )
        current = target
    return chains


def _xfades(segments: tuple[Segment, ...], fps: int) -> list[str]:
    """Chain the segments with `xfade` (or `concat` for a cut) into [x]."""
    chains = []
    current = "[s0]"
    for number, segment in enumerate(segments[1:], start=1):
        out = f"[j{number}]"
        if segment.enter.frames:
            chains.append(
                f"{current}[s{number}]xfade=transition=fade:"
                f"duration={segment.enter.frames / fps:.6f}:offset={segment.start / fps:.6f}{out}"
            )
        else:
            chains.append(f"{current}[s{number}]concat=n=2:v=1:a=0{out}")
        current = out
    chains.append(f"{current}null[x]")
    return chains


def audio_graph(timeline: Timeline, infos: list[MediaInfo]) -> list[str]:
    """Each clip's sound (or silence) trimmed to its segment, joined with acrossfade."""
    fps, rate = timeline.canvas.fps, timeline.encoding.audio_rate
    chains = []
    for number, (segment, info) in enumerate(zip(timeline.segments, infos, strict=True)):
        samples = segment.frames * rate // fps
        tail = f"apad=whole_len={samples},atrim=end_sample={samples}[a{number}]"
        if info.has_audio:
            chains.append(
                f"[{number}:a:0]atrim=start={segment.pictures[0].source_in:.6f},"
                f"asetpts=PTS-STARTPTS,aresample={rate},"
                f"aformat=sample_fmts=fltp:channel_layouts=stereo,{tail}"
            )
        else:
            chains.append(f"anullsrc=r={rate}:cl=stereo,{tail}")
    current = "[a0]"
    for number, segment in enumerate(timeline.segments[1:], start=1):
        out = f"[aj{number}]"
        seconds = segment.enter.frames / fps
        join = f"acrossfade=d={seconds:.6f}" if seconds else "concat=n=2:v=0:a=1"
        chains.append(f"{current}[a{number}]{join}{out}")
        current = out
    chains.append(f"{current}anull[aout]")
    return chains


def _output_args(timeline: Timeline, output: Path) -> list[str]:
    enc = timeline.encoding
    return [
        "-map",
        "[vout]",
        "-map",
        "[aout]",
        "-c:v",
        "libx264",
        "-preset",
        enc.x264_preset,
        "-crf",
        str(enc.crf),
        "-profile:v",
        "high",
        "-pix_fmt",
        "yuv420p",
        "-r",
        str(timeline.canvas.fps),
        "-c:a",
        "aac",
        "-b:a",
        f"{enc.audio_kbps}k",
        "-ar",
        str(enc.audio_rate),
        "-movflags",
        "+faststart",
        "-map_metadata",
        "-1",
        "-y",
        str(output),
    ]
