"""Split backfill inputs into tasks, and read one task's pages.

A task is a piece of one input that an executor reads on its own:

* a WARC (or per-record gzipped WARC.gz) is cut at record boundaries into byte ranges of about
  ``split_bytes`` (the record offsets come from one sequential scan of its headers);
* a JSON-lines file is cut at line boundaries into byte ranges of about ``split_bytes``;
* other files (text dumps, HTML, feeds, JSON arrays, WARCs that are one gzip stream) are grouped,
  whole, into tasks of about ``split_bytes``.

Each task remembers the number of its first record or line, so the pages it yields carry the same
``source`` (``path#n``) and content hash as when `marsad digest` reads the whole file, and the
records of every task, taken in plan order, are the pages `digest` would ingest, in its order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

from marsad.errors import InputError
from marsad.model import Page
from marsad.sources.files import _read_jsonl, _read_warc, _suffix, cap_record_errors, discover, read_path
from marsad.textsafe import safe_name

TaskKind = Literal["warc", "jsonl", "files"]
SPLIT_BYTES = 64 << 20
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Task:
    """One unit of work: a byte range of a WARC or JSON-lines file, or a group of whole files."""

    no: int  # position in the plan: records of task k come before those of task k + 1
    kind: TaskKind
    paths: tuple[str, ...]
    start: int = 0  # byte range [start, end) of paths[0] (warc, jsonl)
    end: int = 0
    first: int = 1  # number of the first record (warc) or line (jsonl) in the range

    @property
    def id(self) -> str:
        return f"{self.no:06d}"

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> Task:
        return cls(d["no"], d["kind"], tuple(d["paths"]), d["start"], d["end"], d["first"])


def plan(paths: Iterable[str], split_bytes: int = SPLIT_BYTES) -> tuple[list[Task], list[InputError]]:
    """Tasks covering every readable input (in `digest`'s order), and the inputs that cannot be read."""
    tasks: list[Task] = []
    errors: list[InputError] = []
    group: list[str] = []
    group_bytes = 0

    def close_group() -> None:
        nonlocal group, group_bytes
        if group:
            tasks.append(Task(len(tasks), "files", tuple(group)))
        group, group_bytes = [], 0

    for entry in discover(paths):
        if isinstance(entry, InputError):
            errors.append(entry)
            continue
        suffix = _suffix(Path(entry)) if not entry.startswith(("http://", "https://")) else ""
        try:
            size = Path(entry).stat().st_size if suffix else 0
        except OSError:
            size = 0
        if suffix in (".warc", ".warc.gz") and size > split_bytes:
            ranges = _warc_ranges(entry, split_bytes)
        elif suffix in (".jsonl", ".ndjson") and size > split_bytes:
            ranges = _line_ranges(entry, split_bytes)
        else:
            ranges = None
        if ranges is None:  # whole files, grouped
            group.append(entry)
            group_bytes += size
            if group_bytes >= split_bytes:
                close_group()
            continue
        close_group()
        kind: TaskKind = "warc" if suffix.startswith(".warc") else "jsonl"
        for start, end, first in ranges:
            tasks.append(Task(len(tasks), kind, (entry,), start, end, first))
    close_group()
    return tasks, errors


def _line_ranges(path: str, split_bytes: int) -> list[tuple[int, int, int]]:
    """Byte ranges of about ``split_bytes`` ending at line ends, with the number of their first line
    (counted as `digest` counts them: one per LF)."""
    import mmap

    with open(path, "rb") as fh:
        head = fh.read(64).lstrip()
        if head.startswith(b"[") or head.startswith(b"\xef\xbb\xbf"):
            return []  # a JSON array (or a byte-order mark to decode): read whole
        out: list[tuple[int, int, int]] = []
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            size, start, line = len(mm), 0, 1
            while start < size:
                nl = mm.find(b"\n", min(size, start + split_bytes) - 1)
                end = size if nl < 0 else nl + 1
                out.append((start, end, line))
                line += mm[start:end].count(b"\n")  # `digest` ends a record at LF only (not at U+2028, FF, …)
                start = end
    return out


def _warc_ranges(path: str, split_bytes: int) -> list[tuple[int, int, int]] | None:
    """Byte ranges of whole records of about ``split_bytes``, or None when the file cannot be cut
    (not readable, or gzipped as one stream instead of one gzip member per record)."""
    from marsad.sources.files import warc_records  # warcio's iterator, without its warnings on stderr

    offsets: list[int] = []
    try:
        with open(path, "rb") as fh:
            it = warc_records(fh)
            for _ in it:
                offsets.append(it.get_record_offset())
            size = fh.seek(0, 2)
            if path.lower().endswith(".gz"):
                for off in offsets[:50]:
                    fh.seek(off)
                    if fh.read(2) != _GZIP_MAGIC:
                        return None
    except Exception:  # noqa: BLE001 - the whole-file reader reports what is wrong with it
        return None
    if not offsets:
        return None
    out: list[tuple[int, int, int]] = []
    start_idx = 0
    for i in range(1, len(offsets) + 1):
        end = offsets[i] if i < len(offsets) else size
        if end - offsets[start_idx] >= split_bytes or i == len(offsets):
            out.append((offsets[start_idx], end, start_idx + 1))
            start_idx = i
    return out


def read_task(task: Task) -> Iterator[Page | InputError]:
    """The pages (and unreadable records) of one task, in input order, as `digest` would read them."""
    if task.kind == "files":
        for entry in task.paths:
            yield from read_path(entry)
        return
    path = task.paths[0]
    try:
        with open(path, "rb") as fh:
            fh.seek(task.start)
            data = fh.read(task.end - task.start)
    except OSError as exc:
        yield InputError(path, f"unreadable ({exc.strerror or exc})")
        return
    reader = _read_warc if task.kind == "warc" else _read_jsonl
    yield from cap_record_errors(path, (_renumber(item, path, task.first - 1) for item in reader(path, data)))


def _renumber(item: Page | InputError, path: str, shift: int) -> Page | InputError:
    """``path#k`` of a record read from a range -> ``path#(k + shift)``, its number in the whole file."""
    source = item.source
    prefix = safe_name(path) + "#"  # sources are stored with undecodable file-name bytes escaped
    if not shift or not source.startswith(prefix) or not source[len(prefix):].isdigit():
        return item
    new = f"{prefix}{int(source[len(prefix):]) + shift}"
    if isinstance(item, InputError):
        return InputError(new, item.problem)
    return replace(item, source=new)


def save_plan(tasks: list[Task], errors: list[InputError], path: Path) -> None:
    data = {"tasks": [t.to_json() for t in tasks], "errors": [[e.source, e.problem] for e in errors]}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")  # ASCII escapes keep undecodable file-name bytes
    tmp.replace(path)


def load_plan(path: Path) -> tuple[list[Task], list[InputError]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Task.from_json(t) for t in data["tasks"]], [InputError(s, m) for s, m in data["errors"]]
