"""`montage init`: a storyboard from a folder that validates and renders as written, and a
second run that adds only new clips while keeping the user's edits and comments."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

from montage.media.probe import probe
from montage.storyboard.yamlio import load_yaml_file
from tests.authoring.conftest import SIX, SMALL, CopyClips, run_cli


@pytest.fixture
def six(tmp_path: Path, copy_clips: CopyClips) -> Path:
    """A folder of six mixed clips, one per kind of date."""
    return copy_clips(tmp_path / "clips", SIX)


def clip_entries(storyboard: Path) -> list[dict[str, object]]:
    return load_yaml_file(storyboard).data["clips"]


def test_init_writes_a_dated_commented_storyboard(six: Path) -> None:
    result = run_cli("init", six)
    assert result.exit_code == 0, result.output
    storyboard = six / "storyboard.yaml"
    text = storyboard.read_text(encoding="utf-8")
    entries = clip_entries(storyboard)
    assert [e["path"] for e in entries] == [
        "PXL_20230115_233000123.mp4",  # 2023-01-16 01:30 in UTC+02:00, learned from the clips
        "IMG-20230118-WA0001.jpg",
        "iphone.mov",
        "utc.mp4",
        "exif.jpg",
        "nodate.mp4",
    ]
    assert [e["date"] for e in entries] == [
        "2023-01-16 01:30", "2023-01-18", "2023-01-22 13:34", "2023-01-23 14:00",
        "2023-01-24 09:00", "2023-01-26 14:00",
    ]  # fmt: skip
    assert "start_date: 2023-01-16" in text
    assert text.count('# caption: ""') == 6  # placeholders, commented out
    for comment in ("# file name 2023-01-15 23:30 UTC", "# QuickTime creationdate tag",
                    "# creation_time tag", "# EXIF DateTimeOriginal",
                    "# GUESS: the file's modified time"):  # fmt: skip
        assert comment in text
    assert "mtime (guess)" in result.stderr
    assert "check the dates marked GUESS" in result.stderr


def test_init_output_validates_and_renders_unchanged(six: Path) -> None:
    assert run_cli("init", six).exit_code == 0
    storyboard = six / "storyboard.yaml"
    checked = run_cli("validate", storyboard)
    assert checked.exit_code == 0, checked.output
    assert len(checked.stdout.splitlines()) == 1 + 6
    plan = run_cli("render", storyboard, "--dry-run", "--json", *SMALL)
    assert plan.exit_code == 0, plan.output
    total = json.loads(plan.stdout)["duration"]
    rendered = run_cli("render", storyboard, "-q", *SMALL)
    assert rendered.exit_code == 0, rendered.output
    output = six / "out" / "storyboard.mp4"
    assert abs(probe(output).duration - total) < 0.1


def _edit(storyboard: Path) -> str:
    """What a user does: write a caption with a comment, add a comment, set hashtags."""
    text = storyboard.read_text(encoding="utf-8")
    text = re.sub(
        r"(  - path: iphone\.mov\n.*\n)    # caption: \"\"\n",
        r"\1    caption: Back on the bike 🚲   # my favourite\n",
        text,
    )
    text = text.replace("  - path: utc.mp4\n", "  # the hard week\n  - path: utc.mp4\n")
    text = text.replace('  # hashtags: ["#progress"]', '  hashtags: ["#mine"]  # mine')
    storyboard.write_text(text, encoding="utf-8")
    return text


def test_second_init_adds_only_new_clips_and_keeps_edits(six: Path, copy_clips: CopyClips) -> None:
    assert run_cli("init", six).exit_code == 0
    storyboard = six / "storyboard.yaml"
    edited = _edit(storyboard)
    copy_clips(six, ["VID_20230110_090000.mp4", "VID_20230201_090000.mp4"])
    again = run_cli("init", six)
    assert again.exit_code == 0, again.output
    assert "added 2 new clips" in again.stderr
    after = storyboard.read_text(encoding="utf-8")
    matcher = difflib.SequenceMatcher(a=edited.splitlines(), b=after.splitlines())
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    # Only insertions, plus the suggested start_date moving to the new first clip's day.
    replaced = [edited.splitlines()[i1] for tag, i1, *_ in changes if tag != "insert"]
    assert replaced == ["start_date: 2023-01-16      # suggested: the first clip's day. "
                        "Day 0 of the counter:"]  # fmt: skip
    assert "start_date: 2023-01-10" in after
    assert "caption: Back on the bike 🚲   # my favourite" in after
    assert "  # the hard week\n  - path: utc.mp4" in after
    assert 'hashtags: ["#mine"]  # mine' in after
    paths = [e["path"] for e in clip_entries(storyboard)]
    assert paths[0] == "VID_20230110_090000.mp4"  # in its place by date
    assert paths[-1] == "VID_20230201_090000.mp4"
    assert after.rstrip().endswith("path: out/storyboard.mp4")
    assert "\n\noverlays:" in after  # the blank line before the next section stays there
    assert run_cli("validate", storyboard).exit_code == 0
    third = run_cli("init", six)
    assert third.exit_code == 0
    assert "up to date" in third.stderr
    assert storyboard.read_text(encoding="utf-8") == after


def test_commented_out_clips_and_generated_files_are_not_added(six: Path) -> None:
    assert run_cli("init", six).exit_code == 0
    storyboard = six / "storyboard.yaml"
    text = storyboard.read_text(encoding="utf-8")
    block = re.search(r"  - path: exif\.jpg\n(    .*\n)+", text)
    assert block is not None
    commented = "".join("  # " + line[2:] + "\n" for line in block.group(0).splitlines())
    storyboard.write_text(text.replace(block.group(0), commented), encoding="utf-8")
    sheet = run_cli("preview", storyboard, "-o", six / "storyboard.contact.png", *SMALL)
    assert sheet.exit_code == 0, sheet.output
    (six / "storyboard.montage-partial.mp4").write_bytes(b"partial")
    again = run_cli("init", six)
    assert again.exit_code == 0, again.output
    assert "up to date" in again.stderr
    assert "exif.jpg" not in [e["path"] for e in clip_entries(storyboard)]


def test_init_keeps_a_four_space_indented_file(six: Path, copy_clips: CopyClips) -> None:
    storyboard = six / "mine.yaml"
    storyboard.write_text(
        "preset: reel\nclips:\n    -   path: utc.mp4\n        caption: 'kept quotes'\n"
        "output:\n    path: out/mine.mp4\n",
        encoding="utf-8",
    )
    result = run_cli("init", six, "-o", storyboard)
    assert result.exit_code == 0, result.output
    text = storyboard.read_text(encoding="utf-8")
    assert text.startswith("preset: reel\nclips:\n    -   path: ")
    assert "        caption: 'kept quotes'\n" in text
    assert "output:\n    path: out/mine.mp4\n" in text
    assert len(clip_entries(storyboard)) == 6


def test_dry_run_prints_and_writes_nothing(six: Path) -> None:
    result = run_cli("init", six, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Storyboard for clips")
    assert not (six / "storyboard.yaml").exists()


def test_json_report(six: Path) -> None:
    (six / "broken.mp4").write_text("not a video")
    result = run_cli("init", six, "--json", "--tz", "-05:00")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["created"] and report["written"]
    assert [c["source"] for c in report["added"]][:1] == ["filename"]
    assert report["added"][0]["date"] == "2023-01-15T18:30"  # PXL_ 23:30 UTC in UTC-05:00
    assert [s["path"] for s in report["skipped"]] == [str(six / "broken.mp4")]
    assert report["time_zone"] == "UTC-05:00"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--preset", "nope"], 3, "no preset named 'nope'"),
        (["--tz", "Mars/Base"], 2, "not a time zone"),
    ],
)
def test_bad_options(six: Path, args: list[str], code: int, message: str) -> None:
    result = run_cli("init", six, *args)
    assert result.exit_code == code
    assert message in result.stderr


def test_empty_folder_exits_1_with_a_hint(tmp_path: Path) -> None:
    result = run_cli("init", tmp_path)
    assert result.exit_code == 1
    assert "no videos or photos found" in result.stderr
    assert "--recursive" in result.stderr


def test_broken_existing_storyboard_is_located(six: Path) -> None:
    (six / "storyboard.yaml").write_text("clips:\n  - path: [unclosed\n", encoding="utf-8")
    result = run_cli("init", six)
    assert result.exit_code == 3
    assert re.search(r"storyboard\.yaml:\d+:\d+: .*not valid YAML", result.stderr)


def test_clips_outside_the_storyboard_folder_are_absolute(
    tmp_path: Path, copy_clips: CopyClips
) -> None:
    folder = copy_clips(tmp_path / "clips", ["utc.mp4"])
    storyboard = tmp_path / "boards" / "sb.yaml"
    result = run_cli("init", folder, "-o", storyboard)
    assert result.exit_code == 0, result.output
    assert "--allow-outside" in result.stderr
    assert clip_entries(storyboard)[0]["path"] == str(folder / "utc.mp4")
    assert run_cli("validate", storyboard, "--allow-outside", folder).exit_code == 0
