"""Alert routes of the web app (the Atom feed of alerts); filled in by the watcher's work."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
