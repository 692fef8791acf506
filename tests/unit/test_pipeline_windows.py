"""The process pool is fed window by window, with the next window submitted before the current one's
results are handed out (so the workers keep going while the main process writes or clusters)."""

from __future__ import annotations

from marsad import pipeline


class _RecordingPool:
    """Stands in for ProcessPoolExecutor: records what was submitted, and when."""

    def __init__(self) -> None:
        self.submitted: list[list[int]] = []

    def map(self, fn, items, chunksize=1):
        self.submitted.append(list(items))
        return iter([fn(x) for x in self.submitted[-1]])


def test_the_next_window_is_in_flight_before_the_first_result_is_read(monkeypatch):
    monkeypatch.setattr(pipeline, "POOL_WINDOW", 3)
    pool = _RecordingPool()
    results = pipeline._windowed_map(pool, lambda x: x * 10, range(8))
    assert pool.submitted == []  # nothing before the caller asks
    assert next(results) == 0
    assert pool.submitted == [[0, 1, 2], [3, 4, 5]]  # two windows in flight, never more
    assert [next(results), next(results)] == [10, 20]
    assert len(pool.submitted) == 2
    assert next(results) == 30  # the first result of window 2: window 3 goes out
    assert pool.submitted[-1] == [6, 7]
    assert list(results) == [40, 50, 60, 70]
    assert len(pool.submitted) == 3


def test_windows_keep_order_and_lose_nothing(monkeypatch):
    monkeypatch.setattr(pipeline, "POOL_WINDOW", 4)
    for n in (0, 1, 4, 5, 8, 9):
        pool = _RecordingPool()
        assert list(pipeline._windowed_map(pool, str, range(n))) == [str(i) for i in range(n)]
        assert sum(map(len, pool.submitted)) == n
