"""Running the ffmpeg binary bundled by imageio-ffmpeg, safely.

Every ffmpeg call montage makes goes through `run_ffmpeg`: a list of arguments (never a
shell), no stdin, a timeout, and a child that is killed and reaped however the call ends.
Inputs are built by `input_args`, which accepts only absolute paths to existing regular
files and restricts ffmpeg to the `file` and `pipe` protocols; `media_input_args` also
restricts it to the demuxers of media files (`DEMUXERS`), since a playlist or script
(HLS, ffconcat) makes ffmpeg open further files, outside the storyboard's folder too.
`parse_input_header` reads the header that `ffmpeg -i FILE` prints, since the bundled
ffmpeg comes without ffprobe.
"""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg

from montage.errors import SecurityError

_BASE_ARGS = ("-hide_banner", "-nostdin")

# Containers of videos, photos and music. Anything else, notably `hls`, `dash` and
# `concat` (which open the files and URLs named inside them), is refused by ffmpeg with
# NOT_ON_WHITELIST. A name covers every alias of its demuxer: "mov" is also mp4, m4a
# and 3gp, "matroska" is also webm.
DEMUXERS = (
    *("mov", "matroska", "avi", "mpegts", "mpeg", "asf", "flv", "ogg", "ivf", "dv", "gif"),
    *("image2", "jpeg_pipe", "png_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe", "gif_pipe"),
    *("webp_anim", "apng"),
    *("mp3", "aac", "wav", "w64", "flac", "aiff", "caf", "amr", "ac3", "eac3"),
)
NOT_ON_WHITELIST = "Format not on whitelist"


@functools.cache
def ffmpeg_exe() -> str:
    """Return the path of the ffmpeg binary bundled by imageio-ffmpeg (looked up once)."""
    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(
    args: list[str], *, timeout: float, pass_fds: tuple[int, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg with `args` and return its completed process (stdout/stderr as text).

    `-hide_banner -nostdin` are always added and stdin is closed; of this process's open
    files only `pass_fds` are inherited. The exit status is not checked: callers read
    `returncode` and `stderr` themselves. On timeout the child is killed and
    `subprocess.TimeoutExpired` is raised; on KeyboardInterrupt (or any other exception)
    the child is killed and reaped before the exception propagates.
    """
    cmd = [ffmpeg_exe(), *_BASE_ARGS, *args]
    with subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=pass_fds,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except BaseException:
            _kill(proc)
            raise
    return subprocess.CompletedProcess(cmd, proc.returncode, _text(out), _text(err))


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill `proc` and wait for it, so no zombie or orphan is left behind."""
    proc.kill()
    proc.wait()


def _text(data: bytes | None) -> str:
    """Decode ffmpeg output; metadata may hold any bytes, so never fail on them."""
    return (data or b"").decode("utf-8", errors="replace")


def input_args(path: Path) -> list[str]:
    """Return the ffmpeg arguments that open `path` as an input, and nothing else.

    Raises SecurityError unless `path` is an absolute path to an existing regular file:
    URLs, protocol strings (`concat:`, `subfile,,`, `pipe:`), relative paths, folders and
    devices are refused. The input is also limited to the `file` and `pipe` protocols.
    """
    p = Path(path)
    if not p.is_absolute():
        raise SecurityError.single(
            f"refusing to open {str(path)!r}: not an absolute file path",
            hint="montage opens only local files; resolve the path before passing it to ffmpeg",
        )
    if has_control_characters(str(p)):
        # ffmpeg prints the path in the header montage parses: a line break in it could
        # forge stream lines (a 16x16 picture hiding an 8K one from the limits).
        raise SecurityError.single(
            f"refusing to open {str(path)!r}: the path has a line break or control character",
            hint="rename the file or folder",
        )
    if not p.is_file():
        raise SecurityError.single(
            f"refusing to open {str(path)!r}: not an existing regular file",
            hint="check that the path points to a file, not a folder, device or pipe",
        )
    return ["-protocol_whitelist", "file,pipe", "-i", str(p)]


def has_control_characters(text: str) -> bool:
    """Whether `text` holds a line break, tab or other control character (C0 or DEL)."""
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def media_input_args(path: Path) -> list[str]:
    """`input_args(path)`, also limited to the demuxers of video, photo and audio files.

    A file that is really a playlist or a script (HLS `.m3u8`, `ffconcat`) is then refused
    with NOT_ON_WHITELIST in ffmpeg's output instead of opening what it names.
    """
    demuxers = DEMUXERS
    if "%" in str(path):
        # image2 reads `%d` in a path as a numbered sequence and would open other files
        # (`x%d.jpg` -> `x1.jpg`, maybe a symlink out of the folder). Without it, ffmpeg
        # still reads a single picture through its `*_pipe` demuxers, by content.
        demuxers = tuple(d for d in DEMUXERS if d != "image2")
    return ["-format_whitelist", ",".join(demuxers), *input_args(path)]


# --- the header `ffmpeg -i FILE` prints (there is no ffprobe) ------------------------

_INPUT = re.compile(r"^Input #0, (.+?), from ")
_CONTAINER_START = re.compile(r", start: (-?\d+(?:\.\d+)?)")
_STREAM_START = re.compile(r"(?:^|, )start (-?\d+(?:\.\d+)?)")
_STREAM = re.compile(r"^Stream #0:\d+\S*: (\w+): (.*)$")
_HMS = re.compile(r"^(\d+):(\d+):(\d+(?:\.\d+)?)")


@dataclass
class StreamHeader:
    """One `Stream #0:n` entry: kind ("Video", "Audio", ...), description, indented body."""

    kind: str
    desc: str
    body: list[str] = field(default_factory=list)

    @property
    def codec(self) -> str:
        """Codec name: the first word of the description."""
        return self.desc.split(" ", 1)[0].rstrip(",")

    @property
    def tokens(self) -> list[str]:
        """The description split on commas outside brackets (codec, pix_fmt, size, ...)."""
        return split_top_level(self.desc)

    @property
    def tags(self) -> dict[str, str]:
        """The stream's metadata, keys lowercased."""
        return _parse_tags(_subsection(self.body, "Metadata:"))

    @property
    def start(self) -> float | None:
        """The stream's first timestamp in seconds; None when ffmpeg printed none.

        ffmpeg prints `, start 0.500000` on the stream line only for a known, non-zero start.
        """
        m = _STREAM_START.search(self.desc)
        return float(m.group(1)) if m else None


@dataclass
class InputHeader:
    """What `ffmpeg -i` printed about input #0; `format` is empty if it could not open it.

    `start` is the container's start: the earliest first timestamp of its streams.
    """

    format: str = ""
    duration: float | None = None
    start: float | None = None
    tags: dict[str, str] = field(default_factory=dict)
    streams: list[StreamHeader] = field(default_factory=list)


def parse_input_header(stderr: str) -> InputHeader:
    """Parse the `Input #0` block of `ffmpeg -i` output: format, duration, tags, streams."""
    header = InputHeader()
    lines = stderr.splitlines()
    matches = ((i, _INPUT.match(line)) for i, line in enumerate(lines))
    start, found = next(((i, m) for i, m in matches if m), (0, None))
    if found is None:
        return header
    header.format = found.group(1)
    block: list[str] = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        block.append(line)
    for head, body in _sections(block):
        _read_section(header, head, body)
    return header


def parse_hms(text: str) -> float | None:
    """Seconds from ffmpeg's `HH:MM:SS.xx` (also Matroska's DURATION tag); None if not one."""
    m = _HMS.match(text.strip())
    if m is None:
        return None
    return int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))


def _read_section(header: InputHeader, head: str, body: list[str]) -> None:
    """Fold one top-level section of the input block into `header`."""
    if m := _STREAM.match(head):
        header.streams.append(StreamHeader(m.group(1), m.group(2), body))
    elif head.startswith("Duration:"):  # "Duration: N/A, start: 0.0, ..." also has a start
        header.duration = parse_hms(head[len("Duration:") :].split(",", 1)[0])
        if m := _CONTAINER_START.search(head):
            header.start = float(m.group(1))
    elif head == "Metadata:":
        header.tags = _parse_tags(body)
    elif head.startswith("Program"):
        for sub_head, sub_body in _sections(body):
            _read_section(header, sub_head, sub_body)


def _sections(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Group lines into (head, body): a head is indented no deeper than the first line."""
    out: list[tuple[str, list[str]]] = []
    level: int | None = None
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        if level is None or indent <= level:
            level = indent if level is None else level
            out.append((line.strip(), []))
        else:
            out[-1][1].append(line)
    return out


def _subsection(body: list[str], head: str) -> list[str]:
    """The body of the section called `head` (e.g. "Metadata:", "Side data:")."""
    return next((sub for h, sub in _sections(body) if h == head), [])


def _parse_tags(lines: list[str]) -> dict[str, str]:
    """`key : value` lines into a dict with lowercased keys; `: more` continues a value."""
    tags: dict[str, str] = {}
    last = ""
    for raw in lines:
        line = raw.strip()
        key, sep, value = line.partition(": ") if ": " in line else line.partition(":")
        key = key.strip().lower()
        if not sep:
            continue
        if not key and last:
            tags[last] += "\n" + value.strip()
        elif key:
            tags.setdefault(key, value.strip())
            last = key
    return tags


def split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside () or []; empty parts are dropped."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        depth += (ch in "([") - (ch in ")]")
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return [p for p in parts if p]
