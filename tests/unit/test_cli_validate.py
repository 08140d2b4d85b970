"""`montage validate`: exit codes, located problems on stderr, `--json`, several files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from montage.cli import app
from montage.storyboard.yamlio import load_yaml_file
from tests.conftest import MediaFactory

pytestmark = pytest.mark.usefixtures("no_user_presets")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "recovery" / "recovery.yaml"
INVALID = """\
clips:
  - path: a.mp4
    speed: 0
    captoin: hi
  - path: missing.mp4
output:
  fps: 121
"""
INVALID_AT = [(3, 12, "clips[0].speed"), (4, 5, "clips[0].captoin"), (5, 11, "clips[1].path"),
              (7, 8, "output.fps")]  # fmt: skip
PROBLEM_KEYS = {"file", "line", "column", "path", "message", "hint"}


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def media_paths(storyboard: Path) -> list[str]:
    """Every clip and music path the storyboard names."""
    data = load_yaml_file(storyboard).data
    paths = [clip["path"] for clip in data["clips"]]
    music = data.get("audio", {}).get("music")
    return paths + ([music["path"]] if music else [])


@pytest.fixture
def example(tmp_path: Path, media_factory: MediaFactory) -> Path:
    """A copy of the recovery example with tiny generated stand-ins for its media.

    validate probes and plans every clip as render does, so the stand-ins are real media.
    """
    stand_ins = {
        ".mp4": media_factory.video("validate-4s.mp4", duration=4.0),
        ".jpg": media_factory.photo("validate.jpg"),
        ".m4a": media_factory.audio("validate.m4a"),
    }
    folder = tmp_path / "recovery"
    folder.mkdir()
    copy = folder / "recovery.yaml"
    shutil.copy(EXAMPLE, copy)
    for written in media_paths(copy):
        (folder / written).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stand_ins[Path(written).suffix], folder / written)
    return copy


@pytest.fixture
def invalid(tmp_path: Path) -> Path:
    (tmp_path / "a.mp4").touch()
    path = tmp_path / "invalid.yaml"
    path.write_text(INVALID, encoding="utf-8")
    return path


def test_valid_exits_0(example: Path) -> None:
    result = run("validate", str(example))
    assert result.exit_code == 0, result.stderr
    out = example.parent / "out" / "recovery.mp4"
    first = result.stdout.splitlines()[0]
    assert re.fullmatch(
        rf"OK {re.escape(str(example))}: 4 clips, 0:\d\d\.\d\d, 1080x1920@30 \(reel\) "
        rf"-> {re.escape(str(out))}",
        first,
    ), first
    assert result.stderr == ""


def test_invalid_exits_3_and_locates_every_problem(invalid: Path) -> None:
    result = run("validate", str(invalid))
    assert result.exit_code == 3
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == len(INVALID_AT)
    for line, (row, col, path) in zip(lines, INVALID_AT, strict=True):
        assert line.startswith(f"{invalid}:{row}:{col}: {path}: "), line


def test_hint_printed(invalid: Path) -> None:
    result = run("validate", str(invalid))
    assert "unknown key 'captoin' (hint: did you mean 'caption'?)" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["validate"], ["validate", "--no-such-option", "x.yaml"], ["no-such-command"]],
    ids=["missing-argument", "unknown-option", "unknown-command"],
)
def test_usage_error_exits_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr


def test_missing_file_exits_3(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = run("validate", str(missing))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{missing}: cannot read the file")


def test_json_output(example: Path, invalid: Path) -> None:
    result = run("validate", "--json", str(example), str(invalid))
    assert result.exit_code == 3
    assert result.stderr == ""
    reports = json.loads(result.stdout)
    assert [r["file"] for r in reports] == [str(example), str(invalid)]
    good, bad = reports
    expected = {
        "file": str(example),
        "ok": True,
        "clips": 4,
        "frames": good["frames"],
        "presets": ["reel"],
        "canvas": "1080x1920@30",
        "output": str(example.parent / "out" / "recovery.mp4"),
    }
    assert {key: good.get(key) for key in expected} == expected
    assert good["duration"] == pytest.approx(good["frames"] / 30, abs=0.001) and good["frames"] > 0
    assert bad["ok"] is False
    assert all(set(p) == PROBLEM_KEYS for p in bad["problems"])
    found = [(p["line"], p["column"], p["path"]) for p in bad["problems"]]
    assert found == INVALID_AT
    assert {p["file"] for p in bad["problems"]} == {str(invalid)}
    hints = {p["path"]: p["hint"] for p in bad["problems"]}
    assert hints["clips[0].captoin"] == "did you mean 'caption'?"


def test_json_all_valid_exits_0(example: Path) -> None:
    result = run("validate", "--json", str(example))
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["ok"] is True


def test_multiple_files_all_reported(example: Path, invalid: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("clips: []\n", encoding="utf-8")
    result = run("validate", str(invalid), str(example), str(other))
    assert result.exit_code == 3
    assert result.stdout.startswith(f"OK {example}: ")
    files = {re.match(r"^(.*?):\d+:\d+: ", line).group(1) for line in result.stderr.splitlines()}
    assert files == {str(invalid), str(other)}


def test_multiple_valid_files_exit_0(example: Path, tmp_path: Path) -> None:
    second = example.with_name("second.yaml")
    shutil.copy(example, second)
    result = run("validate", str(example), str(second))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    ok_files = [line.split(": ", 1)[0] for line in lines if line.startswith("OK ")]
    assert ok_files == [f"OK {example}", f"OK {second}"]


def test_set_override(example: Path) -> None:
    result = run("validate", str(example), "--set", "output.fps=25", "-s", "output.width=720")
    assert result.exit_code == 0, result.stderr
    assert "720x1920@25" in result.stdout


def test_set_override_error_names_the_option(example: Path) -> None:
    result = run("validate", str(example), "--set", "output.fps=abc")
    assert result.exit_code == 3
    assert result.stderr.startswith("--set output.fps=abc: output.fps: ")


def test_presets_dir_option(example: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "reel.yaml").write_text("output: {width: 720, height: 1280}\n", encoding="utf-8")
    result = run("validate", str(example), "--presets-dir", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "720x1280@30" in result.stdout


def test_allow_outside_option(tmp_path: Path, media_factory: MediaFactory) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shutil.copyfile(media_factory.video("validate-4s.mp4", duration=4.0), shared / "clip.mp4")
    board = tmp_path / "board"
    board.mkdir()
    path = board / "sb.yaml"
    text = "clips:\n  - path: ../shared/clip.mp4\n    date: 2023-01-06\n"
    path.write_text(text, encoding="utf-8")
    refused = run("validate", str(path))
    assert refused.exit_code == 3
    assert "outside the storyboard folder" in refused.stderr
    allowed = run("validate", str(path), "--allow-outside", str(shared))
    assert allowed.exit_code == 0, allowed.stderr


def test_problem_text_is_not_rich_markup(tmp_path: Path) -> None:
    (tmp_path / "a.mp4").touch()
    path = tmp_path / "sb.yaml"
    path.write_text("clips:\n  - path: a.mp4\n    '[bold]x[/]': 1\n", encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 3
    assert "unknown key '[bold]x[/]'" in result.stderr


def test_preset_error_points_into_the_preset_file(example: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    preset = folder / "reel.yaml"
    preset.write_text("description: broken\noutput:\n  crf: 99\n", encoding="utf-8")
    result = run("validate", str(example), "--presets-dir", str(folder))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"{preset}:3:8: output.crf: ")


def test_bad_media_is_found_by_validate_too(example: Path) -> None:
    (example.parent / "clips" / "walker.mp4").write_bytes(b"")
    result = run("validate", str(example))
    assert result.exit_code == 1
    assert re.search(
        r"recovery\.yaml:\d+:\d+: clips\[1\]\.path: .*walker\.mp4' is empty", result.stderr
    )


def test_one_clip_is_singular(tmp_path: Path, media_factory: MediaFactory) -> None:
    shutil.copyfile(media_factory.video("validate-4s.mp4", duration=4.0), tmp_path / "a.mp4")
    path = tmp_path / "sb.yaml"
    path.write_text("clips:\n  - {path: a.mp4, date: 2023-01-06}\n", encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 0, result.stderr
    assert ": 1 clip, 0:04.00, " in result.stdout
