"""Tallies, statistics and feedback classification."""
