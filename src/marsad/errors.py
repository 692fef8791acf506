"""marsad's exceptions: one base class, a few precise subclasses, each naming its input."""

from __future__ import annotations

from marsad.textsafe import safe_name


class MarsadError(Exception):
    """Base of every error marsad raises on purpose."""


class InputError(MarsadError):
    """An input (file, URL, record) could not be read or used; the message names it.

    ``source`` is made storable (undecodable file-name bytes and lone surrogates
    become visible escapes); printing it safely on a terminal is the caller's
    job (`marsad.textsafe.one_line`).
    """

    def __init__(self, source: str, problem: str) -> None:
        source, problem = safe_name(source), safe_name(problem)
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem

    def __reduce__(self):  # a worker process raises it: rebuild it from both arguments, not the message
        return (type(self), (self.source, self.problem))


class StoreError(MarsadError):
    """The database could not be opened, migrated or written (disk full, read-only, locked, damaged)."""


class NotFoundError(MarsadError):
    """A story, article or storyline id that the store does not hold."""
