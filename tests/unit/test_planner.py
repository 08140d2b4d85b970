"""The planner with a fake probe and a fake text measure: no ffmpeg, no Pillow."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from montage.errors import MontageError, PlanError
from montage.media.info import DateFinding, MediaInfo
from montage.planner import plan
from montage.presets import preset_layers, search_path
from montage.storyboard.layers import deep_merge
from montage.storyboard.model import Storyboard
from montage.style import TextStyle
from montage.timeline import Timeline

FPS = 30


def fake_probe(path: Path) -> MediaInfo:
    """Media facts encoded in the file name: `name_<seconds>s[_mute][_still].ext`."""
    name = path.stem
    if path.suffix == ".jpg":
        return MediaInfo(path, "image", 1080, 1350)
    seconds = float(name.split("_")[1].rstrip("s")) if "_" in name else 4.0
    landscape = "land" in name
    return MediaInfo(
        path,
        "video",
        1920 if landscape else 1080,
        1080 if landscape else 1920,
        duration=seconds,
        fps=30.0,
        has_audio="mute" not in name,
    )


def fake_measure(text: str, style: TextStyle, max_width: int, max_height: int) -> tuple[int, int]:
    """0.5 em per character, wrapping at max_width; 'TOO LONG' never fits."""
    if "TOO LONG" in text:
        raise PlanError.single("text does not fit", hint="shorten it")
    width = len(text) * style.size // 2
    lines = -(-width // max_width)
    return min(width, max_width), lines * round(style.size * style.line_spacing)


def make_board(
    clips: list[dict[str, Any]], presets: tuple[str, ...] = ("reel",), **extra: Any
) -> Storyboard:
    """A validated storyboard with the built-in presets layered under `extra`."""
    data: dict[str, Any] = {}
    for layer in preset_layers(list(presets), search_path()):
        data = deep_merge(data, layer.data)
    return Storyboard.model_validate(deep_merge(data, {"clips": clips, **extra}))


def run(board: Storyboard, probe: Any = fake_probe) -> Timeline:
    return plan(board, probe, fake_measure, lambda p: Path("/media") / p)


THREE = [
    {"path": "c_4s.mp4", "date": "2023-03-01", "caption": "third"},
    {"path": "a_4s.mp4", "date": "2023-01-06", "caption": "first"},
    {"path": "b_4s.mp4", "date": "2023-01-30", "caption": "second"},
]


def test_clips_play_in_date_order_whatever_the_file_order() -> None:
    timeline = run(make_board(THREE))
    names = [s.pictures[0].path.name for s in timeline.segments]
    assert names == ["a_4s.mp4", "b_4s.mp4", "c_4s.mp4"]
    assert [s.start for s in timeline.segments] == sorted(s.start for s in timeline.segments)


def test_same_date_keeps_file_order() -> None:
    clips = [{"path": f"{n}_1s.mp4", "date": "2023-01-01"} for n in "xyz"]
    timeline = run(make_board(clips))
    assert [s.pictures[0].path.stem[0] for s in timeline.segments] == ["x", "y", "z"]


@pytest.mark.parametrize(
    ("kind", "seconds"), [("cut", 0.5), ("crossfade", 0.5), ("fade_black", 1.0), ("slide", 0.25)]
)
def test_total_length_is_exact(kind: str, seconds: float) -> None:
    timeline = run(make_board(THREE, transition={"kind": kind, "duration": seconds}))
    overlap = 0 if kind == "cut" else round(seconds * FPS)
    assert timeline.total_frames == 3 * 4 * FPS - 2 * overlap
    for previous, segment in zip(timeline.segments, timeline.segments[1:], strict=False):
        assert segment.start == previous.end - overlap
        assert segment.enter.frames == overlap


def test_trim_and_speed_set_the_length() -> None:
    clips = [
        {"path": "a_10s.mp4", "date": "2023-01-01", "trim": {"start": 2, "end": 8}, "speed": 2.0}
    ]
    segment = run(make_board(clips)).segments[0]
    assert segment.frames == 3 * FPS
    assert (segment.pictures[0].source_in, segment.pictures[0].source_out) == (2.0, 8.0)


def test_duration_caps_a_video_clip() -> None:
    clips = [{"path": "a_10s.mp4", "date": "2023-01-01", "duration": 1.5}]
    segment = run(make_board(clips)).segments[0]
    assert segment.frames == 45
    assert segment.pictures[0].source_out == pytest.approx(1.5)


def test_short_neighbour_clamps_the_transition_and_warns() -> None:
    clips = [
        {"path": "a_0.4s.mp4", "date": "2023-01-01"},
        {"path": "b_4s.mp4", "date": "2023-01-02"},
    ]
    timeline = run(make_board(clips, transition={"kind": "crossfade", "duration": 1}))
    assert timeline.segments[1].enter.frames == 6  # half of the 12-frame clip
    assert any("shortened" in w for w in timeline.warnings)
    assert timeline.total_frames == 12 + 120 - 6


def test_trim_past_the_end_is_a_located_plan_error() -> None:
    clips = [
        {"path": "a_4s.mp4", "date": "2023-01-01"},
        {"path": "b_8.3s.mp4", "date": "2023-01-02", "trim": {"end": 12}},
    ]
    with pytest.raises(PlanError) as caught:
        run(make_board(clips))
    problem = caught.value.problems[0]
    assert problem.path == "clips[1].trim.end"
    assert "past the clip's length (8.30s)" in problem.message


def test_every_bad_clip_is_reported_at_once() -> None:
    clips = [
        {"path": "a_4s.mp4", "date": "2023-01-01", "trim": {"start": 5}},
        {"path": "b_4s.mp4", "date": "2023-01-02", "trim": {"end": 9}},
    ]
    with pytest.raises(PlanError) as caught:
        run(make_board(clips))
    assert [p.path for p in caught.value.problems] == ["clips[0].trim.start", "clips[1].trim.end"]


def test_photo_uses_its_duration_or_the_style_default() -> None:
    clips = [
        {"path": "p.jpg", "date": "2023-01-01", "duration": 2},
        {"path": "q.jpg", "date": "2023-01-02"},
    ]
    timeline = run(make_board(clips, transition={"kind": "cut"}))
    assert [s.frames for s in timeline.segments] == [60, 75]
    assert all(s.pictures[0].still and s.pictures[0].zoom > 0 for s in timeline.segments)


def test_counter_and_date_stamp_follow_the_dates() -> None:
    board = make_board(
        THREE,
        start_date="2023-01-02",
        overlays={"counter": "Day {day} · Week {week}", "date_stamp": "%d/%m"},
    )
    texts = run(board).texts
    assert [t.text for t in texts if t.kind == "counter"] == [
        "Day 4 · Week 0",
        "Day 28 · Week 4",
        "Day 58 · Week 8",
    ]
    assert [t.text for t in texts if t.kind == "date_stamp"] == ["06/01", "30/01", "01/03"]


def test_counter_starts_at_the_first_clip_without_start_date() -> None:
    texts = run(make_board(THREE, overlays={"counter": "{days} days in, month {month}"})).texts
    assert [t.text for t in texts if t.kind == "counter"] == [
        "0 days in, month 0",
        "24 days in, month 0",
        "54 days in, month 1",
    ]


def test_dates_from_metadata_are_used_when_the_storyboard_has_none() -> None:
    def probe(path: Path) -> MediaInfo:
        info = fake_probe(path)
        day = {"a": 5, "b": 1}[path.stem[0]]
        found = DateFinding(datetime(2023, 1, day, 12), "creation_time")
        return MediaInfo(**{**info.__dict__, "date": found})

    clips = [{"path": "a_1s.mp4"}, {"path": "b_1s.mp4"}]
    timeline = run(make_board(clips), probe)
    assert [s.pictures[0].path.stem for s in timeline.segments] == ["b_1s", "a_1s"]


ZONED = {  # file stem -> what the file says
    "travel": DateFinding(
        datetime(2023, 1, 5, 22, 0, tzinfo=timezone(timedelta(hours=-5))), "quicktime"
    ),
    "home": DateFinding(datetime(2023, 1, 2, 9, 15, tzinfo=timezone(timedelta(hours=1))), "exif"),
    "home2": DateFinding(
        datetime(2023, 1, 3, 9, 0, tzinfo=timezone(timedelta(hours=1))), "quicktime"
    ),
    "pixel": DateFinding(datetime(2023, 1, 5, 23, 15, tzinfo=timezone.utc), "filename"),
}


def zoned_probe(path: Path) -> MediaInfo:
    info = fake_probe(path)
    return MediaInfo(**{**info.__dict__, "date": ZONED[path.stem.split("_")[0]]})


def shown_dates(timeline: Timeline) -> dict[str, str]:
    return {t.text: t.kind for t in timeline.texts if t.kind == "date_stamp"}


@pytest.mark.parametrize("machine_zone", ["UTC", "America/New_York", "Asia/Tokyo"])
def test_found_dates_do_not_depend_on_the_machine_zone(
    machine_zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        clips = [{"path": f"{n}_1s.mp4"} for n in ("pixel", "travel", "home", "home2")]
        board = make_board(clips, overlays={"date_stamp": "%Y-%m-%d %H:%M"})
        stamps = list(shown_dates(run(board, zoned_probe)))
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    # Camera clocks are kept as filmed (the travel clip keeps its own evening); the UTC
    # Pixel name is shown in the offset most clips carry (+01:00): after midnight.
    assert stamps == [
        "2023-01-02 09:15",
        "2023-01-03 09:00",
        "2023-01-05 22:00",
        "2023-01-06 00:15",
    ]


def test_time_zone_places_utc_dates() -> None:
    clips = [{"path": "pixel_1s.mp4"}, {"path": "home_1s.mp4"}]
    overlays = {"date_stamp": "%Y-%m-%d %H:%M"}
    board = make_board(clips, overlays=overlays, time_zone="America/Los_Angeles")
    assert list(shown_dates(run(board, zoned_probe))) == ["2023-01-02 09:15", "2023-01-05 15:15"]


def test_an_unknown_time_zone_is_a_validation_error() -> None:
    with pytest.raises(ValueError, match="not a time zone"):
        make_board([{"path": "a_1s.mp4", "date": "2023-01-01"}], time_zone="Mars/Base")


def test_missing_date_everywhere_is_an_error_on_that_clip() -> None:
    with pytest.raises(PlanError) as caught:
        run(make_board([{"path": "a_1s.mp4"}]))
    assert caught.value.problems[0].path == "clips[0].date"


def test_progress_bar_follows_dates_not_seconds() -> None:
    board = make_board(THREE, overlays={"progress_bar": True})
    timeline = run(board)
    bar = timeline.progress
    assert bar is not None
    middles = [s.start + s.frames // 2 for s in timeline.segments]
    # Jan 6 -> Jan 30 -> Mar 1: 24 of 54 days, though each clip lasts the same time.
    assert [round(bar.fraction_at(m), 3) for m in middles] == [0.0, round(24 / 54, 3), 1.0]
    entering = timeline.segments[1]
    during = [bar.fraction_at(entering.start + i) for i in range(entering.enter.frames + 1)]
    assert during == sorted(during) and during[0] < during[-1]  # it moves with the crossfade


@pytest.mark.parametrize("preset", ["reel", "story", "square", "portrait", "landscape"])
@pytest.mark.parametrize("style", ["", "bold", "minimal"])
def test_every_text_lies_inside_the_safe_zone(preset: str, style: str) -> None:
    presets = (preset, style) if style else (preset,)
    board = make_board(
        THREE,
        presets,
        overlays={
            "counter": "Day {day}",
            "date_stamp": "%b %d, %Y",
            "hashtags": ["#onefootinfrontoftheother"],
            "progress_bar": True,
        },
        title_card={"text": "You cannot walk unless you take one step at a time!"},
        end_card={"text": "#onefootinfrontoftheother"},
        compare={"layout": "side_by_side"},
    )
    timeline = run(board)
    assert timeline.texts
    for text in timeline.texts:
        assert timeline.safe_zone.contains(text.rect), (text.kind, text.rect)
        assert timeline.canvas.rect.contains(text.rect)


def test_texts_on_one_edge_do_not_overlap() -> None:
    board = make_board(
        THREE, overlays={"hashtags": ["#a"], "counter": "Day {day}", "date_stamp": "%b %d"}
    )
    timeline = run(board)
    first = [t for t in timeline.texts if t.start == timeline.segments[0].start]
    caption = next(t for t in first if t.kind == "caption")
    hashtags = next(t for t in timeline.texts if t.kind == "hashtags")
    assert caption.rect.bottom <= hashtags.rect.y


def test_text_that_cannot_fit_names_the_clip() -> None:
    clips = [{"path": "a_1s.mp4", "date": "2023-01-01", "caption": "TOO LONG"}]
    with pytest.raises(MontageError) as caught:
        run(make_board(clips))
    assert caught.value.problems[0].path == "clips[0].caption"


def test_compare_stacks_on_portrait_and_sits_side_by_side_on_landscape() -> None:
    portrait = run(make_board(THREE, compare={"layout": "side_by_side"})).segments[-1]
    top, bottom = (p.box for p in portrait.pictures)
    assert (top.y, top.w) == (0, 1080) and 960 - 8 <= top.bottom < bottom.y <= 960 + 8
    landscape = run(make_board(THREE, ("landscape",), compare={})).segments[-1]
    left, right = (p.box for p in landscape.pictures)
    assert (left.x, left.h) == (0, 1080) and left.right < right.x <= 968
    assert [p.path.name for p in portrait.pictures] == ["a_4s.mp4", "c_4s.mp4"]


def test_compare_by_label_and_wipe() -> None:
    clips = [{**c, "label": c["caption"]} for c in THREE]
    board = make_board(clips, compare={"layout": "wipe", "before": "second", "after": "third"})
    timeline = run(board)
    segment = timeline.segments[-1]
    assert segment.layout == "wipe"
    assert [p.path.name for p in segment.pictures] == ["b_4s.mp4", "c_4s.mp4"]
    labels = [t.text for t in timeline.texts if t.kind == "label"]
    assert labels[0].startswith("second ·") and labels[1].startswith("third ·")


def test_cards_open_and_close_the_montage() -> None:
    board = make_board(
        THREE,
        title_card={"text": "Hello", "duration": 2},
        end_card={"text": "Bye", "duration": "1.5s"},
    )
    timeline = run(board)
    kinds = [s.kind for s in timeline.segments]
    assert kinds == ["title_card", "clip", "clip", "clip", "end_card"]
    assert timeline.segments[0].frames == 60 and timeline.segments[-1].frames == 45
    assert timeline.segments[-1].end == timeline.total_frames


def test_hashtags_only_at_the_end() -> None:
    board = make_board(
        THREE,
        overlays={"hashtags": ["#a"]},
        style={"hashtags_show": "end"},
        end_card={"text": "Bye"},
    )
    timeline = run(board)
    tags = [t for t in timeline.texts if t.kind == "hashtags"]
    assert len(tags) == 1 and tags[0].start == timeline.segments[-1].start


def test_audio_cues_follow_the_picture() -> None:
    clips = [
        {"path": "a_4s.mp4", "date": "2023-01-01"},
        {"path": "b_4s_mute.mp4", "date": "2023-01-02"},
        {"path": "c_4s.mp4", "date": "2023-01-03", "mute": True},
        {"path": "d_4s.mp4", "date": "2023-01-04", "volume": 0.5},
    ]
    board = make_board(
        clips,
        transition={"kind": "cut"},
        audio={"music": {"path": "m.m4a", "duck": True, "fade_out": 2}},
    )
    timeline = run(board)
    clip_cues = [c for c in timeline.audio if c.kind == "clip"]
    assert [c.path.name for c in clip_cues] == ["a_4s.mp4", "d_4s.mp4"]
    assert clip_cues[1].volume == 0.5
    # Cuts fade the sound over 10 ms, not over a frame (33 ms at 30 fps).
    assert all(c.fade_in == c.fade_out == 0 and c.edge_fade == 0.010 for c in clip_cues)
    segments = {s.pictures[0].path.name: s for s in timeline.segments}
    assert clip_cues[1].start == segments["d_4s.mp4"].start
    music = timeline.audio[-1]
    assert (music.kind, music.start, music.frames) == ("music", 0, timeline.total_frames)
    assert music.duck == ((0, 120), (360, 480)) and music.fade_out == 60


def test_transition_fades_stay_in_frames() -> None:
    board = make_board(THREE, transition={"kind": "crossfade", "duration": 0.5})
    first, second, third = (c for c in run(board).audio if c.kind == "clip")
    assert (first.fade_in, first.fade_out, second.fade_in, third.fade_out) == (0, 15, 15, 0)


def offset_probe(path: Path) -> MediaInfo:
    """Clips whose picture ('pic') or sound ('snd') starts 0.08 s after the file does."""
    info = fake_probe(path)
    late = {"pic": (0.08, 0.0), "snd": (0.0, 0.08)}.get(path.stem.split("_")[-1], (0.0, 0.0))
    return dataclasses.replace(info, video_start=late[0], audio_start=late[1])


def test_sound_starts_where_the_picture_does() -> None:
    clips = [
        {"path": "a_4s_pic.mp4", "date": "2023-01-01"},
        {"path": "b_4s_pic.mp4", "date": "2023-01-02", "trim": {"start": 0.5}},
        {"path": "c_4s_snd.mp4", "date": "2023-01-03"},
    ]
    timeline = run(make_board(clips, transition={"kind": "cut"}), offset_probe)
    pictures = [s.pictures[0] for s in timeline.segments]
    cues = [c for c in timeline.audio if c.kind == "clip"]
    # The picture of a late video starts at its first frame; its sound is cut there too.
    assert [p.source_in for p in pictures] == [0.08, 0.5, 0.0]
    assert [c.source_in for c in cues] == [0.08, 0.5, 0.0]
    assert [c.stream_start for c in cues] == [0.0, 0.0, 0.08]  # late sound: silence first


def test_muted_montage_has_no_clip_cues() -> None:
    timeline = run(make_board(THREE, audio={"clips": "mute"}))
    assert timeline.audio == ()


def test_start_date_after_a_metadata_date_is_an_error() -> None:
    board = make_board([{"path": "a_1s.mp4", "date": "2023-01-05"}], start_date="2023-01-01")
    assert run(board).segments  # fine
    late = make_board([{"path": "a_1s.mp4", "date": "2023-01-05"}]).model_copy(
        update={"start_date": datetime(2023, 2, 1)}
    )
    with pytest.raises(PlanError) as caught:
        run(late)
    assert caught.value.problems[0].path == "start_date"


def test_plan_is_json_ready() -> None:
    board = make_board(
        THREE,
        overlays={"progress_bar": True, "hashtags": ["#x"]},
        compare={},
        audio={"music": {"path": "m.m4a"}},
    )
    data = run(board).to_dict()
    text = json.dumps(data)
    assert data["total_frames"] == 3 * 120 + 120 - 3 * 15 and "segments" in text


def test_progress_bar_starts_at_start_date() -> None:
    board = make_board(THREE, start_date="2023-01-02", overlays={"progress_bar": True})
    timeline = run(board)
    bar = timeline.progress
    assert bar is not None
    first = timeline.segments[0]
    assert bar.fraction_at(first.start + first.frames // 2) == pytest.approx(4 / 58)


def test_texts_hand_over_at_the_middle_of_a_transition() -> None:
    board = make_board(
        THREE, overlays={"counter": "Day {day}"}, transition={"kind": "crossfade", "duration": 1}
    )
    timeline = run(board)
    for frame in range(timeline.total_frames):
        visible = [t for t in timeline.texts_at(frame) if t.kind in ("counter", "caption")]
        assert len(visible) <= 2, frame  # one counter and one caption at most
    second = timeline.segments[1]
    counters = [t for t in timeline.texts if t.kind == "counter"]
    assert counters[0].end <= second.start + 15 < counters[1].start + 1
