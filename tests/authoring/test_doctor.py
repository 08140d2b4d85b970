"""`montage doctor`: every piece reported, a remedy for each missing one, exit 0/1."""

from __future__ import annotations

import json
import subprocess

import pytest

from montage import doctor
from tests.authoring.conftest import run_cli

NAMES = [
    "ffmpeg", "encoders", "Pillow", "raqm", "fribidi", "fonts", "emoji", "other scripts",
    "dask", "user presets",
]  # fmt: skip


def test_doctor_reports_every_piece() -> None:
    result = run_cli("doctor", "--json")
    report = json.loads(result.stdout)
    assert [c["name"] for c in report["checks"]] == NAMES
    essentials = {c["name"] for c in report["checks"] if c["essential"]}
    assert essentials == {"ffmpeg", "encoders", "Pillow", "fonts", "emoji"}
    assert all(c["ok"] or c["remedy"] for c in report["checks"])
    assert result.exit_code == (0 if report["ok"] else 1)


def test_this_machine_renders() -> None:
    """The suite renders videos, so the essentials must work here."""
    result = run_cli("doctor")
    assert result.exit_code == 0, result.stdout
    assert "all essential pieces work" in result.stdout
    assert "renders in colour" in result.stdout


def test_a_broken_ffmpeg_fails_with_a_remedy(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: list[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(["ffmpeg"], 127, "", "not found")

    monkeypatch.setattr(doctor, "run_ffmpeg", broken)
    result = run_cli("doctor")
    assert result.exit_code == 1
    assert "✗ ffmpeg" in result.stdout
    assert "fix: pip install --force-reinstall imageio-ffmpeg" in result.stdout
    assert "lacks libx264, aac" in result.stdout


def test_a_missing_ffmpeg_named_by_the_environment_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(args: list[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", "/nonexistent/ffmpeg")
    monkeypatch.setattr(doctor, "ffmpeg_exe", lambda: "/nonexistent/ffmpeg")
    monkeypatch.setattr(doctor, "run_ffmpeg", missing)
    result = run_cli("doctor")
    assert result.exit_code == 1
    assert "cannot run /nonexistent/ffmpeg: No such file or directory" in result.stdout
    assert "IMAGEIO_FFMPEG_EXE names it" in result.stdout
    assert "the check failed" not in result.stdout


def test_missing_fribidi_is_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor.features, "check_feature", lambda name: False)
    monkeypatch.setattr(doctor.ctypes.util, "find_library", lambda name: None)
    (check,) = doctor.run_checks((doctor.check_fribidi,))
    assert not check.ok and not check.essential
    assert "apt-get install libfribidi0" in check.remedy
    assert doctor.healthy([check])


def test_a_crashing_check_is_reported_not_raised() -> None:
    def check_emoji() -> doctor.Check:
        raise OSError("font file unreadable")

    (check,) = doctor.run_checks((check_emoji,))
    assert (check.name, check.ok, check.essential) == ("emoji", False, True)
    assert "OSError: font file unreadable" in check.detail
    assert not doctor.healthy([check])


def test_invalid_user_preset_is_named(no_user_presets) -> None:  # type: ignore[no-untyped-def]
    (no_user_presets / "broken.yaml").write_text("output: [\n", encoding="utf-8")
    check = doctor.check_user_presets()
    assert not check.ok and not check.essential
    assert "invalid: broken" in check.detail
    assert "montage presets show broken" in check.remedy
