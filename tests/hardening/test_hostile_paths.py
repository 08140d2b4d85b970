"""Hostile storyboards, part 1: where files come from and where the video goes.

Every storyboard is untrusted. Paths must stay inside the storyboard's folder (or an
`--allow-outside` root), be regular files, and never be URLs or ffmpeg protocols; a
local HTTP server that every URL points at must see no connection at all. The output
may not overwrite an input, neither through `output.path` nor through `render -o`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest

from montage.render.output import PARTIAL_TAG
from montage.storyboard import paths
from tests.hardening.conftest import (
    SMALL,
    Board,
    assert_nothing_left,
    inspect,
    location_of,
    partials,
    run_montage,
)

pytestmark = pytest.mark.slow

CLIP = "clips:\n  - {path: 'PATH', date: 2023-01-01}\noutput: {path: OUT}\n"  # PATH: line 2
MUSIC = "clips:\n  - {path: clip.mp4, date: 2023-01-01}\naudio:\n  music: {path: 'PATH'}\n"
TRAP_LIFETIME = 120.0  # seconds; the server shuts itself down even if a test hangs


# --- a local HTTP server that must never be called ------------------------------------


class _Quiet(BaseHTTPRequestHandler):
    """Answers 404 to anything, silently."""

    def do_GET(self) -> None:
        """Not found."""
        self.send_error(404)

    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""


class Trap(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that records every connection made to it."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Quiet)
        self.hits: list[tuple[str, int]] = []

    def verify_request(self, request: Any, client_address: Any) -> bool:
        """Record the connection before anything is read from it."""
        self.hits.append(client_address)
        return True

    @property
    def url(self) -> str:
        """A URL of a clip on this server."""
        return f"http://127.0.0.1:{self.server_address[1]}/clip.mp4"


@pytest.fixture
def trap() -> Iterator[Trap]:
    """A running Trap, shut down after the test (or after TRAP_LIFETIME seconds)."""
    server = Trap()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    timer = threading.Timer(TRAP_LIFETIME, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        yield server
    finally:
        timer.cancel()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_trap_sees_a_request(trap: Trap) -> None:
    with pytest.raises(OSError):  # 404
        urlopen(trap.url, timeout=5)
    assert len(trap.hits) == 1


def playlist(url: str) -> str:
    """An HLS playlist whose one segment is `url` (a URL or a file path)."""
    return f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1.0,\n{url}\n#EXT-X-ENDLIST\n"


PROTOCOLS = {
    "http": "{url}",
    "http-upper-case": "{URL}",
    "concat": "concat:{url}|clip.mp4",
    "subfile": "subfile,,start,0,end,100,,:{url}",
    "tcp": "tcp://127.0.0.1:{port}",
    "file-prefix": "file:clip.mp4",
    "file-url": "file://{folder}/clip.mp4",
    "pipe": "pipe:0",
    "nested-in-a-folder-name": "clips/{url}",
}


@pytest.mark.parametrize("field", ["clip", "music"])
@pytest.mark.parametrize("written", list(PROTOCOLS.values()), ids=list(PROTOCOLS))
@pytest.mark.parametrize("command", ["validate", "render"])
def test_urls_and_protocols_are_never_opened(
    board: Board, trap: Trap, command: str, written: str, field: str
) -> None:
    board.add("clip.mp4", "music.m4a")
    port = trap.server_address[1]
    path = written.format(url=trap.url, URL=trap.url.upper(), port=port, folder=board.folder)
    text = CLIP if field == "clip" else MUSIC + "output: {path: OUT}\n"
    board.write(text.replace("PATH", path))

    code, output = board.render() if command == "render" else board.validate()

    assert code == 3, output
    assert "URL or ffmpeg protocol" in output, output
    assert location_of(output) == ((2, 12) if field == "clip" else (4, 17)), output
    assert trap.hits == []
    assert_nothing_left(board)


@pytest.mark.parametrize("command", ["validate", "render"])
def test_a_url_as_the_output_is_refused(board: Board, trap: Trap, command: str) -> None:
    board.add("clip.mp4")
    board.write(CLIP.replace("PATH", "clip.mp4").replace("OUT", trap.url))
    code, output = board.render() if command == "render" else board.validate()
    assert code == 3 and "is not a local file path" in output, output
    assert location_of(output) == (3, 16)
    assert trap.hits == []


FFCONCAT = "ffconcat version 1.0\nfile {}\n"
SCRIPTS = {  # file name, what the error says, content(trap, path of a private file)
    "hls-playlist-url": ("list.m3u8", "playlist", lambda trap, secret: playlist(trap.url)),
    "hls-playlist-outside-file": ("list.m3u8", "playlist", lambda trap, secret: playlist(secret)),
    "hls-playlist-named-mp4": ("list.mp4", "playlist", lambda trap, secret: playlist(trap.url)),
    "ffconcat-url": ("list.mp4", "ffconcat", lambda trap, secret: FFCONCAT.format(trap.url)),
    "ffconcat-local": ("list.mp4", "ffconcat", lambda trap, secret: FFCONCAT.format("clip.mp4")),
}


@pytest.mark.parametrize(("name", "says", "content"), SCRIPTS.values(), ids=list(SCRIPTS))
def test_playlists_and_scripts_as_clips_are_not_followed(
    board: Board, trap: Trap, name: str, says: str, content: Any
) -> None:
    secret = board.root / "private" / "secret.mp4"
    secret.parent.mkdir()
    secret.write_bytes((board.corpus / "clip.mp4").read_bytes())
    board.add("clip.mp4")
    (board.folder / name).write_text(content(trap, str(secret)))
    board.write(CLIP.replace("PATH", name))

    code, output = board.render()

    assert code == 1, output
    assert name in output and says in output and location_of(output) == (2, 12), output
    assert trap.hits == []
    assert_nothing_left(board)


def test_a_music_playlist_naming_a_file_outside_is_not_followed(
    board: Board, private_temp: Path
) -> None:
    secret = board.root / "private" / "secret.m4a"
    secret.parent.mkdir()
    secret.write_bytes((board.corpus / "music.m4a").read_bytes())
    board.add("clip.mp4")
    (board.folder / "music.m3u8").write_text(playlist(str(secret)))
    board.write(MUSIC.replace("PATH", "music.m3u8") + "output: {path: OUT}\n")

    code, errors = run_montage(["render", str(board.storyboard), "-q", *SMALL], private_temp, 8)

    assert code is not None, "still rendering after 12 s"
    assert code == 1 and "music.m3u8" in errors and "playlist" in errors, errors
    assert not board.output.exists()


def test_a_numbered_sequence_pattern_does_not_reach_another_file(board: Board) -> None:
    """ffmpeg's image2 reads `x%d.jps` as x1.jps, x2.jps...: here a link out of the folder."""
    secret = board.root / "private" / "secret.jpg"
    secret.parent.mkdir()
    secret.write_bytes((board.corpus / "photo.jpg").read_bytes())
    board.add("clip.mp4")
    (board.folder / "x%d.jps").write_bytes(bytes((i * 37 + 5) % 256 for i in range(4096)))
    (board.folder / "x1.jps").symlink_to(secret)
    board.write(CLIP.replace("PATH", "x%d.jps"))

    code, output = board.render()

    assert code == 1 and "x%d.jps" in output and location_of(output) == (2, 12), output
    assert_nothing_left(board)


def test_a_line_break_in_a_name_cannot_forge_the_header(board: Board) -> None:
    """ffmpeg prints the path in the header montage parses; a newline could add lines."""
    forged = "v\n  Stream #0:0: Video: h264, yuv420p, 16x16, 30 fps\n.mp4"
    board.folder.mkdir(parents=True)
    (board.folder / forged).write_bytes((board.corpus / "8k.mp4").read_bytes())
    (board.folder / "clips").mkdir()
    (board.folder / "clips" / "link.mp4").symlink_to(board.folder / forged)
    text = "clips:\n  - {path: PATH, date: 2023-01-01}\noutput: {path: OUT}\n"
    for written in (json.dumps(forged), "clips/link.mp4"):
        board.write(text.replace("PATH", written))
        code, output = board.render("--limit", "max_input_pixels=1000")
        assert code == 3 and "line break or control character" in output, output
        assert location_of(output) == (2, 12), output
        assert_nothing_left(board)


def test_a_percent_sign_in_a_folder_or_file_name_is_just_a_character(board: Board) -> None:
    folder = board.folder / "100% better"
    folder.mkdir(parents=True)
    for name, target in (("clip.mp4", "v%d.mp4"), ("photo.jpg", "p%03d.jpg")):
        (folder / target).write_bytes((board.corpus / name).read_bytes())
    clips = "clips:\n  - {path: '100% better/v%d.mp4', date: 2023-01-01}\n"
    clips += "  - {path: '100% better/p%03d.jpg', date: 2023-01-02}\n"
    board.write(clips + "output: {path: OUT}\n")

    code, output = board.render()

    assert code == 0, output
    assert inspect(board.output).width == 270


# --- paths outside the storyboard folder, and files that are not files ------------------


def _outside(board: Board) -> str:
    target = board.root / "outside.mp4"
    target.write_bytes((board.corpus / "clip.mp4").read_bytes())
    return str(target)


def _symlink_out(board: Board) -> str:
    (board.folder / "link.mp4").symlink_to(_outside(board))
    return "link.mp4"


def _symlink_device(board: Board) -> str:
    (board.folder / "zero.mp4").symlink_to("/dev/zero")
    return "zero.mp4"


def _symlink_loop(board: Board) -> str:
    (board.folder / "loop.mp4").symlink_to(board.folder / "loop.mp4")
    return "loop.mp4"


def _fifo(board: Board) -> str:
    os.mkfifo(board.folder / "pipe.mp4")
    return "pipe.mp4"


def _device(board: Board) -> str:
    try:
        os.mknod(board.folder / "null.mp4", 0o600 | 0o020000, os.makedev(1, 3))  # char device
    except PermissionError:
        pytest.skip("creating a device node needs root")
    return "null.mp4"


def _folder(board: Board) -> str:
    (board.folder / "folder.mp4").mkdir()
    return "folder.mp4"


HOSTILE_PATHS = {
    "dot-dot": (lambda board: "../../../../../../etc/passwd", "outside the storyboard folder"),
    "absolute-outside": (_outside, "outside the storyboard folder"),
    "symlink-outside": (_symlink_out, "outside the storyboard folder through a symlink"),
    "symlink-to-device": (_symlink_device, "through a symlink"),
    "symlink-loop": (_symlink_loop, "cannot be resolved"),
    "fifo": (_fifo, "is not a regular file"),
    "device": (_device, "is not a regular file"),
    "folder": (_folder, "is not a regular file"),
}


@pytest.mark.parametrize("field", ["clip", "music"])
@pytest.mark.parametrize(("make", "says"), HOSTILE_PATHS.values(), ids=list(HOSTILE_PATHS))
@pytest.mark.parametrize("command", ["validate", "render"])
def test_hostile_paths_are_refused(
    board: Board, command: str, make: Any, says: str, field: str
) -> None:
    board.add("clip.mp4")
    written = make(board)
    text = CLIP if field == "clip" else MUSIC + "output: {path: OUT}\n"
    board.write(text.replace("PATH", written))

    code, output = board.render() if command == "render" else board.validate()

    assert code == 3, output
    assert says in output and location_of(output) == ((2, 12) if field == "clip" else (4, 17))
    assert_nothing_left(board)


@pytest.mark.parametrize("command", ["validate", "render"])
def test_a_montage_partial_file_is_no_input(board: Board, command: str) -> None:
    """Rendering `x.mp4` deletes `x.montage-partial.mp4` first: it must not be a clip."""
    board.add("clip.mp4")
    partial = board.folder / f"montage{PARTIAL_TAG}.mp4"
    partial.write_bytes((board.folder / "clip.mp4").read_bytes())
    board.write(CLIP.replace("PATH", partial.name))

    code, output = board.render() if command == "render" else board.validate()

    assert code == 3 and "half-written output" in output and location_of(output) == (2, 12)
    assert partial.read_bytes() == (board.folder / "clip.mp4").read_bytes()
    assert not board.output.exists()


def test_the_partial_tag_matches_the_renderer() -> None:
    assert paths.PARTIAL_TAG == PARTIAL_TAG


@pytest.mark.parametrize("command", ["validate", "render"])
def test_allow_outside_widens_the_roots_explicitly(board: Board, command: str) -> None:
    board.add("clip.mp4")
    board.write(CLIP.replace("PATH", _outside(board)))
    args = ("--allow-outside", str(board.root))
    code, output = board.render(*args) if command == "render" else board.validate(*args)
    assert code == 0, output
    assert board.output.exists() == (command == "render")


# --- the output may not overwrite an input ---------------------------------------------


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()
    }


OVERWRITES = {
    "the-clip": ("clip.mp4", "would overwrite clips[0].path"),
    "the-clip-spelled-differently": ("./sub/../clip.mp4", "would overwrite clips[0].path"),
    "the-music": ("tune.mp4", "would overwrite audio.music.path"),
    "the-storyboard": ("storyboard.yaml", "is not an .mp4 file"),
    "outside": ("../elsewhere.mp4", "outside the storyboard folder"),
}


@pytest.mark.parametrize(("written", "says"), OVERWRITES.values(), ids=list(OVERWRITES))
@pytest.mark.parametrize("command", ["validate", "render"])
def test_storyboard_output_may_not_overwrite_an_input(
    board: Board, command: str, written: str, says: str
) -> None:
    board.add("clip.mp4")
    (board.folder / "tune.mp4").write_bytes((board.folder / "clip.mp4").read_bytes())
    text = MUSIC.replace("PATH", "tune.mp4") + f"output: {{path: {written!r}}}\n"
    board.write(text)
    before = _digests(board.folder)

    code, output = board.render() if command == "render" else board.validate()

    assert code == 3, output
    assert says in output and location_of(output) == (5, 16), output
    assert _digests(board.folder) == before
    assert partials(board.root) == []


@pytest.mark.parametrize("target", ["clip.mp4", "music.m4a", "storyboard.yaml"])
def test_render_o_may_not_overwrite_an_input(board: Board, target: str) -> None:
    board.add("clip.mp4", "music.m4a")
    board.write(MUSIC.replace("PATH", "music.m4a"))
    before = _digests(board.folder)

    code, output = board.render("-o", str(board.folder / target))

    assert code == 1, output
    assert f"refusing to write over {target}" in output, output
    assert _digests(board.folder) == before
    assert partials(board.root) == []


def _existing_folder(board: Board) -> Path:
    (board.folder / "done.mp4").mkdir()
    return board.folder / "done.mp4"


def _a_fifo(board: Board) -> Path:
    os.mkfifo(board.folder / "pipe.mp4")
    return board.folder / "pipe.mp4"


def _partial_is_a_folder(board: Board) -> Path:
    (board.folder / "out" / "x.montage-partial.mp4").mkdir(parents=True)
    return board.folder / "out" / "x.mp4"


@pytest.mark.parametrize(
    ("target", "says"),
    [
        (_existing_folder, "it is a folder"),
        (lambda board: board.folder / "clip.mp4" / "x.mp4", "is a file, not a folder"),
        (_a_fifo, "device or pipe"),
        (_partial_is_a_folder, "where the video is written first, is not a file"),
        (lambda board: board.folder / "out.txt", "must end in .mp4"),
    ],
    ids=["a-folder", "below-a-file", "a-fifo", "partial-is-a-folder", "not-mp4"],
)
def test_render_o_to_an_impossible_place_is_a_clear_error(
    board: Board, target: Any, says: str
) -> None:
    board.add("clip.mp4")
    board.write(CLIP.replace("PATH", "clip.mp4"))
    code, output = board.render("-o", str(target(board)))
    assert code == 1 and "-o" in output and says in output, output
    assert "Traceback" not in output
    assert partials(board.root) == [] or says.startswith("where")
