"""Audio cues: clip sound that follows the picture exactly, and a music bed."""

from __future__ import annotations

from montage.planner.segments import first_frame
from montage.planner.shots import Shot
from montage.storyboard.model import Storyboard
from montage.timeline import AudioCue, Segment

# A 10 ms fade at hard cuts removes clicks. It is counted in seconds, not frames: a whole
# frame (33 ms at 30 fps) audibly softens the first syllable after a cut.
CUT_FADE_SECONDS = 0.010


def audio_cues(
    board: Storyboard,
    segments: list[Segment],
    shots: list[Shot],
    total: int,
    fps: int,
    music_path: object = None,
) -> list[AudioCue]:
    """Clip cues aligned to their segments (fading with transitions) plus the music cue."""
    by_index = {shot.index: shot for shot in shots}
    cues: list[AudioCue] = []
    for number, segment in enumerate(segments):
        if segment.kind != "clip" or segment.clip_index is None:
            continue
        shot = by_index[segment.clip_index]
        if not _audible(board, shot):
            continue
        exit_frames = segments[number + 1].enter.frames if number + 1 < len(segments) else 0
        cues.append(
            AudioCue(
                kind="clip",
                path=shot.path,
                start=segment.start,
                frames=segment.frames,
                source_in=first_frame(shot),
                stream_start=shot.info.audio_start,
                speed=shot.clip.speed,
                volume=shot.clip.volume,
                fade_in=segment.enter.frames,
                fade_out=exit_frames,
                edge_fade=CUT_FADE_SECONDS,
            )
        )
    music = board.audio.music
    if music is not None and music_path is not None:
        ducks = tuple((c.start, c.start + c.frames) for c in cues) if music.duck else ()
        cues.append(
            AudioCue(
                kind="music",
                path=music_path,
                start=0,
                frames=total,  # type: ignore[arg-type]
                volume=music.volume,
                fade_in=round(music.fade_in * fps),
                fade_out=round(music.fade_out * fps),
                duck=_merge(ducks),
                duck_level=music.duck_level if music.duck else 1.0,
            )
        )
    return cues


def _audible(board: Storyboard, shot: Shot) -> bool:
    return (
        board.audio.clips == "keep"
        and not shot.clip.mute
        and shot.clip.volume > 0
        and shot.info.has_audio
        and not shot.info.is_still
    )


def _merge(ranges: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Join overlapping or touching ranges so the ducking envelope has no dips."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
