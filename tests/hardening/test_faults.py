"""Faults while rendering: kill -9 half-way, and a disk that fills up.

Both run `python -m montage render` as a subprocess with a private temp folder, so the
render's work folder (`montage-<pid>-*`) can be looked for. Whatever happens, the
previous video at the output path must survive byte for byte, and the only trace may be
one clearly named partial file beside it, which the next render removes.

A worker crash inside a batch is covered by
`tests/batch/test_batch_run.py::test_a_worker_killed_mid_job_fails_only_that_job`.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
from pathlib import Path

import pytest

from montage.render.output import partial_path
from tests.hardening.conftest import (
    SMALL,
    Board,
    montage_command,
    montage_env,
    run_montage,
    wait_for,
    wait_no_ffmpeg,
    workdirs,
)

pytestmark = pytest.mark.slow

LONG = "clips:\n  - {path: twenty.mp4, date: 2023-01-01}\noutput: {path: OUT}\n"
SHORT = "clips:\n  - {path: clip.mp4, date: 2023-01-01}\noutput: {path: OUT}\n"
KILL_AT_BYTES = 64 * 1024  # two of ffmpeg's write buffers: the encoder is well under way
FILE_SIZE_LIMIT = 48 * 1024  # room for 20 silent seconds of sound (~5 KB), not the video


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_previous(board: Board, private_temp: Path) -> str:
    """Render the short storyboard to the output path; the digest of that first video."""
    board.add("clip.mp4", "twenty.mp4")
    board.write(SHORT)
    code, errors = run_montage(["render", str(board.storyboard), "-q", *SMALL], private_temp, 60)
    assert code == 0, errors
    return digest(board.output)


def start_long_render(board: Board, private_temp: Path) -> subprocess.Popen[bytes]:
    """Start rendering twenty seconds of video in a new process group."""
    board.write(LONG)
    return subprocess.Popen(
        montage_command("render", str(board.storyboard), "-q", *SMALL),
        env=montage_env(private_temp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def kill_mid_render(proc: subprocess.Popen[bytes], partial: Path, whole_group: bool) -> None:
    """SIGKILL the render (or its whole group) once its partial file has grown."""
    try:
        grown = wait_for(lambda: partial.exists() and partial.stat().st_size >= KILL_AT_BYTES, 60)
        assert grown and proc.poll() is None, "the render ended before it could be killed"
    finally:
        if whole_group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()  # like the OOM killer: the ffmpeg children are left to notice
        proc.communicate()


@pytest.mark.parametrize("whole_group", [True, False], ids=["process-group", "main-process"])
def test_kill_9_half_way_keeps_the_previous_video(
    board: Board, private_temp: Path, whole_group: bool
) -> None:
    previous = render_previous(board, private_temp)
    partial = partial_path(board.output)
    proc = start_long_render(board, private_temp)

    kill_mid_render(proc, partial, whole_group)

    assert wait_no_ffmpeg(board.root) == []  # children exit on EOF / broken pipes
    assert digest(board.output) == previous
    assert sorted(p.name for p in board.output.parent.iterdir()) == sorted(
        [board.output.name, partial.name]
    )
    code, errors = run_montage(["render", str(board.storyboard), "-q", *SMALL], private_temp, 90)
    assert code == 0, errors
    assert not partial.exists() and digest(board.output) != previous
    assert workdirs(proc.pid, private_temp) == []  # the next render removed the dead one's


def test_kill_9_leaves_no_work_folder_in_the_temp_folder(board: Board, private_temp: Path) -> None:
    render_previous(board, private_temp)
    proc = start_long_render(board, private_temp)
    kill_mid_render(proc, partial_path(board.output), whole_group=True)
    assert workdirs(proc.pid, private_temp) == []


def _full_disk() -> None:
    """preexec_fn: files may not grow past FILE_SIZE_LIMIT; writes fail with EFBIG."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))


def test_a_full_disk_is_a_clear_error_and_keeps_the_previous_video(
    board: Board, private_temp: Path
) -> None:
    previous = render_previous(board, private_temp)
    board.write(LONG)

    done = subprocess.run(
        montage_command("render", str(board.storyboard), "-q", *SMALL),
        env=montage_env(private_temp),
        capture_output=True,
        preexec_fn=_full_disk,
        timeout=120,
        check=False,
    )

    errors = done.stderr.decode(errors="replace")
    assert done.returncode == 1, errors
    assert "Traceback" not in errors
    assert board.output.stem in errors and "disk space" in errors, errors
    assert digest(board.output) == previous
    assert sorted(p.name for p in board.output.parent.iterdir()) == [board.output.name]
    assert list(private_temp.iterdir()) == []
    assert wait_no_ffmpeg(board.root) == []
