"""Evaluation helpers: noisy-page generator, clustering metrics, gold-set readers."""
