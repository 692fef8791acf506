"""POST stored alerts to a webhook, with retries; an alert is marked delivered only on a 2xx answer.

Each alert is one JSON object (`Alert.as_dict`) with an ``X-Marsad-Alert-Id`` header, so a
receiver can drop the rare repeat (a 2xx whose answer was lost on the way back is sent again).
Within a delivery pass an alert is tried ``1 + retries`` times with exponential backoff and
jitter; if it still fails, the pass stops (the receiver is down: the other alerts would fail the
same way) and later rounds try again.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import httpx

from marsad.store.watch import WatchStore
from marsad.watch.config import WebhookSettings

BACKOFF = 1.0
LATER = 300.0  # seconds before a later round tries an alert whose retries ran out


def deliver(wstore: WatchStore, settings: WebhookSettings, clock: Any, log: Any = None,
            client: httpx.Client | None = None, rng: random.Random | None = None) -> int:
    """Deliver the alerts due; returns how many were delivered."""
    rng = rng or random.Random()
    own = client is None
    client = client or httpx.Client(timeout=settings.timeout)
    delivered = 0
    try:
        for alert in wstore.undelivered(clock.now()):
            headers = {"Content-Type": "application/json", "X-Marsad-Alert-Id": str(alert.id), **dict(settings.headers)}
            error = ""
            for attempt in range(settings.retries + 1):
                try:
                    resp = client.post(settings.url, json=alert.as_dict(), headers=headers, timeout=settings.timeout)
                    if 200 <= resp.status_code < 300:
                        wstore.delivered(alert.id, clock.now())
                        delivered += 1
                        if log is not None:
                            log.event("webhook-delivered", alert=alert.id, attempts=attempt + 1)
                        error = ""
                        break
                    error = f"HTTP {resp.status_code}"
                except httpx.HTTPError as exc:
                    error = f"{type(exc).__name__}: {exc}"[:300]
                if attempt < settings.retries:
                    wait = BACKOFF * 2 ** attempt
                    wait += rng.uniform(0, wait)
                    if log is not None:
                        log.event("webhook-retry", alert=alert.id, attempt=attempt + 1, error=error, wait=round(wait, 2))
                    clock.sleep(wait)
            if error:
                wstore.delivery_failed(alert.id, error, clock.now() + timedelta(seconds=LATER))
                if log is not None:
                    log.event("webhook-failed", alert=alert.id, error=error, retry_in=LATER)
                break
    finally:
        if own:
            client.close()
    return delivered
