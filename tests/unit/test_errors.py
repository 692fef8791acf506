"""Errors cross process boundaries: a worker that raises one must not break the pool."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor

import pytest

from marsad.errors import InputError

pytestmark = pytest.mark.unit


def _raise(source: str) -> None:
    raise InputError(source, "binary file (not text or HTML)")


def test_input_error_survives_pickling():
    err = pickle.loads(pickle.dumps(InputError("pages/x.html", "empty page")))
    assert (err.source, err.problem, str(err)) == ("pages/x.html", "empty page", "pages/x.html: empty page")


def test_input_error_raised_in_a_worker_reaches_the_caller():
    with ProcessPoolExecutor(max_workers=1) as pool:
        with pytest.raises(InputError) as info:
            pool.submit(_raise, "pages/bad.bin").result()
    assert info.value.source == "pages/bad.bin"
