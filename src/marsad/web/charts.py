"""Geometry of the server-rendered SVG charts (the templates draw them; every label is escaped there).

Time runs right to left, like the text around it.  Days without a date are left
out of a chart and counted apart (``undated``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

MAX_DAYS = 120  # longer spans are drawn per month


def _series(points: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], int, str]:
    """Continuous days (or months, for long spans) with zero where nothing happened; undated total; unit."""
    dated: dict[dt.date, int] = {}
    undated = 0
    for day, n in points:
        try:
            d = dt.date.fromisoformat(day[:10]) if len(day) >= 10 else None
        except ValueError:
            d = None
        if d is None:
            undated += n
        else:
            dated[d] = dated.get(d, 0) + n
    if not dated:
        return [], undated, "day"
    lo, hi = min(dated), max(dated)
    if (hi - lo).days < MAX_DAYS:
        out = [((lo + dt.timedelta(days=k)).isoformat(), dated.get(lo + dt.timedelta(days=k), 0))
               for k in range((hi - lo).days + 1)]
        return out, undated, "day"
    months: dict[str, int] = {}
    for d, n in dated.items():
        months[d.isoformat()[:7]] = months.get(d.isoformat()[:7], 0) + n
    keys, (y, m) = [], (lo.year, lo.month)
    while (y, m) <= (hi.year, hi.month):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return [(k, months.get(k, 0)) for k in keys], undated, "month"


def bars(points: list[tuple[str, int]], width: int = 720, height: int = 140) -> dict[str, Any] | None:
    """A bar per day (or month): ``{"bars": [{x, y, w, h, label, value}], "ticks": [...], ...}``."""
    series, undated, unit = _series(points)
    if not series:
        return {"bars": [], "ticks": [], "width": width, "height": height, "undated": undated, "unit": unit,
                "max": 0} if undated else None
    top = max(n for _, n in series) or 1
    pad_x, pad_top, pad_bottom = 10, 14, 22
    slot = (width - 2 * pad_x) / len(series)
    out, ticks = [], []
    every = max(1, math.ceil(len(series) / 8))
    for k, (label, n) in enumerate(series):
        x = width - pad_x - (k + 1) * slot  # oldest on the right
        h = (height - pad_top - pad_bottom) * n / top
        out.append({"x": round(x + slot * 0.1, 1), "y": round(height - pad_bottom - h, 1), "w": round(max(1.0, slot * 0.8), 1),
                    "h": round(h, 1), "label": label, "value": n})
        if k % every == 0:
            ticks.append({"x": round(x + slot / 2, 1), "label": label[5:] if unit == "day" else label})
    return {"bars": out, "ticks": ticks, "width": width, "height": height, "undated": undated, "unit": unit,
            "max": top, "baseline": height - pad_bottom}


def dots(cells: list[dict[str, Any]], width: int = 720) -> dict[str, Any] | None:
    """Articles per outlet (rows) and day (columns): ``cells`` are ``{"outlet", "day", "articles"}``."""
    outlets: list[str] = []
    for c in sorted(cells, key=lambda c: c["outlet"]):
        if c["outlet"] not in outlets:
            outlets.append(c["outlet"])
    series, undated, _unit = _series([(c["day"], c["articles"]) for c in cells])
    if not series or not outlets or len(series) > MAX_DAYS:
        return None
    days = [d for d, _ in series]
    label_w, row_h, pad = 170, 26, 12
    slot = (width - label_w - 2 * pad) / len(days)
    top = max(c["articles"] for c in cells) or 1
    rows = []
    for i, o in enumerate(outlets):
        y = pad + i * row_h + row_h / 2
        circles = []
        for c in cells:
            if c["outlet"] == o and c["day"] in days:
                k = days.index(c["day"])
                x = width - label_w - pad - (k + 0.5) * slot
                circles.append({"x": round(x, 1), "y": round(y, 1), "r": round(3 + 7 * math.sqrt(c["articles"] / top), 1),
                                "day": c["day"], "value": c["articles"]})
        rows.append({"outlet": o, "y": round(y + 4, 1), "label_x": width - pad, "circles": circles})
    every = max(1, math.ceil(len(days) / 8))
    height = pad * 2 + len(outlets) * row_h + 18
    ticks = [{"x": round(width - label_w - pad - (k + 0.5) * slot, 1), "label": d[5:]}
             for k, d in enumerate(days) if k % every == 0]
    return {"rows": rows, "ticks": ticks, "width": width, "height": height, "tick_y": height - 6,
            "undated": undated, "grid_right": width - label_w}
