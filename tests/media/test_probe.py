"""probe(), check_decodable() and the ffmpeg runner on tiny generated clips."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from montage.errors import MediaError, SecurityError
from montage.media.decoding import check_decodable
from montage.media.ffmpeg import input_args, parse_input_header, run_ffmpeg
from montage.media.probe import probe


def test_plain_clip_facts(clips: dict[str, Path]) -> None:
    info = probe(clips["plain.mp4"])
    assert info.kind == "video"
    assert not info.is_still
    assert (info.width, info.height, info.rotation) == (160, 120, 0)
    assert info.duration == pytest.approx(1.0, abs=0.05)
    assert info.fps == pytest.approx(30)
    assert info.has_audio
    assert (info.video_codec, info.audio_codec, info.pix_fmt) == ("h264", "aac", "yuv420p")
    assert not info.hdr
    assert info.path.is_absolute()


def test_rotated_clip_reports_displayed_portrait_size(clips: dict[str, Path]) -> None:
    info = probe(clips["rot90.mp4"])
    assert (info.width, info.height, info.rotation) == (120, 160, 90)


def test_minus_90_rotation_is_normalised_to_270(clips: dict[str, Path]) -> None:
    info = probe(clips["rot-90.mov"])
    assert (info.width, info.height, info.rotation) == (120, 160, 270)


@pytest.mark.parametrize(("name", "fps"), [("fps25.mp4", 25), ("plain.mp4", 30), ("fps60.mp4", 60)])
def test_frame_rates(clips: dict[str, Path], name: str, fps: int) -> None:
    assert probe(clips[name]).fps == pytest.approx(fps)


def test_no_audio(clips: dict[str, Path]) -> None:
    info = probe(clips["silent.mp4"])
    assert not info.has_audio
    assert info.audio_codec is None


def test_vfr_reports_average_fps_not_tbr(clips: dict[str, Path]) -> None:
    # Frames at 60 fps timestamps, two kept in four: tbr says 60, the average is 30.
    info = probe(clips["vfr.mp4"])
    assert info.fps == pytest.approx(30, rel=0.1)


def test_vp9_webm(clips: dict[str, Path]) -> None:
    info = probe(clips["vp9.webm"])
    assert (info.video_codec, info.audio_codec) == ("vp9", "opus")
    assert info.duration == pytest.approx(1.0, abs=0.05)


def test_webm_without_duration_is_measured_by_decoding(clips: dict[str, Path]) -> None:
    header = run_ffmpeg(input_args(clips["live.webm"]), timeout=10).stderr
    assert parse_input_header(header).duration is None
    assert probe(clips["live.webm"]).duration == pytest.approx(1.0, abs=0.05)


def test_mpeg4_avi(clips: dict[str, Path]) -> None:
    info = probe(clips["mpeg4.avi"])
    assert (info.video_codec, info.width, info.height) == ("mpeg4", 160, 120)


def test_hdr_flag(clips: dict[str, Path]) -> None:
    info = probe(clips["hdr.mp4"])
    assert info.hdr
    assert (info.video_codec, info.pix_fmt) == ("hevc", "yuv420p10le")


def test_photo_with_exif_orientation_6_is_swapped(clips: dict[str, Path]) -> None:
    info = probe(clips["exif6.jpg"])
    assert info.kind == "image"
    assert info.is_still
    assert (info.width, info.height, info.rotation) == (120, 160, 270)
    assert info.duration is None
    assert info.fps is None
    assert info.date is not None
    assert info.date.source == "exif"


def test_png_photo(clips: dict[str, Path]) -> None:
    info = probe(clips["plain.png"])
    assert (info.kind, info.width, info.height, info.rotation) == ("image", 200, 100, 0)


def test_tags_have_lowercased_keys(clips: dict[str, Path]) -> None:
    tags = probe(clips["iphone.mov"]).tags
    assert tags["com.apple.quicktime.creationdate"] == "2023-01-15T13:34:56+0100"
    assert "creation_time" in tags
    assert all(key == key.lower() for key in tags)


@pytest.mark.parametrize("kind", ["zero-byte", "garbage", "text", "missing", "folder"])
def test_bad_files_raise_media_error_naming_the_file(bad_files: dict[str, Path], kind: str) -> None:
    path = bad_files[kind]
    with pytest.raises(MediaError) as caught:
        probe(path)
    problem = caught.value.problems[0]
    assert path.name in problem.message
    assert problem.hint


def test_audio_only_file_has_no_video_stream(clips: dict[str, Path]) -> None:
    with pytest.raises(MediaError, match="no video stream"):
        probe(clips["tone.m4a"])


def test_probe_is_cached_until_the_file_changes(clips: dict[str, Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy.mp4"
    copy.write_bytes(clips["plain.mp4"].read_bytes())
    first = probe(copy)
    assert probe(copy) is first
    later = time.time() + 5
    os.utime(copy, (later, later))
    assert probe(copy) is not first


def test_stream_starts_are_read_from_the_header(clips: dict[str, Path]) -> None:
    plain = probe(clips["plain.mp4"])
    assert plain.video_start == plain.audio_start == 0.0
    late_picture = probe(clips["late_picture.mp4"])
    assert late_picture.video_start == pytest.approx(0.1, abs=0.001)
    assert late_picture.audio_start == 0.0
    # AAC's 1024 priming samples start 21 ms before the sound itself, and are counted.
    late_sound = probe(clips["late_sound.mov"])
    assert late_sound.video_start == 0.0
    assert late_sound.audio_start == pytest.approx(0.1 - 1024 / 48000, abs=0.001)


def test_stream_starts_count_from_the_container_start(clips: dict[str, Path]) -> None:
    info = probe(clips["plain.ts"])  # MPEG-TS: the container starts at 1.4 s, not 0
    assert 0.0 <= info.video_start < 0.05 and 0.0 <= info.audio_start < 0.05
    assert min(info.video_start, info.audio_start) == 0.0


def test_anamorphic_clip_reports_its_displayed_size(clips: dict[str, Path]) -> None:
    info = probe(clips["anamorphic.mp4"])  # 120x90 pixels, each 4:3 wide
    assert (info.width, info.height) == (160, 90)


def test_check_decodable_passes_a_whole_clip(clips: dict[str, Path]) -> None:
    info = probe(clips["long.mp4"])
    assert check_decodable(clips["long.mp4"], info, timeout=30) == pytest.approx(4.0, abs=0.1)


def test_check_decodable_reports_truncation(clips: dict[str, Path]) -> None:
    info = probe(clips["truncated.mp4"])  # the index is at the front, so it still opens
    assert info.duration == pytest.approx(4.0, abs=0.1)
    with pytest.raises(MediaError, match=r"truncated at \d+\.\d s of 4\.0 s"):
        check_decodable(clips["truncated.mp4"], info, timeout=30)


# --- ffmpeg runner and input safety -------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["http://x", "concat:a|b", "subfile,,start,0,end,10,,:/etc/passwd", "pipe:0", "clip.mp4"],
)
def test_input_args_refuses_urls_protocols_and_relative_paths(bad: str) -> None:
    with pytest.raises(SecurityError):
        input_args(Path(bad))


def test_input_args_refuses_folders_and_missing_files(tmp_path: Path) -> None:
    for bad in (tmp_path, tmp_path / "missing.mp4"):
        with pytest.raises(SecurityError):
            input_args(bad)


def test_input_args_refuses_control_characters(tmp_path: Path) -> None:
    forged = tmp_path / "a\nStream #0:0: Video: h264, 16x16.mp4"
    forged.write_bytes(b"x")
    with pytest.raises(SecurityError, match="line break or control character"):
        input_args(forged)


def test_input_args_whitelists_protocols(clips: dict[str, Path]) -> None:
    path = clips["plain.mp4"]
    assert input_args(path) == ["-protocol_whitelist", "file,pipe", "-i", str(path)]


def test_run_ffmpeg_kills_the_child_on_timeout() -> None:
    endless = ["-f", "lavfi", "-i", "testsrc2=s=16x16", "-f", "null", "-"]
    with pytest.raises(subprocess.TimeoutExpired):
        run_ffmpeg(endless, timeout=0.5)
    assert _ffmpeg_children() == []


def _ffmpeg_children() -> list[int]:
    """Pids of ffmpeg processes whose parent is this test process (Linux /proc)."""
    proc = Path("/proc")
    if not proc.is_dir():
        pytest.skip("needs /proc")
    children = []
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        ppid = int(fields[1].split()[1])
        if ppid == os.getpid() and "ffmpeg" in fields[0]:
            children.append(int(stat.parent.name))
    return children


# --- parsing canned `ffmpeg -i` output (no ffmpeg needed) ---------------------------

VIDEO_LINE = (
    "Video: h264 (High), yuv420p10le(tv, bt2020nc/bt2020/smpte2084, progressive), "
    "1920x1080 [SAR 1:1 DAR 16:9], 59.94 fps, 59.94 tbr, 90k tbn"
)
CANNED = f"""\
Input #0, mpegts, from '/x/a.ts':
  Duration: 00:01:02.50, start: 1.400000, bitrate: 487 kb/s
  Program 1
    Metadata:
      service_name    : line1
                      : line2
  Stream #0:0[0x100]: {VIDEO_LINE}
    Side data:
      displaymatrix: rotation of -90.00 degrees
  Stream #0:1[0x101]: Audio: aac (LC), 44100 Hz, stereo, fltp, 71 kb/s
At least one output file must be specified
"""


def test_parse_canned_header() -> None:
    header = parse_input_header(CANNED)
    assert header.format == "mpegts"
    assert header.duration == pytest.approx(62.5)
    assert [s.kind for s in header.streams] == ["Video", "Audio"]
    video = header.streams[0]
    assert video.codec == "h264"
    assert video.tokens[1].startswith("yuv420p10le(")
    assert "displaymatrix: rotation of -90.00 degrees" in "\n".join(video.body)


def test_parse_stream_and_container_starts() -> None:
    header = parse_input_header(CANNED.replace("90k tbn", "90k tbn, start 1.621333 (default)"))
    assert header.start == pytest.approx(1.4)
    assert header.streams[0].start == pytest.approx(1.621333)
    assert header.streams[1].start is None  # printed only when known and not 0


def test_unprinted_stream_start_is_zero_or_the_container_start() -> None:
    from montage.media.probe import _stream_offset

    mpegts = parse_input_header(CANNED)  # container at 1.4 s: an unprinted start is unknown
    assert _stream_offset(mpegts.streams[1], mpegts) == 0.0
    live = parse_input_header(
        CANNED.replace("Duration: 00:01:02.50, start: 1.400000", "Duration: N/A, start: -0.021")
    )
    assert live.duration is None and live.start == pytest.approx(-0.021)
    assert _stream_offset(live.streams[1], live) == pytest.approx(0.021)  # it starts at 0


def test_parse_nothing_when_ffmpeg_could_not_open() -> None:
    header = parse_input_header("[in#0] Error opening input: Invalid data found\n")
    assert header.format == ""
    assert header.streams == []


def test_canned_video_facts_rotation_and_hdr() -> None:
    from montage.media.probe import _is_hdr, _rotation, _video_facts

    video = parse_input_header(CANNED).streams[0]
    facts = _video_facts(video)
    assert (facts.width, facts.height, facts.pix_fmt) == (1920, 1080, "yuv420p10le")
    assert facts.fps == pytest.approx(59.94)
    assert _is_hdr(facts.pix_fmt, facts.color)
    assert _rotation(video) == 270  # the lowercase `displaymatrix:` spelling of newer ffmpeg
