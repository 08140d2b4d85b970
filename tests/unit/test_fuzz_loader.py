"""Fuzzing the loader: whatever the file holds, `load_storyboard` succeeds or raises MontageError.

The crashes these generators first found are pinned as plain regression tests at the bottom.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from montage.errors import MontageError
from montage.storyboard.load import load_storyboard

pytestmark = pytest.mark.usefixtures("no_user_presets")

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
    ],
)
MEDIA = ("a.mp4", "photo.jpg")

KEYS = [
    "clips", "path", "date", "caption", "label", "trim", "start", "end", "speed", "duration",
    "mute", "volume", "fit", "overlays", "counter", "date_stamp", "hashtags", "progress_bar",
    "preset", "style", "size", "box", "color", "output", "fps", "width", "height", "crf",
    "transition", "kind", "compare", "before", "after", "layout", "audio", "music",
    "title_card", "end_card", "text", "background", "safe_zone", "bottom", "version",
    "start_date", "title", "extends", "<<",
]  # fmt: skip
WORDS = [
    "a.mp4", "photo.jpg", "missing.mp4", "../a.mp4", "/etc/passwd", "http://x/a.mp4",
    "concat:a.mp4", "reel", "story", "bold", "nope", "2023-01-06", "2023-02-30", "2999-01-01",
    "1:30", "1:02.5", "2.5s", "-1", "no", "yes", "#tag", "#bad tag", "Day {day}", "{x",
    "%b %d", "crossfade", "slide", "first", "last", "white", "#12345", "blur", "0755",
]  # fmt: skip
TOKENS = [
    *(f"{k}: " for k in KEYS), *WORDS, "\n", "\n  ", "\n    ", "- ", "  - ", "{", "}", "[",
    "]", ", ", ": ", ":", " ", "&a ", "*a", "!!str ", "!!int ", "!t ", "# c", "'", '"', "|",
    ">", "---", "...", "? ", "~", "\t", "\ufeff", "💪",
]  # fmt: skip

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    max_size=12,
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(),
    st.sampled_from(WORDS),
    TEXT,
)
NESTED = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), TEXT), children, max_size=4),
    ),
    max_leaves=10,
)
FIELDS = st.dictionaries(st.sampled_from(KEYS), NESTED, max_size=4)
CLIP = st.builds(
    lambda path, extra: {"path": path, **extra},
    st.one_of(st.sampled_from(WORDS), SCALARS),
    FIELDS,
)
STORYBOARD = st.builds(
    lambda clips, extra: {**extra, "clips": clips},
    st.one_of(st.lists(CLIP, max_size=3), NESTED),
    FIELDS,
)
YAML_TEXT = st.lists(st.one_of(st.sampled_from(TOKENS), TEXT), max_size=60).map("".join)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    for name in MEDIA:
        (folder / name).touch()
    return folder


def loads_or_montage_error(path: Path) -> None:
    """The property: success, or a MontageError whose problems all render."""
    try:
        load_storyboard(path)
    except MontageError as error:
        assert error.problems
        assert all(problem.message for problem in error.problems)
        assert str(error)


def write(folder: Path, content: str | bytes) -> Path:
    path = folder / "fuzz.yaml"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


@FUZZ
@given(text=YAML_TEXT)
def test_yamlish_text(fuzz_dir: Path, text: str) -> None:
    loads_or_montage_error(write(fuzz_dir, text))


@FUZZ
@given(data=st.one_of(STORYBOARD, NESTED))
def test_dumped_structures(fuzz_dir: Path, data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    loads_or_montage_error(write(fuzz_dir, text))


@FUZZ
@given(raw=st.binary(max_size=200), prefix=st.sampled_from([b"", b"clips:\n  - path: a.mp4\n"]))
def test_raw_bytes(fuzz_dir: Path, raw: bytes, prefix: bytes) -> None:
    loads_or_montage_error(write(fuzz_dir, prefix + raw))


# --- crashes the fuzzers found (all fixed), kept as regression tests ---------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('clips:\n  - path: "a\\0.mp4"\n', id="nul-in-clip-path"),
        pytest.param(
            'clips:\n  - path: a.mp4\naudio:\n  music: {path: "m\\0"}\n', id="nul-in-music"
        ),
        pytest.param("clips:\n  - path: ~nosuchuser/a.mp4\n", id="unknown-home"),
        pytest.param('preset: "' + "p" * 300 + '"\nclips:\n  - path: a.mp4\n', id="long-preset"),
        pytest.param("clips:\n  - path: a.mp4\n    volume: " + "9" * 5000 + "\n", id="huge-int"),
        pytest.param("clips:\n  - path: a.mp4\n    caption: \x01\n", id="control-character"),
    ],
)
def test_former_crashes(fuzz_dir: Path, text: str) -> None:
    loads_or_montage_error(write(fuzz_dir, text))
