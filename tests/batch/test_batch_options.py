"""Operator mistakes caught before planning: a malformed --scheduler, an unwritable --report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from montage.batch import BatchError, BatchReport, write_report
from montage.batch.cluster import address_problem
from montage.batch.report import check_report_path
from tests.batch.conftest import run_cli, storyboard


@pytest.fixture
def never_planned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the batch gets as far as planning."""

    def plan_jobs(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the batch was planned")

    monkeypatch.setattr("montage.batch.run.plan_jobs", plan_jobs)


@pytest.fixture
def board(tmp_path: Path) -> Path:
    path = tmp_path / "a.yaml"
    path.write_text(storyboard("a", "red"))
    return path


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("bogus", "it needs a host and a port"),
        ("tcp://host", "it needs a host and a port"),
        ("tcp://host:port", "it needs a host and a port"),
        ("http://host:8786", "unknown scheme 'http'"),
        ("tcp://host:70000", "port 70000 is not between 1 and 65535"),
    ],
)
@pytest.mark.usefixtures("never_planned")
def test_a_malformed_scheduler_address_fails_before_planning(
    board: Path, address: str, reason: str
) -> None:
    code, output = run_cli("batch", str(board), "--scheduler", address)

    assert code == 1
    assert f"{address!r} is not a Dask scheduler address: {reason}" in output
    assert "tcp://HOST:8786" in output and "Traceback" not in output


@pytest.mark.parametrize(
    "address", ["tcp://10.0.0.5:8786", "host.example:8786", "tls://[::1]:8786", "inproc://x/1/2"]
)
def test_well_formed_scheduler_addresses_pass(address: str) -> None:
    assert address_problem(address) == ""


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        (lambda tmp: tmp, "it is a folder"),
        (lambda tmp: tmp / "a.yaml" / "report.json", "a.yaml is a file, not a folder"),
        (lambda tmp: tmp / "new" / "report.json", ""),
    ],
)
@pytest.mark.usefixtures("never_planned")
def test_an_unwritable_report_path_fails_before_planning(
    board: Path, where: Any, reason: str
) -> None:
    report = where(board.parent)
    if not reason:  # a missing folder is fine: it is created
        with pytest.raises(AssertionError, match="the batch was planned"):
            run_cli("batch", str(board), "--report", str(report))
        return

    code, output = run_cli("batch", str(board), "--report", str(report))

    assert code == 1
    assert f"cannot write the report {report}: " in output and reason in output


def test_a_report_in_a_read_only_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests may run as root, for whom every folder is writable: fake the answer.
    monkeypatch.setattr(os, "access", lambda path, mode: False)

    with pytest.raises(BatchError) as caught:
        check_report_path(tmp_path / "new" / "r.json")

    assert f"the folder {tmp_path} is not writable" in str(caught.value)


def test_a_report_that_cannot_be_written_afterwards_is_a_batch_error(tmp_path: Path) -> None:
    with pytest.raises(BatchError, match="cannot write the report"):
        write_report(BatchReport((), 0.0), tmp_path)


def test_limits_apply_to_every_job_of_a_batch(
    colour_clips: dict[str, Path], tmp_path: Path
) -> None:
    from tests.batch.conftest import copy_clips

    copy_clips(colour_clips, tmp_path)
    (tmp_path / "a.yaml").write_text(storyboard("a", "red"))
    code, output = run_cli("batch", str(tmp_path / "a.yaml"), "--limit", "max_fps=5", "-q")
    assert code == 1, output  # nothing could run
    assert "a.yaml" in output and "over the limit of 5" in output, output
    assert not (tmp_path / "out" / "a.mp4").exists()


def test_a_report_never_overwrites_a_file_it_did_not_write(tmp_path: Path) -> None:
    rows = tmp_path / "rows.json"
    rows.write_text('[{"name": "ana"}]\n')
    with pytest.raises(BatchError, match="not a montage batch report"):
        check_report_path(rows)
    assert rows.read_text() == '[{"name": "ana"}]\n'
    previous = tmp_path / "report.json"
    previous.write_text('{"tool": "montage", "jobs": []}\n')
    check_report_path(previous)  # a report of an earlier run may be replaced
