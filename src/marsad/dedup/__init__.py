"""Near-duplicate detection: MinHash signatures at document and paragraph level, banded into an LSH index."""
