"""Errors raised by library code. Only the CLI prints them and picks exit codes.

Every error carries one or more `Problem`s, each saying where (file:line:col and
the field path), what is wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """A place in a source file; line and column are 1-based, 0 means unknown."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.file}:{self.line}:{self.column}"
        if self.line:
            return f"{self.file}:{self.line}"
        return self.file


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where, which field, what, and how to fix it."""

    message: str
    location: Location | None = None
    path: str = ""
    hint: str = ""

    def __str__(self) -> str:
        parts = [str(self.location)] if self.location else []
        if self.path:
            parts.append(self.path)
        parts.append(self.message)
        text = ": ".join(parts)
        return f"{text} (hint: {self.hint})" if self.hint else text

    def to_dict(self) -> dict[str, object]:
        """Machine-readable form for `--json` output and batch reports."""
        loc = self.location
        return {
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "path": self.path,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class MontageError(Exception):
    """Base of every error montage raises on purpose."""

    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def single(
        cls,
        message: str,
        *,
        location: Location | None = None,
        path: str = "",
        hint: str = "",
    ) -> MontageError:
        """Build an error carrying a single problem."""
        return cls([Problem(message, location, path, hint)])

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems) or type(self).__name__


class StoryboardError(MontageError):
    """The storyboard (or a preset, or a batch file) is invalid."""


class MediaError(MontageError):
    """A source clip cannot be read or is not what it claims to be."""


class PlanError(MontageError):
    """The storyboard is valid but cannot be laid out (text too long, trim past the end)."""


class RenderError(MontageError):
    """Decoding, compositing or encoding failed."""


class SecurityError(MontageError):
    """The input asked for something montage refuses to do (a path outside the root, a URL)."""
