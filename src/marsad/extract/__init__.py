"""Extraction: the clean article (title, body, date, outlets, tags) out of a noisy page."""
