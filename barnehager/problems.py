"""What an import says about a refused file: the first problems, and how many there were.

A file of 100,000 bad rows must not become a page of 100,000 lines, so every importer
reports through this list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MAX_LISTED = 100


@dataclass(frozen=True)
class ProblemList:
    shown: tuple[Any, ...]
    total: int

    @classmethod
    def of(cls, problems: Sequence[Any]) -> ProblemList:
        return cls(tuple(problems[:MAX_LISTED]), len(problems))

    @property
    def hidden(self) -> int:
        return self.total - len(self.shown)

    def __bool__(self) -> bool:
        return self.total > 0


class ImportFailed(Exception):
    """A file was refused as a whole; `errors` are "Line N: reason" sentences (the first
    of them, with their total). Both importers (people, observations) raise it."""

    def __init__(self, errors: list[str]):
        self.errors = ProblemList.of(errors)
        super().__init__("\n".join(self.errors.shown))
