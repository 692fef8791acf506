"""The embedded SQLite store."""

from marsad.store.db import Store

__all__ = ["Store"]
