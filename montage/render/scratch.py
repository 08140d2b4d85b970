"""A scratch file that ffmpeg writes and a later ffmpeg reads, and that no crash leaves behind.

On Linux the file is created and unlinked at once; only an open descriptor keeps it. The
ffmpeg children inherit that descriptor and reach the file as `/proc/self/fd/N`, which
opens the same (nameless) file afresh, seekable, as mp4 needs. When the last descriptor
closes, including when everything is killed with SIGKILL, the kernel frees it: there is
no name to leave in the temp folder.

Where `/proc` is missing (macOS), the file lives in a work folder `montage-<pid>-*` in the
temp folder instead; it is removed on exit, and a later run removes the folders of
renders that were killed (`remove_stale_workdirs`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

WORKDIR_PREFIX = "montage-"  # then the pid, so a later run can tell a dead render's folder
_PROC_FD = Path("/proc/self/fd")


@dataclass(frozen=True)
class Scratch:
    """Where ffmpeg finds the scratch file, and the descriptors the child must inherit."""

    path: Path
    pass_fds: tuple[int, ...] = ()


@contextmanager
def scratch_file(suffix: str) -> Iterator[Scratch]:
    """A scratch file (see the module docstring), deleted however the block ends."""
    if _PROC_FD.is_dir():
        fd, name = tempfile.mkstemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-", suffix=suffix)
        Path(name).unlink()  # the name goes now; the open descriptor keeps the file
        try:
            yield Scratch(_PROC_FD / str(fd), (fd,))
        finally:
            os.close(fd)
        return
    remove_stale_workdirs()
    with tempfile.TemporaryDirectory(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-") as folder:
        yield Scratch(Path(folder) / f"scratch{suffix}")


def remove_stale_workdirs() -> None:
    """Delete work folders of renders that were killed (their process no longer exists)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{WORKDIR_PREFIX}*-*"):
        pid = folder.name[len(WORKDIR_PREFIX) :].split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
