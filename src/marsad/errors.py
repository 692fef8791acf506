"""marsad's exceptions: one base class, a few precise subclasses, each naming its input."""

from __future__ import annotations


class MarsadError(Exception):
    """Base of every error marsad raises on purpose."""


class InputError(MarsadError):
    """An input (file, URL, record) could not be read or used; the message names it."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class StoreError(MarsadError):
    """The database could not be opened or migrated."""


class NotFoundError(MarsadError):
    """A story, article or storyline id that the store does not hold."""
