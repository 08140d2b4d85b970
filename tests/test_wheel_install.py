"""The wheel alone is enough: build it, install it in a fresh venv, run the CLI from elsewhere.

The venv has no access to the checkout (no --system-site-packages, no editable install,
cwd outside the repository), so bundled presets and fonts must come from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from montage import synth

pytestmark = [pytest.mark.wheel, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "recovery" / "recovery.yaml"
BUNDLED = ("montage/_data/presets/reel.yaml", "montage/_data/assets/fonts/NotoSans-Regular.ttf")
MEDIA = ("walking.mp4", "walker.mp4", "antigravity.mp4", "week6.jpg", "music.m4a")


def run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def clean_env(user_presets: Path) -> dict[str, str]:
    """The environment minus anything that could point back at the checkout or its venv."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["MONTAGE_PRESETS_DIR"] = str(user_presets)
    return env


def build_and_install(root: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """(wheel, venv bin folder) after building the wheel and installing it in a fresh venv."""
    outside = root / "elsewhere"
    outside.mkdir()
    dist = root / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, REPO], outside, env)
    (wheel,) = dist.glob("montage_assembler-*.whl")
    venv = root / "venv"
    run([sys.executable, "-m", "venv", venv], outside, env)
    run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel], outside, env)
    return wheel, venv / "bin"


def check_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for bundled in BUNDLED:
        assert bundled in names


def check_not_the_checkout(bin_dir: Path, cwd: Path, env: dict[str, str]) -> None:
    code = "import montage, montage.resources as r; print(montage.__file__); print(r.presets_dir())"
    module, presets = run([bin_dir / "python", "-c", code], cwd, env).stdout.splitlines()
    assert Path(module).is_relative_to(bin_dir.parent)
    assert Path(presets).is_relative_to(bin_dir.parent)
    assert not Path(module).is_relative_to(REPO)


def check_presets_list(bin_dir: Path, cwd: Path, env: dict[str, str]) -> None:
    result = run([bin_dir / "montage", "presets", "list"], cwd, env)
    names = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert "reel" in names
    assert "story" in names


def check_validate_example(bin_dir: Path, root: Path, env: dict[str, str]) -> None:
    board = root / "recovery"
    (board / "clips").mkdir(parents=True)
    shutil.copy(EXAMPLE, board / "recovery.yaml")
    for name in MEDIA:  # validate probes every file, so tiny real media stand in
        made = board / "clips" / name
        if made.suffix == ".jpg":
            synth.make_photo(made, width=64, height=48)
        elif made.suffix == ".m4a":
            synth.make_audio(made, duration=1.0)
        else:
            synth.make_video(made, width=64, height=48, duration=4.0)
    result = run([bin_dir / "montage", "validate", "recovery.yaml"], board, env)
    assert result.stdout.startswith("OK recovery.yaml: 4 clips, "), result.stdout
    assert "1080x1920@30 (reel)" in result.stdout.splitlines()[0]


def test_wheel_installs_and_runs(tmp_path: Path) -> None:
    """One test, so that parallel workers never build and install the wheel twice."""
    env = clean_env(tmp_path / "no-user-presets")
    wheel, bin_dir = build_and_install(tmp_path, env)
    check_wheel_contents(wheel)
    check_not_the_checkout(bin_dir, tmp_path / "elsewhere", env)
    check_presets_list(bin_dir, tmp_path / "elsewhere", env)
    check_validate_example(bin_dir, tmp_path, env)
