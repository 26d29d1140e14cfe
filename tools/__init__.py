"""Breakout's site tooling used by tasks.py: build, check, publish, scaffold."""
