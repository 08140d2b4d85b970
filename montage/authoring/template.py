"""The text `montage init` writes: a commented storyboard and one entry per clip.

Written as text, not dumped from data, so that the comments (where each date came from,
placeholders for captions and optional sections) sit exactly where a reader needs them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import datetime, time, tzinfo
from pathlib import Path

from ruamel.yaml import YAML

from montage.authoring.scan import ScannedClip, source_label
from montage.zones import LOCAL_OFFSET_SOURCES, describe_zone, format_offset

COMMENT_COLUMN = 28  # where the date comments start, so they line up

HEADER = """\
# Storyboard for {folder}, written by `montage init`.
# Clips are listed by date; the montage runs by date whatever the order here.
# Check any date marked GUESS and write the captions. Then:
#   montage validate {name}   shows each clip's date and where it came from
#   montage preview {name}    a contact sheet (--fast: a quick low-res video)
#   montage render {name}
# After adding clips, run `montage init` again: it adds only the new ones.
version: 1
title: {title}
preset: {preset}
start_date: {start}      # suggested: the first clip's day. Day 0 of the counter:
                            # move it to the day your story starts (the injury, day 1...)

clips:
"""

FOOTER = """
overlays:
  counter: "Day {{day}}"       # or "Week {{week}}", "{{days}} days in", "Month {{month}}"
  date_stamp: "%b %d, %Y"
  # hashtags: ["#progress"]
  progress_bar: true         # fills up with the dates, not the seconds
transition: {{kind: crossfade, duration: 0.5}}   # cut, crossfade, fade_black, slide

# title_card: {{text: "Where it started", duration: 2.5}}
# end_card: {{text: "#progress", duration: 2}}
# compare: {{layout: side_by_side, before: first, after: last, duration: 3}}
# audio:
#   music: {{path: music.m4a, volume: 0.4, fade_in: 1, fade_out: 2, duck: true}}

output:
  path: {output}
"""


def storyboard_text(
    clips: Sequence[ScannedClip],
    base: Path,
    *,
    title: str,
    preset: str,
    zone: tzinfo | None,
    output: str,
    name: str,
) -> str:
    """A whole new storyboard for `clips` (oldest first), paths relative to `base`."""
    header = HEADER.format(
        folder=base.name or str(base),
        name=yaml_scalar(name),
        title=yaml_scalar(title),
        preset=yaml_scalar(preset),
        start=f"{clips[0].date:%Y-%m-%d}",
    )
    return header + entries_text(clips, base, zone) + FOOTER.format(output=yaml_scalar(output))


def entries_text(clips: Sequence[ScannedClip], base: Path, zone: tzinfo | None) -> str:
    """Sequence items for `clips` under `clips:`, each with its date's source and a
    commented caption placeholder."""
    return "".join(entry_text(clip, base, zone) for clip in clips)


def entry_text(clip: ScannedClip, base: Path, zone: tzinfo | None) -> str:
    """One clip entry: path, date with a comment naming its source, caption placeholder."""
    date = f"    date: {format_when(clip.date)}"
    pad = " " * max(2, COMMENT_COLUMN - len(date))
    return (
        f"  - path: {yaml_scalar(written_path(clip.path, base))}\n"
        f"{date}{pad}# {date_comment(clip, zone)}\n"
        '    # caption: ""\n'
    )


def written_path(path: Path, base: Path) -> str:
    """`path` as a storyboard writes it: relative to `base` with `/`, else absolute."""
    try:
        return path.absolute().relative_to(base.absolute()).as_posix()
    except ValueError:
        return str(path.absolute())


def format_when(value: datetime) -> str:
    """`YYYY-MM-DD HH:MM`, or just the day when no time of day is known (midnight)."""
    if value.time() == time():
        return f"{value:%Y-%m-%d}"
    return f"{value:%Y-%m-%d %H:%M}"


def date_comment(clip: ScannedClip, zone: tzinfo | None) -> str:
    """Where the date came from, and how it was moved into local time."""
    finding = clip.finding
    if finding.guess:
        return "GUESS: the file's modified time, not when it was filmed; check it"
    label = source_label(finding.source)
    offset = finding.value.utcoffset()
    if offset is None:
        return label  # local wall-clock time as the camera or the name wrote it
    utc = "UTC" + (format_offset(offset) if offset else "")
    if finding.source in LOCAL_OFFSET_SOURCES:
        return f"{label}, {utc} where it was filmed"
    where = describe_zone(zone)
    if clip.date == finding.value.replace(tzinfo=None):
        return f"{label}, {where}"
    return f"{label} {finding.value:%Y-%m-%d %H:%M} {utc}, shown in {where}"


def yaml_scalar(text: str) -> str:
    """`text` as a one-line YAML scalar, quoted only when YAML needs it."""
    yaml = YAML()
    yaml.width = 1 << 16
    buffer = io.StringIO()
    yaml.dump([text], buffer)
    dumped = buffer.getvalue()
    if dumped.startswith("- ") and dumped.count("\n") == 1:
        return dumped[2:-1]
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar
