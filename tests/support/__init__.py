"""Helpers the tests share: polling for a condition, free loopback ports."""
