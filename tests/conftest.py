"""Shared fixtures: a session-wide folder of tiny generated media (see montage.synth)."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from montage import synth

# Tiny by default: every clip is 160x120 and 1 s unless a test asks otherwise.
VIDEO_DEFAULTS: dict[str, Any] = {"width": 160, "height": 120, "duration": 1.0}
PHOTO_DEFAULTS: dict[str, Any] = {"width": 160, "height": 120}


class MediaFactory:
    """Generates media files once per session, by name, in one folder.

    Asking twice for the same name returns the same file; asking for the same name with
    different parameters is a test bug and raises ValueError.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: dict[str, tuple[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._name_locks: dict[str, threading.Lock] = {}

    def video(self, name: str, **kwargs: Any) -> Path:
        """A clip made by `synth.make_video` with tiny defaults."""
        return self._make("video", name, {**VIDEO_DEFAULTS, **kwargs})

    def photo(self, name: str, **kwargs: Any) -> Path:
        """A still made by `synth.make_photo` with tiny defaults."""
        return self._make("photo", name, {**PHOTO_DEFAULTS, **kwargs})

    def audio(self, name: str, **kwargs: Any) -> Path:
        """An audio-only file made by `synth.make_audio`."""
        return self._make("audio", name, {"duration": 1.0, **kwargs})

    def many(self, specs: Mapping[str, tuple[str, Mapping[str, Any]]]) -> dict[str, Path]:
        """Make several files in parallel: {name: (kind, kwargs)} -> {name: path}."""
        makers = {"video": self.video, "photo": self.photo, "audio": self.audio}
        workers = max(2, min(8, (os.cpu_count() or 2) * 2))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {
                name: pool.submit(makers[kind], name, **dict(kw))
                for name, (kind, kw) in specs.items()
            }
            return {name: future.result() for name, future in futures.items()}

    def _make(self, kind: str, name: str, kwargs: dict[str, Any]) -> Path:
        with self._lock:
            previous = self._made.setdefault(name, (kind, kwargs))
            name_lock = self._name_locks.setdefault(name, threading.Lock())
        if previous != (kind, kwargs):
            raise ValueError(f"media {name!r} was already made with {previous}")
        path = self.root / name
        with name_lock:
            if not path.exists():
                maker = {
                    "video": synth.make_video,
                    "photo": synth.make_photo,
                    "audio": synth.make_audio,
                }[kind]
                maker(path, **kwargs)
        return path


@pytest.fixture(scope="session")
def media_factory(tmp_path_factory: pytest.TempPathFactory) -> MediaFactory:
    """Session-wide generator of tiny test media in one temporary folder."""
    return MediaFactory(tmp_path_factory.mktemp("media"))
