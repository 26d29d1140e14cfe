"""Breakout's benchmark: a deterministic corpus generator and an A/B runner against vanilla Pelican."""
