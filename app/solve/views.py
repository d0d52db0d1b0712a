"""Solve-page and history views (filled in below)."""
