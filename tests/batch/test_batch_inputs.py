"""Batch inputs without rendering: templates as data, located row errors, batch files,
colliding outputs, manifests, exit codes, Dask missing, a worker that cannot see a file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from montage.batch import BatchError, BatchOptions, run_batch
from montage.batch.jobs import Job, plan_jobs
from montage.batch.manifest import is_up_to_date, sidecar_path, write_manifest
from montage.batch.sources import discover
from montage.batch.worker import RenderTask, render_job
from montage.options import LoadOptions
from tests.batch.conftest import copy_clips, run_cli, storyboard

TEMPLATE = """\
title: "{{ name }}"
clips:
  - path: clips/{{ colour }}.mp4
    date: 2023-01-01
    caption: "{{ words }}"
    speed: "{{ speed }}"
output: {width: 270, height: 480, fps: 15}
"""


def _template_batch(root: Path, rows_name: str, rows: str, template: str = TEMPLATE) -> Path:
    (root / "t.yaml").write_text(template)
    (root / rows_name).write_text(rows)
    batch = root / "batch.yaml"
    batch.write_text(f"template: t.yaml\nrows: {rows_name}\noutput: out/{{{{ name }}}}.mp4\n")
    return batch


def _plan(batch: Path) -> list[Job]:
    return plan_jobs(discover([batch]), LoadOptions())


@pytest.fixture
def clips_dir(colour_clips: dict[str, Path], tmp_path: Path) -> Path:
    copy_clips(colour_clips, tmp_path)
    return tmp_path


def test_values_are_data_never_yaml(clips_dir: Path) -> None:
    words = "colour: blue\\ntitle: injected\\n- {path: /etc/passwd}"
    rows = f'name,colour,words,speed\nAna,red,"{words}",1.5\n'
    batch = _template_batch(clips_dir, "rows.csv", rows.replace("\\n", "\n"))

    [job] = _plan(batch)

    assert job.problems == ()
    assert job.timeline is not None
    [caption] = [t.text for t in job.timeline.texts if t.kind == "caption"]
    assert caption == words.replace("\\n", "\n")
    pictures = [p.path.name for s in job.timeline.segments for p in s.pictures]
    assert set(pictures) == {"red.mp4"}  # no clip was added by the value
    assert job.output == clips_dir / "out" / "Ana.mp4"


def test_missing_value_is_a_located_row_error(clips_dir: Path) -> None:
    rows = "name,colour,words,speed\nAna,red,hi,1\nBo,green,,1\nCy,blue,yo\n"
    batch = _template_batch(clips_dir, "rows.csv", rows)

    jobs = _plan(batch)

    assert [bool(j.problems) for j in jobs] == [False, True, True]
    bo, cy = jobs[1].problems, jobs[2].problems
    assert str(bo[0]) == (
        f"{clips_dir / 'rows.csv'}:3 (row 2): clips[0].caption: row 2 has no value for "
        "{{ words }} (hint: add a 'words' column or field to the rows and fill it)"
    )
    assert "{{ speed }}" in str(cy[0]) and "(row 3)" in str(cy[0])


def test_yaml_rows_locate_errors_at_the_field(clips_dir: Path) -> None:
    rows = "- {name: Ana, colour: red, words: hi, speed: 2}\n- name: Bo\n  colour: nope\n"
    rows += "  words: hi\n  speed: 20\n"
    batch = _template_batch(clips_dir, "rows.yaml", rows)

    ana, bo = _plan(batch)

    assert ana.problems == () and ana.timeline is not None
    messages = {p.path: str(p) for p in bo.problems}
    assert messages["clips[0].path"].startswith(f"{clips_dir / 'rows.yaml'}:3:11 (row 2): ")
    assert messages["clips[0].speed"].startswith(f"{clips_dir / 'rows.yaml'}:5:10 (row 2): ")


def test_json_rows_keep_types_and_lines(clips_dir: Path) -> None:
    rows = '[\n  {"name": "Ana", "colour": "red", "words": "hi", "speed": 2},\n'
    rows += '  {"name": "Bo", "colour": "red", "words": "x", "speed": 99}\n]\n'
    batch = _template_batch(clips_dir, "rows.json", rows)

    ana, bo = _plan(batch)

    assert ana.timeline is not None and ana.timeline.total_frames == 8  # 1 s at speed 2
    assert str(bo.problems[0]).startswith(f"{clips_dir / 'rows.json'}:3:")


def test_colliding_outputs_stop_the_batch_before_rendering(clips_dir: Path) -> None:
    rows = "name,colour,words,speed\nAna,red,a,1\nBo,red,b,1\nAna,green,c,1\n"
    batch = _template_batch(clips_dir, "rows.csv", rows)

    code, output = run_cli("batch", str(batch))

    assert code == 1
    assert "(row 3)" in output and "would both write" in output
    assert not (clips_dir / "out").exists()


@pytest.mark.parametrize("name", ["../escape", "a/b", "..", "line\\nbreak"])
def test_row_values_cannot_steer_the_output_path(clips_dir: Path, name: str) -> None:
    quoted = '"' + name.replace("\\n", "\n") + '"'
    batch = _template_batch(clips_dir, "rows.csv", f"name,colour,words,speed\n{quoted},red,a,1\n")

    [job] = _plan(batch)

    assert job.output is None
    assert job.problems[0].path == "output"
    assert "cannot be part of a file name" in job.problems[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("template: t.yaml\nrows: r.csv\noutptu: x.mp4\n", "unknown key 'outptu'"),
        ("template: t.yaml\nrows: r.csv\n", "a template batch needs `output`"),
        ("template: t.yaml\nrows: r.txt\noutput: o/{{ name }}.mp4\n", "rows must be a .csv"),
        ("template: t.yaml\nrows: r.csv\noutput: o/{{ name }}.gif\n", "is not an .mp4 file"),
        ("template: nope.yaml\nrows: r.csv\noutput: o/{{ name }}.mp4\n", "'nope.yaml' not found"),
        ("storyboards: [missing.yaml]\n", "missing.yaml not found"),
    ],
)
def test_a_broken_batch_file_is_a_located_batch_error(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    (tmp_path / "r.csv").write_text("name,colour,words,speed\nA,red,a,1\n")
    (tmp_path / "batch.yaml").write_text(text)

    with pytest.raises(BatchError) as caught:
        discover([tmp_path / "batch.yaml"])

    assert expected in str(caught.value)


def test_incomplete_placeholders_and_bad_csv_rows(tmp_path: Path) -> None:
    broken = TEMPLATE.replace('"{{ words }}"', '"{{ words }"')
    batch = _template_batch(tmp_path, "rows.csv", "name,colour,words,speed\nA,red,a,1\n", broken)
    with pytest.raises(BatchError, match="incomplete placeholder"):
        discover([batch])

    batch = _template_batch(tmp_path, "rows.csv", "name,colour,words,speed\nA,red,a,1,extra\n")
    [source] = discover([batch])
    assert source.row is not None and "5 cells" in source.row.problems[0].message


def test_nothing_valid_exits_1_and_reports_json(clips_dir: Path) -> None:
    (clips_dir / "a.yaml").write_text(storyboard("a", "missing"))
    (clips_dir / "b.yaml").write_text("clips: [\n")

    code, output = run_cli("batch", str(clips_dir), "--json")

    assert code == 1
    data = json.loads(output)
    assert [j["status"] for j in data["jobs"]] == ["failed", "failed"]
    assert data["jobs"][1]["problems"][0]["line"] == 2


def test_fail_fast_renders_nothing_after_an_invalid_job(clips_dir: Path) -> None:
    (clips_dir / "a.yaml").write_text(storyboard("a", "missing"))
    (clips_dir / "b.yaml").write_text(storyboard("b", "red"))

    report = run_batch([clips_dir], BatchOptions(fail_fast=True))

    assert [j.status for j in report.jobs] == ["failed", "cancelled"]
    assert not (clips_dir / "out").exists()


def test_manifest_tracks_plan_inputs_version_and_output(
    clips_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clips_dir / "a.yaml").write_text(storyboard("a", "red"))
    [job] = plan_jobs(discover([clips_dir / "a.yaml"]), LoadOptions())
    assert job.output is not None and job.stamp is not None
    assert not is_up_to_date(job.output, job.stamp)  # no output yet
    job.output.parent.mkdir()
    job.output.write_bytes(b"pretend mp4")
    write_manifest(job.output, job.stamp, job.name)
    assert is_up_to_date(job.output, job.stamp)
    assert sidecar_path(job.output).name == ".a.mp4.montage.json"

    [other] = plan_jobs(discover([clips_dir / "a.yaml"]), LoadOptions(("output.crf=30",)))
    assert other.stamp is not None and not is_up_to_date(job.output, other.stamp)
    monkeypatch.setattr("montage.batch.manifest.__version__", "9.9.9")
    assert not is_up_to_date(job.output, job.stamp)
    monkeypatch.undo()
    job.output.write_bytes(b"replaced by someone else")
    assert not is_up_to_date(job.output, job.stamp)


class _Silent:
    def send(self, message: tuple[Any, ...]) -> None:
        pass

    def stopping(self) -> bool:
        return False

    def threads(self, planned: int | None) -> int | None:
        return planned


def test_a_worker_that_cannot_see_an_input_says_so(clips_dir: Path) -> None:
    (clips_dir / "a.yaml").write_text(storyboard("a", "red"))
    [job] = plan_jobs(discover([clips_dir / "a.yaml"]), LoadOptions())
    assert job.timeline is not None and job.output is not None
    (clips_dir / "clips" / "red.mp4").unlink()

    outcome = render_job(RenderTask(0, job.timeline, job.output), _Silent())

    assert outcome.status == "failed"
    assert "red.mp4 is not visible on worker" in outcome.problems[0].message
    assert "every worker mounts" in outcome.problems[0].hint
    assert not job.output.exists()


def test_scheduler_without_dask_installed_names_the_pip_command(
    clips_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clips_dir / "a.yaml").write_text(storyboard("a", "red"))
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if missing

    code, output = run_cli("batch", str(clips_dir), "--scheduler", "tcp://127.0.0.1:9")

    assert code == 1
    assert "pip install 'montage-assembler[dask]'" in output
