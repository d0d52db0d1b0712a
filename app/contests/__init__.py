"""Rounds: contests, timed rounds and assignments; windows, participants, clarifications."""
