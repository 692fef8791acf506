"""Phrase lists of the noisy-page generator (see ../noisy.py)."""
