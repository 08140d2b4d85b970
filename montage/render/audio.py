"""Mix the audio cues into one AAC track with a single ffmpeg call.

Placement is sample-exact (`adelay` in samples, `atrim`/`apad` to whole lengths), so
the picture and the sound never drift apart at joins, and the track is exactly as long
as the video. Music loops under everything and ducks smoothly under clip sound.
"""

from __future__ import annotations

import subprocess

from montage.errors import RenderError
from montage.media.ffmpeg import media_input_args, run_ffmpeg
from montage.render.scratch import Scratch
from montage.timeline import AudioCue, Timeline

DUCK_RAMP = 0.25  # seconds over which the music dips and recovers
MIX_TIMEOUT = 900.0
FORMAT = "aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo"


def mix_audio(timeline: Timeline, target: Scratch) -> list[str]:
    """Write the montage's sound track (AAC in mp4) to `target`; return warnings.

    If the mix fails, each clip's sound is tried alone; clips whose audio cannot be
    decoded play silent (with a warning) rather than failing the whole render.
    """
    try:
        _mix(timeline.audio, timeline, target)
        return []
    except RenderError:
        broken = [
            cue
            for cue in timeline.audio
            if cue.kind == "clip" and not _decodes(cue, timeline.canvas.fps)
        ]
        if not broken:
            raise
    kept = tuple(cue for cue in timeline.audio if cue not in broken)
    _mix(kept, timeline, target)
    return [f"the audio of {cue.path.name} cannot be decoded; it plays silent" for cue in broken]


def _decodes(cue: AudioCue, fps: int) -> bool:
    args = [
        "-v",
        "error",
        "-xerror",
        "-ss",
        f"{cue.source_in:.6f}",
        *media_input_args(cue.path),
        "-map",
        "0:a:0",
        "-t",
        f"{cue.frames / fps * cue.speed:.3f}",
        "-f",
        "null",
        "-",
    ]
    try:
        return run_ffmpeg(args, timeout=MIX_TIMEOUT).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def _mix(cues: tuple[AudioCue, ...], timeline: Timeline, target: Scratch) -> None:
    fps, rate = timeline.canvas.fps, timeline.encoding.audio_rate
    total_samples = timeline.total_frames * rate // fps
    inputs: list[str] = []
    chains: list[str] = []
    for number, cue in enumerate(cues):
        loop = ["-stream_loop", "-1"] if cue.kind == "music" else []
        inputs += [*loop, *media_input_args(cue.path)]
        chains.append(f"[{number}:a:0]{_cue_chain(cue, fps, rate)}[c{number}]")
    if chains:
        labels = "".join(f"[c{n}]" for n in range(len(chains)))
        chains.append(
            f"{labels}amix=inputs={len(chains)}:duration=longest:normalize=0,"
            f"alimiter=limit=0.97:level=0:latency=1,"
            f"apad=whole_len={total_samples},atrim=end_sample={total_samples}[out]"
        )
    else:
        chains.append(f"anullsrc=r={rate}:cl=stereo,atrim=end_sample={total_samples}[out]")
    args = [
        *inputs,
        "-filter_complex",
        ";".join(chains),
        "-map",
        "[out]",
        "-c:a",
        "aac",
        "-b:a",
        f"{timeline.encoding.audio_kbps}k",
        "-ar",
        str(rate),
        "-map_metadata",
        "-1",
        "-f",
        "mp4",
        "-y",
        str(target.path),
    ]
    try:
        # Progress on stdout: if montage is killed, the next write fails and the mix
        # ends within half a second instead of running on as an orphan.
        progress = ["-progress", "pipe:1", "-stats_period", "0.5"]
        done = run_ffmpeg(
            ["-loglevel", "error", *progress, *args], timeout=MIX_TIMEOUT, pass_fds=target.pass_fds
        )
    except subprocess.TimeoutExpired:
        raise RenderError.single("mixing the audio timed out") from None
    if done.returncode != 0:
        raise RenderError.single(
            "mixing the audio failed",
            hint=done.stderr.strip().splitlines()[-1][:300] if done.stderr.strip() else "",
        )


def _cue_chain(cue: AudioCue, fps: int, rate: int) -> str:
    total = cue.frames * rate // fps
    steps = _clip_steps(cue, fps, rate) if cue.kind == "clip" else [FORMAT]
    steps += [f"apad=whole_len={total}", f"atrim=end_sample={total}"]
    steps += _fades(cue, fps, rate, total)
    steps.append(f"volume={cue.volume:.4f}")
    if cue.duck:
        steps.append(f"volume='{_duck_expression(cue, fps)}':eval=frame")
    if cue.start:
        steps.append(f"adelay=delays={cue.start * rate // fps}S:all=1")
    return ",".join(steps)


def _clip_steps(cue: AudioCue, fps: int, rate: int) -> list[str]:
    """Cut a clip's sound so that it starts with the picture, then set its speed.

    Times are counted from the sound's own first sample (ffmpeg rebases a stream to the
    container's start or, for MPEG-TS and the like, to its own, so only this is the same
    everywhere). Sound that starts after the picture gets silence in front, in samples.
    """
    offset = cue.source_in - cue.stream_start  # where the picture starts, on the sound's clock
    source_seconds = cue.frames / fps * cue.speed + 0.1  # a little spare: apad/atrim cut it
    steps = [
        "asetpts=PTS-STARTPTS",
        f"atrim=start={max(offset, 0.0):.6f}:duration={source_seconds:.6f}",
        "asetpts=PTS-STARTPTS",
        *_tempo(cue.speed),
        FORMAT,
    ]
    if offset < 0:
        steps.append(f"adelay=delays={round(-offset / cue.speed * rate)}S:all=1")
    return steps


def _fades(cue: AudioCue, fps: int, rate: int, total: int) -> list[str]:
    """Sample-exact fades: a transition's frames, at least `edge_fade` seconds at a cut."""
    edge = round(cue.edge_fade * rate)
    fade_in = min(max(cue.fade_in * rate // fps, edge), total)
    fade_out = min(max(cue.fade_out * rate // fps, edge), total)
    steps = []
    if fade_in:
        steps.append(f"afade=t=in:ss=0:ns={fade_in}")
    if fade_out:
        steps.append(f"afade=t=out:ss={total - fade_out}:ns={fade_out}")
    return steps


def _tempo(speed: float) -> list[str]:
    """atempo steps (each within 0.5..2) whose product is `speed`; pitch is kept."""
    steps = []
    while speed > 2.0:
        steps.append("atempo=2.0")
        speed /= 2.0
    while speed < 0.5:
        steps.append("atempo=0.5")
        speed /= 0.5
    if abs(speed - 1.0) > 1e-6:
        steps.append(f"atempo={speed:.6f}")
    return steps


def _duck_expression(cue: AudioCue, fps: int) -> str:
    """Gain over time: 1, dipping to `duck_level` inside each range with soft ramps."""
    r = DUCK_RAMP
    bumps = [
        f"clip((t-{s / fps - r:.4f})/{r},0,1)*clip(({e / fps + r:.4f}-t)/{r},0,1)"
        for s, e in cue.duck
    ]
    return f"1-{1 - cue.duck_level:.4f}*min(1,{'+'.join(bumps)})"
