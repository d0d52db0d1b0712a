"""Validation of a challenge: judge its reference solutions, report, run it in the background."""
