"""Judging: verdict rules, recording finished judgements, the judge queue and its recovery."""
