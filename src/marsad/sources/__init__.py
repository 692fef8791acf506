"""Sources: turn what the user points at (files, folders, feeds, WARC archives, URLs) into `Page` records."""

from marsad.sources.decode import decode_bytes
from marsad.sources.files import discover, read_path

__all__ = ["discover", "read_path", "decode_bytes"]
