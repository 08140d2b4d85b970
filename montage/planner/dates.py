"""Clip dates and the day/week/month counter."""

from __future__ import annotations

from datetime import datetime


def counter_values(start: datetime, when: datetime) -> dict[str, int]:
    """Values for the counter placeholders: {day}, {days}, {week}, {month}."""
    day = (when.date() - start.date()).days
    months = (when.year - start.year) * 12 + when.month - start.month
    if when.day < start.day:
        months -= 1
    return {"day": day, "days": day, "week": day // 7, "month": max(months, 0)}


def format_counter(template: str, start: datetime, when: datetime) -> str:
    """Fill a counter template such as 'Day {day}' for the clip dated `when`."""
    return template.format(**counter_values(start, when))


def progress_fraction(start: datetime, end: datetime, when: datetime) -> float:
    """How far `when` lies between the first and last date, in [0, 1]."""
    span = (end - start).total_seconds()
    if span <= 0:
        return 1.0
    return min(max((when - start).total_seconds() / span, 0.0), 1.0)
