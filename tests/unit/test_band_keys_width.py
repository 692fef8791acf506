"""A signature computed now and the same signature read back from a prepared record file under the same
LSH band keys (the store's paragraph re-banding migration computes fresh ones; digests read stored ones)."""

from __future__ import annotations

import json

import pytest

from marsad.dedup.minhash import Signatures, band_keys, signature_keys, signatures
from tests.conftest import saudinewsnet

pytestmark = pytest.mark.unit


def test_fresh_and_stored_signatures_have_the_same_band_keys():
    records = [r for r in saudinewsnet(40) if r.get("content")][:20]
    assert records
    for rec in records:
        fresh = signatures([p for p in rec["content"].split("\n") if p.strip()])
        stored = Signatures.unpack(json.loads(json.dumps(fresh.pack())))
        assert signature_keys(stored) == signature_keys(fresh)
        for (i, a), (j, b) in zip(fresh.paragraphs, stored.paragraphs, strict=True):
            assert i == j and band_keys(a, "para") == band_keys(b, "para")
