"""Capture dates from metadata, EXIF, file names and mtime, with their sources."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from montage import synth
from montage.media.dates import date_from_filename, date_from_tags, find_date
from montage.media.probe import probe

UTC = timezone.utc
CET = timezone(timedelta(hours=1))


# --- container metadata -------------------------------------------------------------


def test_quicktime_creationdate_keeps_its_offset() -> None:
    found = date_from_tags({"com.apple.quicktime.creationdate": "2023-01-15T13:34:56+0100"})
    assert found is not None
    assert found.source == "quicktime"
    assert found.value == datetime(2023, 1, 15, 13, 34, 56, tzinfo=CET)
    assert found.value.utcoffset() == timedelta(hours=1)


def test_quicktime_is_preferred_over_creation_time() -> None:
    tags = {
        "creation_time": "2023-01-15T12:00:00.000000Z",
        "com.apple.quicktime.creationdate": "2023-01-15T13:34:56+01:00",
    }
    found = date_from_tags(tags)
    assert found is not None
    assert found.source == "quicktime"


def test_creation_time_is_utc_aware() -> None:
    found = date_from_tags({"creation_time": "2023-01-15T12:34:56.250000Z"})
    assert found is not None
    assert found.source == "creation_time"
    assert found.value == datetime(2023, 1, 15, 12, 34, 56, 250000, tzinfo=UTC)
    assert not found.guess


def test_creation_time_without_suffix_is_taken_as_utc() -> None:
    found = date_from_tags({"creation_time": "2023-01-15 12:34:56"})
    assert found is not None
    assert found.value.tzinfo == UTC


@pytest.mark.parametrize("bogus", ["1970-01-01T00:00:00.000000Z", "1904-01-01T00:00:00Z"])
def test_bogus_epoch_creation_time_is_ignored(bogus: str, tmp_path: Path) -> None:
    assert date_from_tags({"creation_time": bogus}) is None
    clip = tmp_path / "VID_20230115_123456.mp4"
    clip.write_bytes(b"x")
    found = find_date(clip, {"creation_time": bogus})
    assert found is not None
    assert found.source == "filename"


def test_repeated_tag_values_use_the_first_valid_one() -> None:
    found = date_from_tags({"creation_time": "1970-01-01T00:00:00Z;2023-01-15T12:34:56Z"})
    assert found is not None
    assert found.value == datetime(2023, 1, 15, 12, 34, 56, tzinfo=UTC)


def test_probe_reads_the_quicktime_date_of_a_generated_mov(tmp_path: Path) -> None:
    clip = synth.make_video(
        tmp_path / "clip.mov",
        width=64,
        height=48,
        duration=0.2,
        audio=False,
        metadata={"com.apple.quicktime.creationdate": "2023-01-15T13:34:56+0100"},
    )
    found = probe(clip).date
    assert found is not None
    assert (found.source, found.value) == (
        "quicktime",
        datetime(2023, 1, 15, 13, 34, 56, tzinfo=CET),
    )


def test_probe_reads_creation_time_of_a_generated_mp4(clips: dict[str, Path]) -> None:
    found = probe(clips["utc.mp4"]).date
    assert found is not None
    assert (found.source, found.value) == (
        "creation_time",
        datetime(2023, 1, 15, 12, 34, 56, tzinfo=UTC),
    )


# --- photo EXIF ---------------------------------------------------------------------


def test_exif_with_offset_is_aware(tmp_path: Path) -> None:
    photo = synth.make_photo(
        tmp_path / "photo.jpg", exif_datetime="2023:01:15 12:34:56", exif_offset="+01:00"
    )
    found = find_date(photo)
    assert found is not None
    assert (found.source, found.value) == ("exif", datetime(2023, 1, 15, 12, 34, 56, tzinfo=CET))


def test_exif_without_offset_is_naive(clips: dict[str, Path]) -> None:
    found = find_date(clips["exif6.jpg"])
    assert found is not None
    assert (found.source, found.value) == ("exif", datetime(2023, 1, 15, 12, 34, 56))


def test_exif_beats_the_file_name(tmp_path: Path) -> None:
    photo = synth.make_photo(
        tmp_path / "IMG_20200101_000000.jpg", exif_datetime="2023:01:15 12:34:56"
    )
    found = find_date(photo)
    assert found is not None
    assert found.source == "exif"


# --- file names ---------------------------------------------------------------------

LOCAL_NAMES = [
    ("VID_20230115_123456.mp4", datetime(2023, 1, 15, 12, 34, 56)),
    ("IMG_20230115_123456.jpg", datetime(2023, 1, 15, 12, 34, 56)),
    ("20230115_123456.mp4", datetime(2023, 1, 15, 12, 34, 56)),
    ("IMG-20230115-WA0001.jpg", datetime(2023, 1, 15)),
    ("VID-20230115-WA0001.mp4", datetime(2023, 1, 15)),
    ("Screen Recording 2023-01-15 at 12.34.56.mov", datetime(2023, 1, 15, 12, 34, 56)),
    ("Screen Recording 2023-01-15 at 1.34.56\u202fPM.mov", datetime(2023, 1, 15, 13, 34, 56)),
]
UTC_NAMES = [
    ("PXL_20230115_123456789.mp4", datetime(2023, 1, 15, 12, 34, 56, 789000, tzinfo=UTC)),
    ("RPReplay_Final1673780000.MP4", datetime(2023, 1, 15, 10, 53, 20, tzinfo=UTC)),
]


@pytest.mark.parametrize(("name", "expected"), LOCAL_NAMES + UTC_NAMES)
def test_file_name_patterns(name: str, expected: datetime) -> None:
    found = date_from_filename(name)
    assert found is not None
    assert found.source == "filename"
    assert found.value == expected
    assert found.value.tzinfo == expected.tzinfo
    assert not found.guess


def test_pixel_name_near_midnight_stays_utc() -> None:
    found = date_from_filename("PXL_20230115_233000123.mp4")
    assert found is not None
    assert found.value.tzinfo == UTC
    assert found.value.astimezone(timezone(timedelta(hours=2))).date().isoformat() == "2023-01-16"
    assert found.value.astimezone(timezone(timedelta(hours=-5))).date().isoformat() == "2023-01-15"


@pytest.mark.parametrize(
    "name", ["VID_20230230_123456.mp4", "IMG_20231301_000000.jpg", "IMG-20230231-WA0001.jpg"]
)
def test_invalid_dates_in_names_are_skipped(name: str) -> None:
    assert date_from_filename(name) is None


def test_names_without_dates() -> None:
    assert date_from_filename("holiday.mp4") is None
    assert date_from_filename("IMG_1234.MOV") is None


# --- mtime --------------------------------------------------------------------------


def test_mtime_is_a_guess(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x")
    stamp = datetime(2023, 1, 15, 12, 0, tzinfo=UTC).timestamp()
    os.utime(clip, (stamp, stamp))
    found = find_date(clip, {})
    assert found is not None
    assert (found.source, found.guess) == ("mtime", True)
    assert found.value == datetime(2023, 1, 15, 12, 0, tzinfo=UTC)


def test_invalid_name_falls_back_to_mtime(tmp_path: Path) -> None:
    clip = tmp_path / "VID_20230230_123456.mp4"
    clip.write_bytes(b"x")
    found = find_date(clip)
    assert found is not None
    assert found.source == "mtime"
