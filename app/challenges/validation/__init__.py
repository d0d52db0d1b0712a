"""Validation of a challenge: judge its reference solutions, report, and run it in the background."""
