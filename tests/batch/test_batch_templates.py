"""Template mistakes, without rendering: a template scanned as a storyboard, row paths
and the folder they are relative to, an unquoted placeholder."""

from __future__ import annotations

from pathlib import Path

import pytest

from montage.batch import BatchError
from montage.batch.jobs import Job, plan_jobs
from montage.batch.sources import discover
from montage.options import LoadOptions
from tests.batch.conftest import copy_clips, storyboard

TEMPLATE = """\
clips:
  - path: PATH
    date: 2023-01-01
    caption: "Well done {{ name }}!"
output: {width: 270, height: 480, fps: 15}
"""
QUOTED = "unquoted, YAML reads {{ }} as a mapping"
BATCH = "template: TEMPLATE\nrows: ROWS\noutput: out/{{ name }}.mp4\n"


def _write(folder: Path, template: str, path: str, rows: str, rows_name: str = "rows.csv") -> Path:
    """`folder/batch.yaml` naming `template` (with `path` as its clip) and `rows`."""
    (folder / template).parent.mkdir(parents=True, exist_ok=True)
    (folder / template).write_text(TEMPLATE.replace("PATH", path))
    (folder / rows_name).write_text(rows)
    batch = folder / "batch.yaml"
    batch.write_text(BATCH.replace("TEMPLATE", template).replace("ROWS", rows_name))
    return batch


def _plan(*paths: Path, options: LoadOptions | None = None) -> list[Job]:
    return plan_jobs(discover(list(paths)), options or LoadOptions())


@pytest.fixture
def folder(colour_clips: dict[str, Path], tmp_path: Path) -> Path:
    copy_clips(colour_clips, tmp_path)
    return tmp_path


# --- a template is not a job of its own ----------------------------------------------


@pytest.mark.parametrize(
    ("rows_name", "rows"),
    [("rows.csv", "name\nAna\nBo\n"), ("rows.yaml", "- {name: Ana}\n- {name: Bo}\n")],
)
def test_a_folder_scan_skips_the_template_and_rows_a_batch_file_names(
    folder: Path, rows_name: str, rows: str
) -> None:
    _write(folder, "template.yaml", "clips/red.mp4", rows, rows_name)

    jobs = _plan(folder)

    assert [job.name for job in jobs] == [f"{folder / rows_name} row {n}" for n in (1, 2)]
    assert all(job.problems == () for job in jobs)


def test_the_template_named_on_the_command_line_too_is_not_a_job(folder: Path) -> None:
    batch = _write(folder, "template.yaml", "clips/red.mp4", "name\nAna\n")

    jobs = _plan(folder / "template.yaml", batch)

    assert [job.row for job in jobs] == [1]


def test_a_storyboard_with_placeholders_is_refused_as_a_template(folder: Path) -> None:
    (folder / "plain.yaml").write_text(storyboard("plain", "red"))
    (folder / "looks.yaml").write_text(TEMPLATE.replace("PATH", "clips/red.mp4"))

    looks, plain = _plan(folder)

    assert plain.problems == () and plain.timeline is not None
    [problem] = looks.problems
    assert str(problem.location) == f"{folder / 'looks.yaml'}:4:14"
    assert problem.path == "clips[0].caption"
    assert problem.message.startswith("this looks like a template: 'Well done {{ name }}!'")
    assert "list it as `template:` in a batch file" in problem.hint


def test_an_unquoted_placeholder_in_a_storyboard_is_refused_as_a_template(folder: Path) -> None:
    (folder / "looks.yaml").write_text(TEMPLATE.replace("PATH", "{{ clip }}"))

    [job] = _plan(folder / "looks.yaml")

    [problem] = job.problems
    assert str(problem) == (
        f"{folder / 'looks.yaml'}:2:11: clips[0].path: this looks like a template: "
        "{{ clip }} is a placeholder (hint: list it as `template:` in a batch file, with "
        '`rows:` to fill it, and write "{{ clip }}" in quotes: unquoted, YAML reads {{ }} '
        "as a mapping)"
    )


# --- which folder row paths are relative to ------------------------------------------


def test_row_paths_are_relative_to_the_batch_file(folder: Path) -> None:
    # The README's layout: templates/ beside the clips folder and the batch file.
    rows = "name,clip\nAna,clips/red.mp4\nBo,clips/nope.mp4\nCy,../../elsewhere.mp4\n"
    _write(folder, "templates/progress.yaml", '"{{ clip }}"', rows)

    ana, bo, cy = _plan(folder / "batch.yaml")

    assert ana.problems == () and ana.timeline is not None
    assert ana.timeline.segments[0].pictures[0].path == folder / "clips" / "red.mp4"
    [missing] = bo.problems
    assert str(missing.location) == f"{folder / 'rows.csv'}:3 (row 2)"
    assert missing.message == f"'clips/nope.mp4' not found (looked in {folder / 'clips'})"
    assert missing.hint.startswith(
        f"a path from a row is relative to the batch file's folder, {folder}"
    )
    [outside] = cy.problems
    assert outside.message.startswith("'../../elsewhere.mp4' is outside the storyboard folder")
    assert "batch file's folder" in outside.hint


def test_paths_written_in_the_template_stay_relative_to_it(folder: Path) -> None:
    copy_clips({"red": folder / "clips" / "red.mp4"}, folder / "templates")
    rows = "name,colour\nAna,red\nBo,green\n"
    _write(folder, "templates/progress.yaml", "clips/{{ colour }}.mp4", rows)

    ana, bo = _plan(folder / "batch.yaml")

    assert ana.timeline is not None
    assert ana.timeline.segments[0].pictures[0].path == folder / "templates/clips/red.mp4"
    [missing] = bo.problems
    assert f"(looked in {folder / 'templates' / 'clips'})" in missing.message
    assert missing.hint.startswith(
        f"a path written in the template is relative to the template's folder, {folder}"
    )


def test_allow_outside_still_widens_row_paths(
    folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tmp_path_factory.mktemp("other")
    copy_clips({"blue": folder / "clips" / "blue.mp4"}, other)
    _write(folder, "t.yaml", '"{{ clip }}"', f"name,clip\nAna,{other / 'clips' / 'blue.mp4'}\n")

    [refused] = _plan(folder / "batch.yaml")
    [allowed] = _plan(folder / "batch.yaml", options=LoadOptions(allow_outside=(other,)))

    assert "outside the storyboard folder" in refused.problems[0].message
    assert allowed.problems == ()


# --- an unquoted placeholder in a template --------------------------------------------


@pytest.mark.parametrize(
    ("path", "column", "shown"),
    [("{{ clip }}", 11, "{{ clip }}"), ("{{clip}}.mp4", 11, "{{clip}}.mp4")],
)
def test_an_unquoted_placeholder_says_to_quote_it(
    tmp_path: Path, path: str, column: int, shown: str
) -> None:
    batch = _write(tmp_path, "t.yaml", path, "name,clip\nAna,a.mp4\n")

    with pytest.raises(BatchError) as caught:
        discover([batch])

    [problem] = caught.value.problems
    assert str(problem.location) == f"{tmp_path / 't.yaml'}:2:{column}"
    assert problem.message == f'write "{shown}" in quotes: {QUOTED}'


def test_other_problems_of_a_template_with_an_unquoted_placeholder_are_kept(
    tmp_path: Path,
) -> None:
    batch = _write(tmp_path, "t.yaml", "{{ clip }}\n    path: again", "name,clip\nAna,a.mp4\n")

    with pytest.raises(BatchError) as caught:
        discover([batch])

    quote, duplicate = caught.value.problems
    assert quote.message.startswith('write "{{ clip }}" in quotes')
    assert duplicate.message == "duplicate key 'path'" and duplicate.location is not None
    assert duplicate.location.line == 3


def test_a_quoted_placeholder_on_a_broken_line_is_not_blamed(tmp_path: Path) -> None:
    batch = _write(tmp_path, "t.yaml", '"a: {{ clip }}" x', "name,clip\nAna,a.mp4\n")

    with pytest.raises(BatchError) as caught:
        discover([batch])

    assert "YAML syntax" in str(caught.value) and "in quotes" not in str(caught.value)
