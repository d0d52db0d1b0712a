"""Challenges: authoring services and pages, validation of reference solutions."""
