"""Clip dates from each kind of metadata and each file-name pattern, with their source.

tests/media/test_dates.py covers the parsers on strings and a QuickTime/creation_time
probe; here every source goes through real files and `scan_folder`, as `init` uses it,
including the move of UTC sources into the clips' local time.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from montage.authoring.scan import find_media, scan_folder
from montage.zones import learn_zone, parse_zone
from tests.authoring.conftest import KIT, CopyClips

PLUS2 = timezone(timedelta(hours=2))

# name -> (local wall-clock date in UTC+02:00, source, guess)
EXPECTED = {
    "VID_20230115_123456.mp4": (datetime(2023, 1, 15, 12, 34, 56), "filename", False),
    # PXL_ names are UTC: 23:30 UTC is already the next day in UTC+02:00.
    "PXL_20230115_233000123.mp4": (datetime(2023, 1, 16, 1, 30, 0, 123000), "filename", False),
    "20230117_080000.mp4": (datetime(2023, 1, 17, 8, 0), "filename", False),
    "IMG-20230118-WA0001.jpg": (datetime(2023, 1, 18), "filename", False),
    "IMG_20230119_101500.jpg": (datetime(2023, 1, 19, 10, 15), "filename", False),
    "Screen Recording 2023-01-20 at 12.34.56.mov": (
        datetime(2023, 1, 20, 12, 34, 56),
        "filename",
        False,
    ),
    # Unix time 1674300000 is 2023-01-21 11:20:00 UTC.
    "RPReplay_Final1674300000.mp4": (datetime(2023, 1, 21, 13, 20), "filename", False),
    "iphone.mov": (datetime(2023, 1, 22, 13, 34, 56), "quicktime", False),
    "utc.mp4": (datetime(2023, 1, 23, 14, 0), "creation_time", False),
    "exif.jpg": (datetime(2023, 1, 24, 9, 0), "exif", False),
    "exif_naive.jpg": (datetime(2023, 1, 25, 9, 30), "exif", False),
    "nodate.mp4": (datetime(2023, 1, 26, 14, 0), "mtime", True),
}


@pytest.fixture
def dated_folder(tmp_path: Path, copy_clips: CopyClips) -> Path:
    return copy_clips(tmp_path / "clips", EXPECTED)


def test_every_source_resolves_to_its_date(dated_folder: Path) -> None:
    scan = scan_folder(dated_folder, zone=PLUS2)
    found = {c.path.name: (c.date, c.finding.source, c.guess) for c in scan.clips}
    assert found == EXPECTED
    assert [c.path.name for c in scan.clips] == list(EXPECTED)  # oldest first
    assert scan.skipped == ()


def test_the_zone_is_learned_from_the_clips_own_offsets(dated_folder: Path) -> None:
    scan = scan_folder(dated_folder)  # iphone.mov and exif.jpg both say +02:00
    assert scan.zone == PLUS2
    assert "UTC+02:00" in scan.zone_name
    pxl = next(c for c in scan.clips if c.path.name.startswith("PXL_"))
    assert pxl.date == datetime(2023, 1, 16, 1, 30, 0, 123000)


@pytest.mark.parametrize(
    ("zone", "day"),
    [("-05:00", "2023-01-15 18:30"), ("+02:00", "2023-01-16 01:30"), ("UTC", "2023-01-15 23:30")],
)
def test_pixel_name_near_midnight_lands_on_the_local_day(
    tmp_path: Path, copy_clips: CopyClips, zone: str, day: str
) -> None:
    folder = copy_clips(tmp_path / "clips", ["PXL_20230115_233000123.mp4"])
    (clip,) = scan_folder(folder, zone=parse_zone(zone)).clips
    assert f"{clip.date:%Y-%m-%d %H:%M}" == day


def test_a_named_zone_follows_its_rules(tmp_path: Path, copy_clips: CopyClips) -> None:
    try:
        berlin = parse_zone("Europe/Berlin")
    except ValueError:
        pytest.skip("no IANA time zone database on this machine")
    folder = copy_clips(tmp_path / "clips", ["PXL_20230115_233000123.mp4"])
    (clip,) = scan_folder(folder, zone=berlin).clips
    assert f"{clip.date:%Y-%m-%d %H:%M}" == "2023-01-16 00:30"  # CET, UTC+01:00 in winter


def test_quicktime_beats_creation_time_and_the_name(tmp_path: Path) -> None:
    from montage import synth

    clip = synth.make_video(
        tmp_path / "VID_20200101_000000.mov",
        width=32,
        height=32,
        duration=0.2,
        audio=False,
        metadata={
            "com.apple.quicktime.creationdate": "2023-01-22T13:34:56+0200",
            "creation_time": "2023-01-22T11:34:56.000000Z",
        },
    )
    (found,) = scan_folder(clip.parent, zone=timezone.utc).clips
    # The camera's own clock is kept: the zone only places UTC instants.
    assert (found.finding.source, found.date) == ("quicktime", datetime(2023, 1, 22, 13, 34, 56))


def test_parse_zone() -> None:
    assert parse_zone("+05:30").utcoffset(None) == timedelta(hours=5, minutes=30)
    assert parse_zone("-0800").utcoffset(None) == timedelta(hours=-8)
    assert parse_zone("Z").utcoffset(None) == timedelta(0)
    with pytest.raises(ValueError, match="not a time zone"):
        parse_zone("Mars/Olympus_Mons")


def test_no_local_offset_means_this_computers_zone() -> None:
    assert learn_zone([]) == (None, "this computer's time zone")


def test_find_media_skips_hidden_generated_and_other_files(tmp_path: Path) -> None:
    names = [
        "a.mp4", "B.MOV", "c.jpg", "notes.txt", "music.m4a", ".hidden.mp4",
        "story.contact.png", "story.proxy.mp4", "story.montage-partial.mp4", "out.mp4",
    ]  # fmt: skip
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.mp4").write_bytes(b"x")
    found = find_media(tmp_path, exclude=[tmp_path / "out.mp4"])
    assert [p.name for p in found] == ["a.mp4", "B.MOV", "c.jpg"]
    deep = find_media(tmp_path, recursive=True, exclude=[tmp_path / "out.mp4"])
    assert [p.name for p in deep] == ["a.mp4", "B.MOV", "c.jpg", "d.mp4"]


def test_unreadable_files_are_skipped_with_a_reason(tmp_path: Path, copy_clips: CopyClips) -> None:
    folder = copy_clips(tmp_path / "clips", ["utc.mp4"])
    (folder / "broken.mp4").write_text("not a video\n" * 50)
    (folder / "empty.jpg").write_bytes(b"")
    scan = scan_folder(folder)
    assert [c.path.name for c in scan.clips] == ["utc.mp4"]
    reasons = {p.name: why for p, why in scan.skipped}
    assert set(reasons) == {"broken.mp4", "empty.jpg"}
    assert "empty" in reasons["empty.jpg"]


def test_kit_covers_every_expected_clip() -> None:
    assert set(EXPECTED) <= set(KIT)
