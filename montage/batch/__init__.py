"""Batch rendering: many storyboards, or one template times many rows, in parallel.

    from montage.batch import BatchOptions, run_batch
    report = run_batch([Path("batch.yaml")], BatchOptions(jobs=2))
    report.count("failed"), report.to_dict()

Modules: `sources` (what to render: files, folders, batch files), `rows` and `template`
(template batches), `jobs` (plan everything up front), `manifest` (skip up-to-date
outputs), `worker` (what runs in a worker), `backends` and `cluster` (the executor
seam: a local process pool or Dask), `schedule` (longest first, failure isolation,
stopping), `report`, and `run` (the whole batch).
"""

from montage.batch.backends import Backend, ProcessBackend
from montage.batch.report import BatchReport, JobReport, write_report
from montage.batch.rows import BatchError, RowLocation
from montage.batch.run import BatchOptions, Observer, run_batch

__all__ = [
    "Backend",
    "BatchError",
    "BatchOptions",
    "BatchReport",
    "JobReport",
    "Observer",
    "ProcessBackend",
    "RowLocation",
    "run_batch",
    "write_report",
]
