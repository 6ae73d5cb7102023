"""Losses for learning hash codes, each value-tested against a hand computation."""
